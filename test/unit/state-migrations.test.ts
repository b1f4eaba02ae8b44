import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { HighAlertError } from '../../src/errors.js';
import {
  APPLICATION_ID,
  MIGRATIONS,
  SCHEMA_VERSION,
  defaultStatePath,
  migrate,
  openState,
} from '../../src/state/index.js';
import { sampleQuarantine, tempDir } from './state-fixtures.js';

function tables(db: Database.Database): string[] {
  return db
    .prepare<[], string>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .pluck()
    .all();
}

function assertStateError(fn: () => unknown, code: string, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof HighAlertError);
    assert.equal(err.code, code);
    assert.match(err.message, message);
    assert.ok(err.suggestions.length > 0, 'has suggestions');
    return true;
  });
}

test('migrations are numbered 1..N without gaps', () => {
  assert.deepEqual(
    MIGRATIONS.map((m) => m.version),
    MIGRATIONS.map((_, i) => i + 1),
  );
  assert.equal(SCHEMA_VERSION, MIGRATIONS.length);
});

test('from empty: every migration applies, pragmas are set', () => {
  const file = path.join(tempDir(), 'nested', 'state.db');
  const store = openState(file);
  try {
    assert.equal(store.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    assert.equal(store.db.pragma('application_id', { simple: true }), APPLICATION_ID);
    assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(store.db.pragma('foreign_keys', { simple: true }), 1);
    assert.equal(store.db.pragma('synchronous', { simple: true }), 1); // NORMAL
    assert.equal(store.db.pragma('busy_timeout', { simple: true }), 10_000);
    assert.deepEqual(tables(store.db), [
      'allocations',
      'audit',
      'holds',
      'journal',
      'operations',
      'quarantines',
      'reports',
    ]);
  } finally {
    store.close();
  }
  // Reopening applies nothing.
  const db = new Database(file);
  assert.deepEqual(migrate(db), []);
  db.close();
});

test('from version N-1: the last migration applies and data survives', () => {
  const file = path.join(tempDir(), 'state.db');
  const old = openState(file, { migrations: MIGRATIONS.slice(0, -1) });
  const q = old.recordQuarantine(sampleQuarantine());
  assert.equal(old.db.pragma('user_version', { simple: true }), SCHEMA_VERSION - 1);
  old.close();

  const store = openState(file);
  try {
    assert.equal(store.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    assert.deepEqual(store.getQuarantine(q.id), q);
    assert.equal(store.enqueueReport(q.id, { verdict: 'malicious' }).attempts, 0);
  } finally {
    store.close();
  }
});

test('from version 2: v3 adds reports.withdrawn_at; queued reports stay pending', () => {
  const file = path.join(tempDir(), 'state.db');
  const old = openState(file, { migrations: MIGRATIONS.filter((m) => m.version <= 2) });
  const q = old.recordQuarantine(sampleQuarantine());
  // A report queued by a v2 highalert (its row has no withdrawn_at column yet).
  const id = old.db
    .prepare<[number, string], { id: number }>(
      "INSERT INTO reports (quarantine_id, payload, created_at) VALUES (?, ?, '2026-12-04T12:00:00.000Z') RETURNING id",
    )
    .get(q.id, JSON.stringify({ verdict: 'malicious' }))!.id;
  assert.equal(old.db.pragma('user_version', { simple: true }), 2);
  old.close();

  const store = openState(file);
  try {
    assert.equal(store.db.pragma('user_version', { simple: true }), 3);
    const columns = store.db
      .prepare<[], { name: string; type: string; notnull: number }>('PRAGMA table_info(reports)')
      .all();
    const withdrawnAt = columns.find((c) => c.name === 'withdrawn_at');
    assert.deepEqual([withdrawnAt?.type, withdrawnAt?.notnull], ['TEXT', 0]);
    const [pending] = store.pendingReports();
    assert.deepEqual([pending!.id, pending!.withdrawnAt], [id, null]);
    assert.deepEqual(
      store.withdrawReports(q.id, 'verdict benign').map((r) => r.id),
      [id],
    );
    assert.deepEqual(store.pendingReports(), []);
  } finally {
    store.close();
  }
});

test('a failing migration is rolled back whole', () => {
  const db = new Database(':memory:');
  const broken = [
    ...MIGRATIONS,
    { version: SCHEMA_VERSION + 1, name: 'broken', sql: 'CREATE TABLE x (a); BOGUS;' },
  ];
  assert.throws(() => migrate(db, broken));
  assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  assert.ok(!tables(db).includes('x'));
  db.close();
});

test('a file that is not SQLite is refused with a clear StateError', () => {
  const file = path.join(tempDir(), 'state.db');
  writeFileSync(file, 'hosts:\n  - name: acc-sw1\n'.repeat(200));
  assertStateError(
    () => openState(file),
    'E_STATE_NOT_HIGHALERT',
    /is not a highalert state database \(not an SQLite file\)/,
  );
});

test("another program's SQLite file is refused", () => {
  const file = path.join(tempDir(), 'other.db');
  const db = new Database(file);
  db.exec('CREATE TABLE bookmarks (url TEXT)');
  db.close();
  assertStateError(() => openState(file), 'E_STATE_NOT_HIGHALERT', /not a highalert state database/);
});

test('a database from a newer schema version is refused', () => {
  const file = path.join(tempDir(), 'state.db');
  openState(file).close();
  const db = new Database(file);
  db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  db.close();
  assertStateError(
    () => openState(file),
    'E_STATE_TOO_NEW',
    /written by a newer highalert \(schema version \d+/,
  );
});

test('defaultStatePath: HIGHALERT_STATE, then XDG_DATA_HOME, then ~/.local/share', () => {
  assert.equal(defaultStatePath({ HIGHALERT_STATE: '/srv/ha.db', XDG_DATA_HOME: '/x' }), '/srv/ha.db');
  assert.equal(defaultStatePath({ XDG_DATA_HOME: '/x/data' }), '/x/data/highalert/state.db');
  assert.match(defaultStatePath({}), /\/\.local\/share\/highalert\/state\.db$/);
});

test('the default folder is created with mode 0700, the file 0600', () => {
  const data = tempDir();
  const file = defaultStatePath({ XDG_DATA_HOME: data });
  openState(file).close();
  assert.equal(statSync(path.dirname(file)).mode & 0o777, 0o700);
  assert.equal(statSync(file).mode & 0o777, 0o600);
});
