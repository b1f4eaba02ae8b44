import { ValidationError } from '../errors.js';
import type { InventoryIssue } from './types.js';

/** `inventory.yaml:12:5: devices[1].host: missing 'host'` */
export function formatIssue(issue: InventoryIssue): string {
  return `${issue.file}:${issue.line}:${issue.column}: ${issue.path ? `${issue.path}: ` : ''}${issue.message}`;
}

/** The inventory has errors. `details.errors` lists every one, located: {file, line, column, path, message}. */
export class InventoryError extends ValidationError {
  readonly errors: readonly InventoryIssue[];
  readonly warnings: readonly InventoryIssue[];

  constructor(file: string, errors: readonly InventoryIssue[], warnings: readonly InventoryIssue[] = []) {
    const n = errors.length;
    const message = [
      `${file}: ${n} error${n === 1 ? '' : 's'} in the inventory`,
      ...errors.map(formatIssue),
    ].join('\n  ');
    const strip = ({ file: f, line, column, path, message: m }: InventoryIssue) => ({
      file: f,
      line,
      column,
      path,
      message: m,
    });
    super(message, {
      code: 'E_INVENTORY',
      suggestions: [
        'Fix each line above; the schema is schema/inventory.schema.json and inventory.example.yaml shows every key.',
      ],
      details: { file, errors: errors.map(strip), warnings: warnings.map(strip) },
    });
    this.errors = errors;
    this.warnings = warnings;
  }
}
