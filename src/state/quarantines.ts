/** Quarantine records: one row per quarantine, at most one active per MAC (partial unique index). */
import { StateError } from '../errors.js';
import type { InterfaceName } from '../values/interface.js';
import { tryParseIp, type IpAddress } from '../values/ip.js';
import { tryParseMac, type Mac } from '../values/mac.js';
import { fromJson, immediate, isUniqueViolation, toJson, type Ctx } from './db.js';
import {
  ACTIVE_STATUSES,
  type ConfigSnapshot,
  type JsonObject,
  type JsonValue,
  type NewQuarantine,
  type QuarantineFilter,
  type QuarantinePatch,
  type QuarantineRecord,
  type QuarantineStatus,
  type Verdict,
} from './types.js';

interface QuarantineRow {
  id: number;
  target: string;
  user_id: string | null;
  mac: string;
  site: string;
  vlan: number;
  switch: string;
  port: string;
  previous_ip: string | null;
  high_alert_ip: string | null;
  snapshot: string;
  reason: string | null;
  operator: string;
  created_at: string;
  updated_at: string;
  ttl_s: number | null;
  expires_at: string | null;
  status: string;
  verdict: string | null;
  renew_method: string | null;
  evidence: string;
  details: string;
}

function toQuarantine(r: QuarantineRow): QuarantineRecord {
  return {
    id: r.id,
    target: r.target,
    userId: r.user_id,
    mac: r.mac as Mac,
    site: r.site,
    vlan: r.vlan,
    switch: r.switch,
    port: r.port as InterfaceName,
    previousIp: r.previous_ip as IpAddress | null,
    highAlertIp: r.high_alert_ip as IpAddress | null,
    snapshot: fromJson<ConfigSnapshot>(r.snapshot),
    reason: r.reason,
    operator: r.operator,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    ttlS: r.ttl_s,
    expiresAt: r.expires_at,
    status: r.status as QuarantineStatus,
    verdict: r.verdict as Verdict | null,
    renewMethod: r.renew_method,
    evidence: fromJson<JsonValue[]>(r.evidence),
    details: fromJson<JsonObject>(r.details),
  };
}

const ACTIVE_SQL = `status IN (${ACTIVE_STATUSES.map((s) => `'${s}'`).join(', ')})`;

function expiry(from: string, ttlS: number | null | undefined): string | null {
  return ttlS ? new Date(Date.parse(from) + ttlS * 1000).toISOString() : null;
}

export function getQuarantineById(ctx: Ctx, id: number): QuarantineRecord | undefined {
  const row = ctx.db.prepare<[number], QuarantineRow>('SELECT * FROM quarantines WHERE id = ?').get(id);
  return row && toQuarantine(row);
}

export function activeQuarantineForMac(ctx: Ctx, mac: Mac): QuarantineRecord | undefined {
  const row = ctx.db
    .prepare<[Mac], QuarantineRow>(`SELECT * FROM quarantines WHERE mac = ? AND ${ACTIVE_SQL}`)
    .get(mac);
  return row && toQuarantine(row);
}

function alreadyActive(mac: Mac, cause: unknown): StateError {
  return new StateError(`${mac} already has an active quarantine`, {
    code: 'E_ALREADY_QUARANTINED',
    cause,
    suggestions: [
      `See it with \`highalert status ${mac}\`; claim the target (claimTarget) before recording.`,
    ],
  });
}

/** Inserts a quarantine (default status `applying`). A second active one for the MAC is refused. */
export function recordQuarantine(ctx: Ctx, q: NewQuarantine): QuarantineRecord {
  const now = ctx.now();
  try {
    const row = ctx.db
      .prepare<unknown[], QuarantineRow>(
        `INSERT INTO quarantines (target, user_id, mac, site, vlan, switch, port, previous_ip, high_alert_ip,
           snapshot, reason, operator, created_at, updated_at, ttl_s, expires_at, status, renew_method,
           evidence, details)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      )
      .get(
        q.target,
        q.userId ?? null,
        q.mac,
        q.site,
        q.vlan,
        q.switch,
        q.port,
        q.previousIp ?? null,
        q.highAlertIp ?? null,
        toJson(q.snapshot ?? {}, 'snapshot'),
        q.reason ?? null,
        q.operator,
        now,
        now,
        q.ttlS ?? null,
        expiry(now, q.ttlS),
        q.status ?? 'applying',
        q.renewMethod ?? null,
        toJson(q.evidence ?? [], 'evidence'),
        toJson(q.details ?? {}, 'details'),
      );
    return toQuarantine(row!);
  } catch (err) {
    throw isUniqueViolation(err) ? alreadyActive(q.mac, err) : err;
  }
}

/** column name, and how to store the value, for each patchable field */
const PATCH_COLUMNS: {
  [K in keyof Required<QuarantinePatch>]: [string, (v: QuarantinePatch[K]) => unknown];
} = {
  userId: ['user_id', (v) => v],
  switch: ['switch', (v) => v],
  port: ['port', (v) => v],
  previousIp: ['previous_ip', (v) => v],
  highAlertIp: ['high_alert_ip', (v) => v],
  snapshot: ['snapshot', (v) => toJson(v ?? {}, 'snapshot')],
  reason: ['reason', (v) => v],
  ttlS: ['ttl_s', (v) => v],
  expiresAt: ['expires_at', (v) => v],
  status: ['status', (v) => v],
  verdict: ['verdict', (v) => v],
  renewMethod: ['renew_method', (v) => v],
  evidence: ['evidence', (v) => toJson(v ?? [], 'evidence')],
  details: ['details', (v) => toJson(v ?? {}, 'details')],
};

/** Changes the given fields and `updatedAt`; returns the updated record. */
export function updateQuarantine(ctx: Ctx, id: number, patch: QuarantinePatch): QuarantineRecord {
  return immediate(ctx, () => {
    const current = getQuarantineById(ctx, id);
    if (current === undefined) {
      throw new StateError(`quarantine ${id} does not exist`, { code: 'E_STATE_NO_QUARANTINE' });
    }
    const sets: string[] = ['updated_at = ?'];
    const values: unknown[] = [ctx.now()];
    for (const key of Object.keys(patch) as (keyof QuarantinePatch)[]) {
      if (patch[key] === undefined) continue;
      const [column, encode] = PATCH_COLUMNS[key] as [string, (v: unknown) => unknown];
      sets.push(`${column} = ?`);
      values.push(encode(patch[key]));
    }
    if (patch.ttlS !== undefined && patch.expiresAt === undefined) {
      sets.push('expires_at = ?');
      values.push(expiry(current.createdAt, patch.ttlS));
    }
    try {
      ctx.db.prepare(`UPDATE quarantines SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
    } catch (err) {
      throw isUniqueViolation(err) ? alreadyActive(current.mac, err) : err;
    }
    return getQuarantineById(ctx, id)!;
  });
}

/** Active quarantines by default, oldest first; `includeReleased` or `status` widen or narrow it. */
export function listQuarantines(ctx: Ctx, filter: QuarantineFilter = {}): QuarantineRecord[] {
  const where: string[] = [];
  const values: unknown[] = [];
  if (filter.status !== undefined) {
    const statuses = typeof filter.status === 'string' ? [filter.status] : filter.status;
    where.push(`status IN (${statuses.map(() => '?').join(', ') || 'NULL'})`);
    values.push(...statuses);
  } else if (!filter.includeReleased) {
    where.push(ACTIVE_SQL);
  }
  for (const [column, value] of [
    ['site', filter.site],
    ['user_id', filter.user],
    ['mac', filter.mac],
  ] as const) {
    if (value === undefined) continue;
    where.push(`${column} = ?`);
    values.push(value);
  }
  const sql = `SELECT * FROM quarantines ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`;
  return ctx.db
    .prepare<unknown[], QuarantineRow>(sql)
    .all(...values)
    .map(toQuarantine);
}

/**
 * Finds a quarantine by id (`12`; 12 digits read as a bare MAC), MAC (any notation) or IP (High-Alert or previous address):
 * the active one if there is one, else the most recent.
 */
export function getQuarantine(ctx: Ctx, idOrMacOrIp: string | number): QuarantineRecord | undefined {
  const key = String(idOrMacOrIp).trim();
  if (/^\d{1,11}$/.test(key)) return getQuarantineById(ctx, Number(key));
  const mac = tryParseMac(key);
  const ip = mac === undefined ? tryParseIp(key) : undefined;
  if (mac === undefined && ip === undefined) return undefined;
  const [where, values] =
    mac !== undefined ? ['mac = ?', [mac]] : ['(high_alert_ip = ? OR previous_ip = ?)', [ip, ip]];
  const row = ctx.db
    .prepare<unknown[], QuarantineRow>(
      `SELECT * FROM quarantines WHERE ${where} ORDER BY (${ACTIVE_SQL}) DESC, id DESC LIMIT 1`,
    )
    .get(...values);
  return row && toQuarantine(row);
}
