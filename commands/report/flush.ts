import {
  BaseCommand,
  commandLine,
  inventoryFlag,
  operatorName,
  stateFlag,
} from '../../src/cli/base-command.js';
import type { FlushResult } from '../../src/group/types.js';

export default class ReportFlush extends BaseCommand {
  static override summary = 'Deliver queued malicious reports to the decision controller.';
  static override description =
    'Posts every report still queued in the state store (oldest first, retried with backoff) to the ' +
    "inventory's decision_controller. The first report that cannot be delivered stops the run; it and " +
    'the rest stay queued. Every `highalert verdict` does the same first. For cron. Exit codes: 0 queue ' +
    'empty afterwards, 1 reports still queued, 2 reports wait but the inventory has no decision_controller.';
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --json | jq ".queued"',
  ];
  static override flags = { inventory: inventoryFlag, state: stateFlag };

  async run(): Promise<FlushResult> {
    const { flags } = await this.parse(ReportFlush);
    const { openGroupContext, flushReports, noController } = await import('../../src/group/index.js');
    const { store, inventory } = await openGroupContext({
      inventoryPath: flags.inventory,
      statePath: flags.state,
      needInventory: true,
    });
    try {
      const result = await flushReports(store, {
        decisionController: inventory?.decisionController,
        operator: await operatorName(),
        commandLine: commandLine(['report', 'flush', ...this.argv]),
        ...(this.jsonEnabled() ? {} : { progress: (line: string) => process.stderr.write(`${line}\n`) }),
      });
      if (!result.configured && result.queued > 0) throw noController();
      if (!this.jsonEnabled()) this.log((await import('../../src/group/render.js')).renderFlush(result));
      process.exitCode = result.queued === 0 ? 0 : 1;
      return result;
    } finally {
      store.close();
    }
  }
}
