import { Flags } from '@oclif/core';
import { BaseCommand, commandLine, inventoryFlag, operatorName, stateFlag } from '../src/cli/base-command.js';
import type { RecoverResult } from '../src/recover/recover.js';

export default class Recover extends BaseCommand {
  static override summary = 'Undo what a killed highalert run left half-done.';
  static override description = `Finds operations still marked running whose process is gone (killed, crashed, host rebooted) and
undoes every journalled step that is not undone yet, in reverse order. A step journalled as pending
may have been partly applied, so it is undone too; undo lines a device rejects (nothing left to
undo) are not errors. The operation is then marked rolled-back; a quarantine it was making becomes
rolled-back (its High-Alert address is freed), a release it was making leaves the quarantine
isolated. Shows what it will undo, then asks (without a terminal, --yes is required).

Exit codes: 0 nothing to do or everything undone, 3 some step could not be undone (the operation
stays unfinished: fix the cause and run recover again).`;
  static override examples = [
    { description: 'What would be undone', command: '<%= config.bin %> <%= command.id %> --dry-run' },
    { description: 'From a script', command: '<%= config.bin %> <%= command.id %> --yes --json' },
  ];
  static override flags = {
    inventory: inventoryFlag,
    state: stateFlag,
    'dry-run': Flags.boolean({ summary: 'List what would be undone; change nothing.', default: false }),
    yes: Flags.boolean({
      char: 'y',
      summary: 'Undo without asking (needed without a terminal).',
      default: false,
    }),
  };

  async run(): Promise<RecoverResult> {
    const { flags } = await this.parse(Recover);
    const [{ recover }, { colorFor }, { formatRecoverPlan, formatRecoverResult }, { confirmOrRefuse }] =
      await Promise.all([
        import('../src/recover/recover.js'),
        import('../src/cli/color.js'),
        import('../src/recover/format.js'),
        import('../src/cli/confirm.js'),
      ]);
    const json = this.jsonEnabled();
    const c = colorFor();
    const result = await recover({
      inventoryPath: flags.inventory,
      ...(flags.state ? { statePath: flags.state } : {}),
      operator: await operatorName(),
      commandLine: commandLine([this.id ?? 'recover', ...this.argv]),
      dryRun: flags['dry-run'],
      progress: (line) => json || process.stderr.write(`${c.dim(line)}\n`),
      showPlan: (ops) => json || this.log(formatRecoverPlan(ops, c) + '\n'),
      confirm: (ops) =>
        confirmOrRefuse({
          yes: flags.yes,
          json,
          question: `Undo ${ops.length} unfinished operation(s) now?`,
        }),
    });
    this.log(formatRecoverResult(result, c));
    process.exitCode = result.exitCode;
    return result;
  }
}
