/**
 * The schema, as numbered migrations. `PRAGMA user_version` holds the last one applied and
 * `PRAGMA application_id` marks the file as a highalert database. Each migration runs, with its
 * version bump, in one IMMEDIATE transaction that re-reads the version first, so two processes
 * opening a new file at once migrate it exactly once. Never edit a released migration: add one.
 *
 * Tables (times are ISO-8601 UTC text, JSON columns are checked with json_valid):
 *
 * - operations: one run of quarantine / release / …; `status` running → done | rolled-back |
 *   failed | abandoned. `mac` is set by claimTarget/lockTarget; the partial unique index
 *   `operations_running_mac` allows one running operation per MAC — that is the per-target lock.
 *   `pid` + `host` let `recover` find runs whose process died.
 * - journal: the steps of an operation, written BEFORE each step runs (status pending), then
 *   done | failed, and on rollback undone | undo-failed. `do_payload` / `undo_payload` hold the
 *   lines or DHCP change to make and the ones that reverse it.
 * - quarantines: one row per quarantine; `snapshot` is the port's interface+ACL config text per
 *   device before quarantine (release restores exactly this). The partial unique index
 *   `quarantines_active_mac` allows one active quarantine per MAC.
 * - allocations: High-Alert addresses handed out, UNIQUE(pool, ip) and UNIQUE(pool, mac): the
 *   database, not the caller, guarantees two processes never get the same address.
 * - audit: who ran what, the lines sent per device and the result. No secrets: there is no
 *   column for one, and JSON columns refuse secret-looking keys.
 * - reports (v2): decision-controller reports waiting to be delivered. `withdrawn_at` (v3): set when
 *   the verdict they report no longer stands (a later `verdict --benign`); such a report is never sent.
 * - holds (v2): collective holds with their message and the config they replaced.
 */
import type Database from 'better-sqlite3';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** "HALT" — marks a SQLite file as a highalert state database. */
export const APPLICATION_ID = 0x48414c54;

const JSON_CHECK = (column: string): string => `CHECK (json_valid(${column}))`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'operations, journal, quarantines, allocations, audit',
    sql: `
      CREATE TABLE operations (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        kind        TEXT NOT NULL,
        target      TEXT NOT NULL,
        mac         TEXT,
        operator    TEXT NOT NULL,
        pid         INTEGER NOT NULL,
        host        TEXT NOT NULL,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        status      TEXT NOT NULL DEFAULT 'running'
                    CHECK (status IN ('running', 'done', 'rolled-back', 'failed', 'abandoned'))
      );
      CREATE UNIQUE INDEX operations_running_mac ON operations(mac)
        WHERE status = 'running' AND mac IS NOT NULL;
      CREATE INDEX operations_status ON operations(status);

      CREATE TABLE journal (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        operation_id INTEGER NOT NULL REFERENCES operations(id) ON DELETE CASCADE,
        seq          INTEGER NOT NULL,
        device       TEXT NOT NULL,
        kind         TEXT NOT NULL,
        do_payload   TEXT NOT NULL ${JSON_CHECK('do_payload')},
        undo_payload TEXT ${JSON_CHECK('undo_payload')},
        status       TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'done', 'undone', 'failed', 'undo-failed')),
        error        TEXT,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL,
        UNIQUE (operation_id, seq)
      );

      CREATE TABLE quarantines (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        target        TEXT NOT NULL,
        user_id       TEXT,
        mac           TEXT NOT NULL,
        site          TEXT NOT NULL,
        vlan          INTEGER NOT NULL CHECK (vlan BETWEEN 1 AND 4094),
        switch        TEXT NOT NULL,
        port          TEXT NOT NULL,
        previous_ip   TEXT,
        high_alert_ip TEXT,
        snapshot      TEXT NOT NULL DEFAULT '{}' ${JSON_CHECK('snapshot')},
        reason        TEXT,
        operator      TEXT NOT NULL,
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL,
        ttl_s         INTEGER CHECK (ttl_s IS NULL OR ttl_s > 0),
        expires_at    TEXT,
        status        TEXT NOT NULL DEFAULT 'applying'
                      CHECK (status IN ('applying', 'isolated', 'pending-renew', 'releasing',
                                        'released', 'failed', 'rolled-back')),
        verdict       TEXT CHECK (verdict IS NULL OR verdict IN ('malicious', 'benign')),
        renew_method  TEXT,
        evidence      TEXT NOT NULL DEFAULT '[]' ${JSON_CHECK('evidence')},
        details       TEXT NOT NULL DEFAULT '{}' ${JSON_CHECK('details')}
      );
      CREATE UNIQUE INDEX quarantines_active_mac ON quarantines(mac)
        WHERE status NOT IN ('released', 'rolled-back', 'failed');
      CREATE INDEX quarantines_status ON quarantines(status);
      CREATE INDEX quarantines_high_alert_ip ON quarantines(high_alert_ip);
      CREATE INDEX quarantines_previous_ip ON quarantines(previous_ip);

      CREATE TABLE allocations (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        pool          TEXT NOT NULL,
        ip            TEXT NOT NULL,
        mac           TEXT NOT NULL,
        quarantine_id INTEGER REFERENCES quarantines(id) ON DELETE SET NULL,
        created_at    TEXT NOT NULL,
        UNIQUE (pool, ip),
        UNIQUE (pool, mac)
      );

      CREATE TABLE audit (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        time         TEXT NOT NULL,
        operator     TEXT NOT NULL,
        command_line TEXT NOT NULL,
        action       TEXT NOT NULL,
        target       TEXT,
        mac          TEXT,
        device       TEXT,
        operation_id INTEGER REFERENCES operations(id) ON DELETE SET NULL,
        lines        TEXT NOT NULL DEFAULT '{}' ${JSON_CHECK('lines')},
        result       TEXT NOT NULL
      );
      CREATE INDEX audit_time ON audit(time);
      CREATE INDEX audit_target ON audit(target);
      CREATE INDEX audit_mac ON audit(mac);
    `,
  },
  {
    version: 2,
    name: 'reports queue, holds',
    sql: `
      CREATE TABLE reports (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        quarantine_id   INTEGER NOT NULL REFERENCES quarantines(id) ON DELETE CASCADE,
        payload         TEXT NOT NULL ${JSON_CHECK('payload')},
        attempts        INTEGER NOT NULL DEFAULT 0,
        last_error      TEXT,
        created_at      TEXT NOT NULL,
        last_attempt_at TEXT,
        delivered_at    TEXT
      );
      CREATE INDEX reports_pending ON reports(id) WHERE delivered_at IS NULL;

      CREATE TABLE holds (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        scope      TEXT NOT NULL,
        message    TEXT NOT NULL,
        operator   TEXT NOT NULL,
        started_at TEXT NOT NULL,
        ended_at   TEXT,
        ended_by   TEXT,
        snapshot   TEXT NOT NULL DEFAULT '{}' ${JSON_CHECK('snapshot')}
      );
      CREATE UNIQUE INDEX holds_active_scope ON holds(scope) WHERE ended_at IS NULL;
    `,
  },
  {
    version: 3,
    name: 'reports.withdrawn_at',
    sql: `
      ALTER TABLE reports ADD COLUMN withdrawn_at TEXT NULL;
      DROP INDEX reports_pending;
      CREATE INDEX reports_pending ON reports(id) WHERE delivered_at IS NULL AND withdrawn_at IS NULL;
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function applicationId(db: Database.Database): number {
  return db.pragma('application_id', { simple: true }) as number;
}

/**
 * Applies every migration newer than the file, in order, each in its own IMMEDIATE transaction.
 * Returns the versions applied (empty when the file was up to date). `upTo` is for tests.
 */
export function migrate(
  db: Database.Database,
  migrations: readonly Migration[] = MIGRATIONS,
  upTo = Infinity,
): number[] {
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version > upTo) break;
    const ran = db
      .transaction(() => {
        if (schemaVersion(db) >= m.version) return false;
        db.exec(m.sql);
        db.pragma(`application_id = ${APPLICATION_ID}`);
        db.pragma(`user_version = ${m.version}`);
        return true;
      })
      .immediate();
    if (ran) applied.push(m.version);
  }
  return applied;
}
