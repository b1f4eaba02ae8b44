import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { changeFlags, changeRequest } from '../src/cli/change-flags.js';
import type { VerdictResult } from '../src/group/types.js';

export default class Verdict extends BaseCommand {
  static override summary = 'Decide a quarantine: report it as malicious, or release it as benign.';
  static override description =
    '--malicious marks the quarantine and posts a JSON report (target, user, MAC, switch/port, High-Alert ' +
    "IP, evidence, audit timeline, state, note, operator, time) to the inventory's decision_controller, " +
    'with the auth header read from the environment (auth_env). The report is queued in the state store ' +
    'first and retried with backoff; if it still cannot be delivered it stays queued (exit 1, shown by ' +
    '`highalert status`) and the next `verdict` or `highalert report flush` delivers it. --report-file ' +
    'writes the report to a new file instead. --benign marks the quarantine and releases it, restoring ' +
    'the port and DHCP as they were (asks first; --yes for scripts). TARGET is a MAC (any notation), an ' +
    'IP (High-Alert or previous), a user id or a quarantine id. Exit codes: 0 done (or nothing to change), ' +
    '1 report queued, 2 bad target or usage, 3 the release failed (rolled back).';
  static override examples = [
    '<%= config.bin %> <%= command.id %> 00:1b:21:3a:4f:01 --malicious --note "C2 beacon confirmed by SOC"',
    '<%= config.bin %> <%= command.id %> jdoe --malicious --report-file /var/lib/highalert/reports/jdoe.json',
    '<%= config.bin %> <%= command.id %> 10.20.0.240 --benign --yes',
    '<%= config.bin %> <%= command.id %> 12 --malicious --dry-run --json',
  ];
  static override args = {
    target: Args.string({ description: 'MAC, IP, user id or quarantine id.', required: true }),
  };
  static override flags = {
    ...changeFlags,
    malicious: Flags.boolean({
      summary: 'Report to the decision controller; keep the quarantine.',
      exactlyOne: ['malicious', 'benign'],
    }),
    benign: Flags.boolean({ summary: 'Release the quarantine.', exactlyOne: ['malicious', 'benign'] }),
    note: Flags.string({ summary: 'A note for the report and the audit trail.' }),
    'report-file': Flags.string({
      summary: 'Write the report to this new file instead of posting it.',
      dependsOn: ['malicious'],
    }),
  };

  async run(): Promise<VerdictResult> {
    const { args, flags } = await this.parse(Verdict);
    const { verdict, verdictExitCode } = await import('../src/group/index.js');
    const { confirmOrRefuse } = await import('../src/cli/confirm.js');
    const json = this.jsonEnabled();
    const result = await verdict(
      {
        ...(await changeRequest(flags, json, ['verdict', ...this.argv])),
        target: args.target,
        verdict: flags.malicious ? 'malicious' : 'benign',
        note: flags.note,
        reportFile: flags['report-file'],
      },
      { confirm: (question) => confirmOrRefuse({ yes: flags.yes, json, question }) },
    );
    if (!json) this.log((await import('../src/group/render.js')).renderVerdict(result));
    process.exitCode = verdictExitCode(result);
    return result;
  }
}
