/** What every table module shares: the connection, the clock, JSON columns, transactions. */
import type Database from 'better-sqlite3';
import { StateError } from '../errors.js';
import type { JsonValue } from './types.js';

export interface Ctx {
  readonly db: Database.Database;
  /** The current time as an ISO-8601 UTC string (injectable for tests). */
  readonly now: () => string;
}

/** Object keys that would hold a secret. The store refuses them so a secret cannot slip in by accident. */
const SECRET_KEY = /^(password|passwd|passphrase|secret|token|api[_-]?key|private[_-]?key|credentials?)$/i;

function assertNoSecrets(value: unknown, path: string): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertNoSecrets(v, `${path}[${i}]`));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (SECRET_KEY.test(k)) {
        throw new StateError(`refusing to store ${path}.${k}: the state store never keeps secrets`, {
          code: 'E_STATE_SECRET',
          suggestions: [
            'This is a bug in highalert: secrets must stay in the environment, ssh-agent or key files.',
          ],
        });
      }
      assertNoSecrets(v, `${path}.${k}`);
    }
  }
}

/** Serialises a JSON column, refusing keys that look like secrets. */
export function toJson(
  value: JsonValue | Record<string, string[]> | Record<string, string>,
  what: string,
): string {
  assertNoSecrets(value, what);
  return JSON.stringify(value);
}

export function fromJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

export function fromJsonOrNull<T>(text: string | null): T | null {
  return text === null ? null : fromJson<T>(text);
}

function sqliteCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

export function isUniqueViolation(err: unknown): boolean {
  return sqliteCode(err) === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Turns SQLite's "busy"/"locked" into a StateError that says what to do. Other errors pass through. */
export function mapSqliteError(err: unknown, path?: string): unknown {
  const code = sqliteCode(err);
  if (code?.startsWith('SQLITE_BUSY') || code?.startsWith('SQLITE_LOCKED')) {
    return new StateError(
      `the state database${path ? ` ${path}` : ''} stayed locked by another highalert process`,
      {
        code: 'E_STATE_BUSY',
        cause: err,
        suggestions: ['Wait for the other run to finish (see `highalert status`) and try again.'],
      },
    );
  }
  return err;
}

/**
 * Runs `fn` in one `BEGIN IMMEDIATE` transaction: the write lock is taken before the first read, so
 * read-then-write decisions (allocate, claim) cannot interleave with another process.
 */
export function immediate<T>(ctx: Ctx, fn: () => T): T {
  try {
    return ctx.db.transaction(fn).immediate();
  } catch (err) {
    throw mapSqliteError(err, ctx.db.name);
  }
}
