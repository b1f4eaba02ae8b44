import { Args, Flags } from '@oclif/core';
import { BaseCommand, inventoryFlag, stateFlag } from '../src/cli/base-command.js';
import type { StatusResult } from '../src/group/types.js';
import { QUARANTINE_STATUSES } from '../src/state/types.js';

export default class Status extends BaseCommand {
  static override summary = 'Show the High-Alert group: who is quarantined, where, and for how long.';
  static override description =
    'One row per quarantine: target, user, MAC, switch and port, High-Alert IP, since, TTL left, status ' +
    'and reason. Active quarantines by default; --all adds released, rolled-back and failed ones. A ' +
    'collective hold is shown with its message, and a quarantine whose malicious report is still waiting ' +
    'for the decision controller is marked "report queued" (deliver with `highalert report flush`). ' +
    'TARGET is a MAC (any notation), an IP (High-Alert or previous), a user id or a quarantine id. ' +
    'Reads the state store only: no device is contacted.';
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> 00:1b:21:3a:4f:01',
    '<%= config.bin %> <%= command.id %> --site hq --status pending-renew',
    '<%= config.bin %> <%= command.id %> --all --user jdoe --json | jq ".quarantines[].ttlLeftS"',
  ];
  static override args = {
    target: Args.string({ description: 'MAC, IP, user id or quarantine id.', required: false }),
  };
  static override flags = {
    inventory: inventoryFlag,
    state: stateFlag,
    status: Flags.option({ options: QUARANTINE_STATUSES, multiple: true, summary: 'Only these statuses.' })(),
    site: Flags.string({ summary: 'Only this site.' }),
    user: Flags.string({ summary: 'Only this user id.' }),
    all: Flags.boolean({ summary: 'Include released, rolled-back and failed quarantines.' }),
  };

  async run(): Promise<StatusResult> {
    const { args, flags } = await this.parse(Status);
    const { openGroupContext, groupStatus } = await import('../src/group/index.js');
    const { store } = await openGroupContext({
      inventoryPath: flags.inventory,
      statePath: flags.state,
      needInventory: false,
    });
    try {
      const result = groupStatus(store, {
        target: args.target,
        status: flags.status,
        site: flags.site,
        user: flags.user,
        all: flags.all,
      });
      if (!this.jsonEnabled()) this.log((await import('../src/group/render.js')).renderStatus(result));
      return result;
    } finally {
      store.close();
    }
  }
}
