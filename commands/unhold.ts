import { Flags } from '@oclif/core';
import { BaseCommand, inventoryFlag } from '../src/cli/base-command.js';
import type { HoldResult } from '../src/gateway/hold.js';

export default class Unhold extends BaseCommand {
  static override summary = 'End the hold: restore each gateway SVI exactly as it was.';
  static override description =
    'Puts back the inbound ACL each SVI had before `highalert hold` (from the hold record) and deletes ' +
    'HA-HOLD-<vlan>, so the running config is what it was before the hold. Refuses (exit 1) an SVI whose ' +
    'inbound ACL was changed by hand during the hold. With no hold active it says so and sends nothing. ' +
    'Without a terminal, --yes is required.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> --dry-run',
    '<%= config.bin %> <%= command.id %> --yes --json',
  ];
  static override flags = {
    inventory: inventoryFlag,
    state: Flags.string({ summary: 'State store file.', env: 'HIGHALERT_STATE' }),
    'dry-run': Flags.boolean({ summary: 'Show the diff and the exact lines; change nothing.' }),
    yes: Flags.boolean({ char: 'y', summary: 'Apply without asking (needed without a terminal).' }),
  };

  async run(): Promise<HoldResult> {
    const { flags } = await this.parse(Unhold);
    const { unholdFromCli } = await import('../src/gateway/cli.js');
    const { formatHoldResult } = await import('../src/gateway/format.js');
    const { colorFor } = await import('../src/cli/color.js');
    const result = await unholdFromCli({
      inventoryPath: flags.inventory,
      ...(flags.state === undefined ? {} : { statePath: flags.state }),
      dryRun: flags['dry-run'],
      yes: flags.yes,
      json: this.jsonEnabled(),
      commandLine: ['highalert', 'unhold', ...this.argv].join(' '),
      say: (text) => this.log(text),
    });
    if (!this.jsonEnabled()) this.log(formatHoldResult('unhold', result, colorFor(process.stdout)));
    return result;
  }
}
