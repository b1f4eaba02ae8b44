/**
 * The one place that decides whether a change may go ahead: `--yes` applies; a terminal asks;
 * anything else (cron, CI, a pipe, --json) refuses, so nothing changes without consent.
 */
import { ValidationError } from '../errors.js';

export interface ConfirmOptions {
  yes: boolean;
  json: boolean;
  question: string;
}

export function isInteractive(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY);
}

export async function confirmOrRefuse(options: ConfirmOptions): Promise<boolean> {
  if (options.yes) return true;
  if (options.json || !isInteractive()) {
    throw new ValidationError('not a terminal: pass --yes to apply (or --dry-run to only preview)', {
      code: 'E_CONFIRM_REQUIRED',
      suggestions: ['Scripts and cron jobs must say --yes to change anything.'],
    });
  }
  const { confirm } = await import('@inquirer/prompts');
  return confirm({ message: options.question, default: false });
}
