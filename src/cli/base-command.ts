/**
 * The base of every highalert command: `--json` on all of them, errors mapped to the documented exit
 * codes, and printed on stderr (as JSON under `--json`, with suggestions otherwise).
 */
import { Command, Flags } from '@oclif/core';
import { EXIT, HighAlertError, ValidationError, asHighAlertError } from '../errors.js';
import { colorFor } from './color.js';

interface OclifLikeError extends Error {
  oclif?: { exit?: number };
  code?: string;
}

/** Turns anything thrown into a HighAlertError; oclif's own parse errors are usage errors (exit 2). */
export function toUserError(err: unknown): HighAlertError {
  if (err instanceof HighAlertError) return err;
  const e = err as OclifLikeError;
  if (e && typeof e === 'object' && e.oclif !== undefined) {
    return new ValidationError(e.message.replace(/\n\s*See more help with --help$/, ''), {
      code: 'E_USAGE',
      suggestions: ['See the command and its examples with --help.'],
    });
  }
  return asHighAlertError(err);
}

export function formatErrorHuman(err: HighAlertError, stream: NodeJS.WriteStream = process.stderr): string {
  const c = colorFor(stream);
  const lines = [`${c.red.bold('Error')}${err.device ? ` (${err.device})` : ''}: ${err.message}`];
  for (const s of err.suggestions) lines.push(`  ${c.yellow('→')} ${s}`);
  return lines.join('\n') + '\n';
}

export const inventoryFlag = Flags.string({
  char: 'i',
  summary: 'Inventory file (YAML).',
  env: 'HIGHALERT_INVENTORY',
  default: 'inventory.yaml',
  helpGroup: 'GLOBAL',
});

export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true;

  /** Writes a line for people; suppressed under --json (stdout then carries only JSON). */
  protected say(message = ''): void {
    this.log(message);
  }

  protected override async catch(err: Error): Promise<void> {
    const e = err as OclifLikeError;
    // this.exit(n) throws an ExitError: honour it silently.
    if (e.code === 'EEXIT' && e.oclif?.exit !== undefined) {
      process.exitCode = e.oclif.exit;
      return;
    }
    const error = toUserError(err);
    process.exitCode = error.exitCode;
    if (this.jsonEnabled()) {
      process.stderr.write(JSON.stringify({ error: error.toJSON() }, null, 2) + '\n');
      return;
    }
    process.stderr.write(formatErrorHuman(error));
    if (error.exitCode === EXIT.INTERNAL && process.env.DEBUG) process.stderr.write(`${String(err.stack)}\n`);
  }
}

export const stateFlag = Flags.string({
  summary: 'State store (SQLite file) holding quarantines, the journal and the audit trail.',
  env: 'HIGHALERT_STATE',
  helpGroup: 'GLOBAL',
});

export { commandLine, operatorName } from './operator.js';
