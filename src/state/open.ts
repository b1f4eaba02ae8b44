/** Finds, opens and checks the state database, and brings its schema up to date. */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StateError } from '../errors.js';
import { mapSqliteError } from './db.js';
import { APPLICATION_ID, MIGRATIONS, migrate, type Migration } from './migrations.js';
import { StateStore } from './store.js';

export interface OpenStateOptions {
  /** How long to wait for another process's write lock before E_STATE_BUSY. Default 10 s. */
  busyTimeoutMs?: number;
  /** Clock for every time the store writes (tests). */
  now?: () => Date;
  /** Migrations to apply (tests); defaults to the real schema. */
  migrations?: readonly Migration[];
}

/** `$HIGHALERT_STATE`, else `$XDG_DATA_HOME/highalert/state.db`, else `~/.local/share/highalert/state.db`. */
export function defaultStatePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HIGHALERT_STATE) return path.resolve(env.HIGHALERT_STATE);
  const dataHome = env.XDG_DATA_HOME ? env.XDG_DATA_HOME : path.join(homedir(), '.local', 'share');
  return path.join(path.resolve(dataHome), 'highalert', 'state.db');
}

const SUGGEST_PATH = 'Point HIGHALERT_STATE at a highalert state database, or unset it to use the default.';

function notOurs(file: string, why: string, cause?: unknown): StateError {
  return new StateError(`${file} is not a highalert state database (${why})`, {
    code: 'E_STATE_NOT_HIGHALERT',
    cause,
    details: { path: file },
    suggestions: [SUGGEST_PATH, `Move ${file} away to start a new, empty state store.`],
  });
}

/** Refuses files that are not SQLite, are some other program's SQLite, or come from a newer highalert. */
function checkFile(db: Database.Database, file: string, known: number): void {
  let header: { appId: number; version: number; tables: number };
  try {
    // One statement, so one consistent snapshot while another process may be migrating.
    header = db
      .prepare<[], typeof header>(
        `SELECT (SELECT application_id FROM pragma_application_id) AS appId,
                (SELECT user_version FROM pragma_user_version) AS version,
                (SELECT count(*) FROM sqlite_master WHERE type = 'table') AS tables`,
      )
      .get()!;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') throw notOurs(file, 'not an SQLite file', err);
    throw mapSqliteError(err, file);
  }
  const { appId, version, tables } = header;
  const empty = appId === 0 && version === 0 && tables === 0;
  if (!empty && appId !== APPLICATION_ID) {
    throw notOurs(file, appId === 0 ? 'an SQLite file with other tables' : `application_id ${appId}`);
  }
  if (version > known) {
    throw new StateError(
      `${file} was written by a newer highalert (schema version ${version}; this highalert knows up to ${known})`,
      {
        code: 'E_STATE_TOO_NEW',
        details: { path: file, version, known },
        suggestions: ['Upgrade highalert to the version that wrote this state database.', SUGGEST_PATH],
      },
    );
  }
}

/**
 * Switches a file to WAL (persistent: done once per file). SQLite does not call the busy handler
 * for this switch, so when another process is creating the same file at the same moment, retry.
 */
function enableWal(db: Database.Database, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    try {
      if (db.pragma('journal_mode', { simple: true }) === 'wal') return;
      if (db.pragma('journal_mode = WAL', { simple: true }) === 'wal') return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
    }
    if (Date.now() > deadline) {
      throw new StateError(`cannot switch the state database ${db.name} to WAL mode: it stayed locked`, {
        code: 'E_STATE_BUSY',
        suggestions: ['Wait for the other highalert run to finish and try again.'],
      });
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait);
  }
}

/**
 * Opens (creating if needed) the state database at `file` (default: {@link defaultStatePath}):
 * WAL, busy_timeout, foreign keys, synchronous NORMAL, schema migrated. `:memory:` works for tests.
 */
export function openState(file: string = defaultStatePath(), options: OpenStateOptions = {}): StateStore {
  const memory = file === ':memory:';
  const resolved = memory ? file : path.resolve(file);
  const created = !memory && !existsSync(resolved);
  const busyTimeoutMs = options.busyTimeoutMs ?? 10_000;
  let db: Database.Database;
  try {
    if (!memory) mkdirSync(path.dirname(resolved), { recursive: true, mode: 0o700 });
    db = new Database(resolved);
  } catch (err) {
    throw new StateError(`cannot open the state database ${resolved}: ${(err as Error).message}`, {
      code: 'E_STATE_OPEN',
      cause: err,
      suggestions: ['Check that the folder can be created and written by you.', SUGGEST_PATH],
    });
  }
  try {
    if (created) chmodSync(resolved, 0o600);
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    const migrations = options.migrations ?? MIGRATIONS;
    checkFile(db, resolved, migrations[migrations.length - 1]?.version ?? 0);
    if (!memory) enableWal(db, busyTimeoutMs);
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, migrations);
  } catch (err) {
    db.close();
    throw mapSqliteError(err, resolved);
  }
  const clock = options.now ?? (() => new Date());
  return new StateStore(db, resolved, () => clock().toISOString());
}
