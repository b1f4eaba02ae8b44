import { Args, Flags } from '@oclif/core';
import { BaseCommand, inventoryFlag, stateFlag } from '../src/cli/base-command.js';
import type { HistoryResult } from '../src/group/types.js';

export default class History extends BaseCommand {
  static override summary = 'Show the audit trail, newest first.';
  static override description =
    'Who ran what, on which target and device, and the result. With TARGET, only its entries: TARGET as ' +
    'typed, a device name or a MAC (any notation); an IP, user id or quarantine id also brings in the ' +
    "entries of that quarantine's MAC. The lines sent to devices are in --json (`lines`).";
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> 001b.213a.4f01 --limit 10',
    '<%= config.bin %> <%= command.id %> jdoe --json | jq ".entries[].result"',
  ];
  static override args = {
    target: Args.string({ description: 'MAC, IP, user id, quarantine id or device name.', required: false }),
  };
  static override flags = {
    inventory: inventoryFlag,
    state: stateFlag,
    limit: Flags.integer({ char: 'n', summary: 'At most N entries.', default: 50, min: 1 }),
  };

  async run(): Promise<HistoryResult> {
    const { args, flags } = await this.parse(History);
    const { openGroupContext, groupHistory } = await import('../src/group/index.js');
    const { store } = await openGroupContext({
      inventoryPath: flags.inventory,
      statePath: flags.state,
      needInventory: false,
    });
    try {
      const result = groupHistory(store, { target: args.target, limit: flags.limit });
      if (!this.jsonEnabled()) this.log((await import('../src/group/render.js')).renderHistory(result));
      return result;
    } finally {
      store.close();
    }
  }
}
