import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { changeFlags, changeRequest } from '../src/cli/change-flags.js';
import type { QuarantineOutcome } from '../src/apply/quarantine.js';

export default class Quarantine extends BaseCommand {
  static override summary = 'Move a user, MAC or IP into the High-Alert group.';
  static override description = `Finds the device (inventory users first, then ARP on the gateway and the MAC tables of the access
switches), reserves it the first free High-Alert address on the DHCP server, binds a MAC ACL and an
IP ACL to its access port, bounces the port and verifies the device now holds its High-Alert
address. Protected targets, trunks and uplinks are refused; a port that carries other MACs is
refused unless --allow-shared-port. Every step is journalled; on any failure everything done so far
is undone and the command exits 3. Quarantining a quarantined device changes nothing (exit 0).`;
  static override examples = [
    {
      description: 'Preview: the diff per device and the exact lines an apply sends',
      command: '<%= config.bin %> <%= command.id %> 10.20.0.57 --dry-run',
    },
    {
      description: 'Quarantine a MAC (any notation) with a reason',
      command: '<%= config.bin %> <%= command.id %> 00:1b:21:3a:4f:01 --reason "DAI violation, ticket 4711"',
    },
    {
      description: 'From cron or a SOAR playbook: no prompt, JSON out',
      command: '<%= config.bin %> <%= command.id %> jdoe --yes --json',
    },
  ];
  static override args = {
    target: Args.string({
      required: true,
      description: 'user id from the inventory, MAC address or IP address',
    }),
  };
  static override flags = {
    ...changeFlags,
    reason: Flags.string({
      char: 'r',
      summary: 'Why (kept in the record and the IP ACL remark; one line, no ? or ;).',
    }),
    ttl: Flags.string({
      summary: 'How long before `expire` releases it, e.g. 4h, 7d (default from the inventory).',
    }),
    'allow-shared-port': Flags.boolean({
      summary: 'Keep the other MACs on the port permitted instead of refusing.',
      default: false,
    }),
  };

  async run(): Promise<QuarantineOutcome> {
    const { args, flags } = await this.parse(Quarantine);
    const [{ quarantine }, { colorFor }, { formatPlan }, { formatQuarantineOutcome }, { confirmOrRefuse }] =
      await Promise.all([
        import('../src/apply/quarantine.js'),
        import('../src/cli/color.js'),
        import('../src/plan/format.js'),
        import('../src/apply/format-outcome.js'),
        import('../src/cli/confirm.js'),
      ]);
    const json = this.jsonEnabled();
    const c = colorFor();
    const outcome = await quarantine({
      ...(await changeRequest(flags, json, ['quarantine', ...this.argv])),
      target: args.target,
      ...(flags.reason === undefined ? {} : { reason: flags.reason }),
      ...(flags.ttl === undefined ? {} : { ttl: flags.ttl }),
      allowSharedPort: flags['allow-shared-port'],
      progress: (line) => json || process.stderr.write(`${c.dim(line)}\n`),
      confirm: async (plan) => {
        if (!json) this.log(formatPlan(plan, c) + '\n');
        return confirmOrRefuse({ yes: flags.yes, json, question: `Quarantine ${plan.mac} now?` });
      },
    });
    if (outcome.outcome === 'dry-run' && !json) this.log(formatPlan(outcome.plan, c) + '\n');
    this.log(formatQuarantineOutcome(outcome, c));
    if (
      outcome.outcome === 'quarantined' &&
      outcome.renew.method === 'port-bounce' &&
      !outcome.renew.verified &&
      flags.verify
    ) {
      process.exitCode = 1;
    }
    return outcome;
  }
}
