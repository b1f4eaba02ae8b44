/**
 * Secrets stay where they are until a connection needs them. The inventory holds references:
 * `${ENV_VAR}`, a file, or (warned about) the secret itself, which is kept out of every
 * enumerable property so that no JSON output or log of the inventory can carry it.
 */
import { readFileSync } from 'node:fs';
import { ValidationError } from '../errors.js';
import type { SecretRef } from './types.js';

const ENV_REF = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;
const plainValues = new WeakMap<SecretRef, string>();

export type SecretText = { kind: 'env'; name: string } | { kind: 'plain' } | { kind: 'bad'; message: string };

/** Classifies a secret field's text without ever returning the value. */
export function classifySecret(text: string): SecretText {
  const m = ENV_REF.exec(text.trim());
  if (m) return { kind: 'env', name: m[1]! };
  if (text.includes('${')) {
    return {
      kind: 'bad',
      message: 'write an environment reference as the whole value, e.g. ${HIGHALERT_SSH_PASSWORD}',
    };
  }
  return { kind: 'plain' };
}

export function envSecret(name: string): SecretRef {
  return Object.freeze({ source: 'env', ref: name });
}

export function fileSecret(absolutePath: string): SecretRef {
  return Object.freeze({ source: 'file', ref: absolutePath });
}

/** A secret written in the inventory. `where` (the field path) is what shows; the value never does. */
export function plainSecret(where: string, value: string): SecretRef {
  const ref: SecretRef = Object.freeze({ source: 'plain', ref: where });
  plainValues.set(ref, value);
  return ref;
}

/** Reads a secret at connection time. Throws a ValidationError naming the variable or file. */
export function readSecret(ref: SecretRef, what = 'secret'): string {
  if (ref.source === 'env') {
    const value = process.env[ref.ref];
    if (value === undefined || value === '') {
      throw new ValidationError(`${what}: environment variable ${ref.ref} is not set`, {
        code: 'E_SECRET_MISSING',
        suggestions: [
          `export ${ref.ref}=… before running highalert (or use a *_file entry in the inventory).`,
        ],
      });
    }
    return value;
  }
  if (ref.source === 'file') {
    try {
      return readFileSync(ref.ref, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new ValidationError(`${what}: cannot read secret file ${ref.ref} (${code})`, {
        code: 'E_SECRET_MISSING',
        suggestions: [
          "Check the path (relative paths start at the inventory file's folder) and its permissions.",
        ],
      });
    }
  }
  const value = plainValues.get(ref);
  if (value === undefined) {
    throw new ValidationError(`${what}: no value for ${ref.ref}`, { code: 'E_SECRET_MISSING' });
  }
  return value;
}
