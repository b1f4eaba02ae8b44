import { Flags } from '@oclif/core';
import { BaseCommand, commandLine, inventoryFlag, operatorName, stateFlag } from '../src/cli/base-command.js';
import type { AuditResult } from '../src/audit/run.js';

export default class Audit extends BaseCommand {
  static override summary =
    'Check the network against the state store (for cron and CI); --fix repairs drift.';
  static override description = `For every active quarantine: the reservation is on the DHCP server, the MAC and IP ACLs exist with
exactly the entries the record renders and are bound inbound on the port, and the gateway's ARP
sees the device at its High-Alert address (a record still pending renew only warns). For every
gateway: setup's policy routing and DHCP guard are complete. Orphans: highalert ACLs (HA-MAC-/HA-IP-)
and bindings no quarantine owns, High-Alert reservations no quarantine owns, and unfinished
operations of killed runs. A device that cannot be read is reported and the others are still checked.

Exit codes: 0 clean (warnings allowed), 1 drift, 3 some device or server could not be looked at.

--fix shows the repair as a diff and the exact lines, asks (without a terminal, --yes is required),
then applies it journalled and all-or-nothing: unfinished operations are recovered, drifted ACLs are
deleted and re-created from the record, missing reservations re-added, orphans removed, setup's
missing lines sent. A second look then decides the exit code.`;
  static override examples = [
    {
      description: 'From cron: JSON findings, exit 1 on drift',
      command: '<%= config.bin %> <%= command.id %> --json',
    },
    { description: 'Preview the repair', command: '<%= config.bin %> <%= command.id %> --fix --dry-run' },
    { description: 'Repair without asking', command: '<%= config.bin %> <%= command.id %> --fix --yes' },
  ];
  static override flags = {
    inventory: inventoryFlag,
    state: stateFlag,
    fix: Flags.boolean({ summary: 'Repair what drifted (shows the diff, then asks).', default: false }),
    'dry-run': Flags.boolean({
      summary: 'With --fix: print the repair diff and lines; change nothing.',
      default: false,
      dependsOn: ['fix'],
    }),
    yes: Flags.boolean({
      char: 'y',
      summary: 'Apply the repair without asking (needed without a terminal).',
      default: false,
    }),
  };

  async run(): Promise<AuditResult> {
    const { flags } = await this.parse(Audit);
    const [{ audit }, { colorFor }, { formatAuditResult, formatRepairPlan }, { confirmOrRefuse }] =
      await Promise.all([
        import('../src/audit/run.js'),
        import('../src/cli/color.js'),
        import('../src/audit/format.js'),
        import('../src/cli/confirm.js'),
      ]);
    const json = this.jsonEnabled();
    const c = colorFor();
    const result = await audit({
      inventoryPath: flags.inventory,
      ...(flags.state ? { statePath: flags.state } : {}),
      operator: await operatorName(),
      commandLine: commandLine([this.id ?? 'audit', ...this.argv]),
      fix: flags.fix,
      dryRun: flags['dry-run'],
      progress: (line) => json || process.stderr.write(`${c.dim(line)}\n`),
      showPlan: (plan, recover) => json || this.log(formatRepairPlan(plan, recover, c) + '\n'),
      confirm: () => confirmOrRefuse({ yes: flags.yes, json, question: 'Apply this repair now?' }),
    });
    this.log(formatAuditResult(result, c));
    process.exitCode = result.exitCode;
    return result;
  }
}
