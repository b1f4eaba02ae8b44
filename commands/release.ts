import { Args } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { changeFlags, changeRequest } from '../src/cli/change-flags.js';
import type { ReleaseOutcome } from '../src/apply/release.js';

export default class Release extends BaseCommand {
  static override summary = 'Take a device out of the High-Alert group, restoring its port exactly.';
  static override description = `Restores the access port's ACL bindings from the snapshot taken before quarantine, removes the ACLs
highalert created and the DHCP reservation, bounces the port and verifies the device is back in the
normal pool. All-or-nothing like quarantine; releasing a device that is not quarantined changes
nothing (exit 0).`;
  static override examples = [
    {
      description: 'Preview the restore',
      command: '<%= config.bin %> <%= command.id %> 00:1b:21:3a:4f:01 --dry-run',
    },
    {
      description: 'Release by High-Alert address, no prompt',
      command: '<%= config.bin %> <%= command.id %> 10.20.0.240 --yes',
    },
  ];
  static override args = {
    target: Args.string({
      required: true,
      description: 'user id, MAC address, or the High-Alert / previous IP address',
    }),
  };
  static override flags = { ...changeFlags };

  async run(): Promise<ReleaseOutcome> {
    const { args, flags } = await this.parse(Release);
    const [{ release }, { colorFor }, { formatPlan }, { formatReleaseOutcome }, { confirmOrRefuse }] =
      await Promise.all([
        import('../src/apply/release.js'),
        import('../src/cli/color.js'),
        import('../src/plan/format.js'),
        import('../src/apply/format-outcome.js'),
        import('../src/cli/confirm.js'),
      ]);
    const json = this.jsonEnabled();
    const c = colorFor();
    const outcome = await release({
      ...(await changeRequest(flags, json, ['release', ...this.argv])),
      target: args.target,
      progress: (line) => json || process.stderr.write(`${c.dim(line)}\n`),
      confirm: async (plan) => {
        if (!json) this.log(formatPlan(plan, c) + '\n');
        return confirmOrRefuse({ yes: flags.yes, json, question: `Release ${plan.mac} now?` });
      },
    });
    if (outcome.outcome === 'dry-run' && !json) this.log(formatPlan(outcome.plan, c) + '\n');
    this.log(formatReleaseOutcome(outcome, c));
    if (
      outcome.outcome === 'released' &&
      outcome.renew.method === 'port-bounce' &&
      !outcome.renew.verified &&
      flags.verify
    ) {
      process.exitCode = 1;
    }
    return outcome;
  }
}
