import { Flags } from '@oclif/core';
import { BaseCommand, inventoryFlag } from '../src/cli/base-command.js';
import type { HoldResult } from '../src/gateway/hold.js';

export default class Hold extends BaseCommand {
  static override summary = 'Put every member of the High-Alert group on hold, with a message.';
  static override description =
    'One gateway-level change for the whole group: on each gateway SVI with a High-Alert pool, binds ' +
    'the inbound ACL HA-HOLD-<vlan>, which lets the pool reach only DHCP, DNS and the monitoring/notice ' +
    "server (everyone else on the VLAN is unaffected). The SVI's previous inbound ACL is recorded and " +
    'put back exactly by `highalert unhold`. The message is recorded in the state store and posted to ' +
    'the decision controller when the inventory has one (a failed post is a warning). A second hold ' +
    'says "already on hold" and sends nothing. Without a terminal, --yes is required.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> --message "Incident 4711: High-Alert devices on hold" --dry-run',
    '<%= config.bin %> <%= command.id %> -m "Incident 4711" --yes',
  ];
  static override flags = {
    inventory: inventoryFlag,
    message: Flags.string({ char: 'm', summary: 'Why (one line of plain text).', required: true }),
    state: Flags.string({ summary: 'State store file.', env: 'HIGHALERT_STATE' }),
    'dry-run': Flags.boolean({ summary: 'Show the diff and the exact lines; change and record nothing.' }),
    yes: Flags.boolean({ char: 'y', summary: 'Apply without asking (needed without a terminal).' }),
  };

  async run(): Promise<HoldResult> {
    const { flags } = await this.parse(Hold);
    const { holdFromCli } = await import('../src/gateway/cli.js');
    const { formatHoldResult } = await import('../src/gateway/format.js');
    const { colorFor } = await import('../src/cli/color.js');
    const result = await holdFromCli({
      inventoryPath: flags.inventory,
      ...(flags.state === undefined ? {} : { statePath: flags.state }),
      message: flags.message,
      dryRun: flags['dry-run'],
      yes: flags.yes,
      json: this.jsonEnabled(),
      commandLine: ['highalert', 'hold', ...this.argv].join(' '),
      say: (text) => this.log(text),
    });
    if (!this.jsonEnabled()) this.log(formatHoldResult('hold', result, colorFor(process.stdout)));
    return result;
  }
}
