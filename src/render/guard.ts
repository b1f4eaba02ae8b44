/**
 * The last line of defence before anything reaches a device (DESIGN.md invariant 5): every value
 * in a template context, and every rendered line, must be one line of printable ASCII without `?`
 * or `;`. Values are already parsed by src/values; this catches whatever slipped past.
 */
import { ValidationError } from '../errors.js';

const SAFE = /^[\x20-\x3a\x3c-\x3e\x40-\x7e]*$/;

export function isSafeToken(text: string): boolean {
  return SAFE.test(text);
}

/** Throws when any string inside `value` (recursively) could break out of its line. */
export function assertSafeContext(value: unknown, path = 'context'): void {
  if (typeof value === 'string') {
    if (!SAFE.test(value)) {
      throw new ValidationError(`${path} contains a character that cannot be sent to a device`, {
        code: 'E_UNSAFE_VALUE',
        details: { path },
      });
    }
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new ValidationError(`${path} is not a finite number`, { code: 'E_UNSAFE_VALUE' });
    return;
  }
  if (value === null || value === undefined || typeof value === 'boolean') return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertSafeContext(v, `${path}[${i}]`));
    return;
  }
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) assertSafeContext(v, `${path}.${k}`);
    return;
  }
  throw new ValidationError(`${path} has a type that cannot reach a template`, { code: 'E_UNSAFE_VALUE' });
}
