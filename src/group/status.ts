/** `highalert status`: the High-Alert group as rows, with TTL left, holds and queued reports. */
import type { StateStore } from '../state/store.js';
import type { QuarantineRecord, QuarantineStatus } from '../state/types.js';
import { requireQuarantine } from './context.js';
import type { StatusResult, StatusRow } from './types.js';

export interface StatusQuery {
  /** One quarantine (id, MAC, IP) or one user's quarantines. */
  target?: string | undefined;
  /** Only these statuses (any status, released included). */
  status?: readonly QuarantineStatus[] | undefined;
  site?: string | undefined;
  user?: string | undefined;
  /** Include released, rolled-back and failed quarantines. */
  all?: boolean | undefined;
}

/** Whole seconds from `now` to `expiresAt`, never below 0; null when there is no TTL. */
export function ttlLeftSeconds(expiresAt: string | null, now: Date): number | null {
  if (expiresAt === null) return null;
  return Math.max(0, Math.floor((Date.parse(expiresAt) - now.getTime()) / 1000));
}

export function isExpired(q: Pick<QuarantineRecord, 'expiresAt'>, now: Date): boolean {
  return q.expiresAt !== null && Date.parse(q.expiresAt) < now.getTime();
}

export function toStatusRow(q: QuarantineRecord, now: Date, queued: ReadonlySet<number>): StatusRow {
  return {
    id: q.id,
    target: q.target,
    user: q.userId,
    mac: q.mac,
    site: q.site,
    vlan: q.vlan,
    switch: q.switch,
    port: q.port,
    highAlertIp: q.highAlertIp,
    previousIp: q.previousIp,
    since: q.createdAt,
    expiresAt: q.expiresAt,
    ttlLeftS: ttlLeftSeconds(q.expiresAt, now),
    expired: isExpired(q, now),
    status: q.status,
    verdict: q.verdict,
    reason: q.reason,
    operator: q.operator,
    reportQueued: queued.has(q.id),
  };
}

function select(store: StateStore, query: StatusQuery): QuarantineRecord[] {
  const filter = {
    ...(query.status?.length ? { status: query.status } : {}),
    ...(query.site === undefined ? {} : { site: query.site }),
    ...(query.user === undefined ? {} : { user: query.user }),
    includeReleased: query.all === true,
  };
  if (query.target === undefined) return store.listQuarantines(filter);
  // A target names one quarantine (id, MAC, IP) or a user: show it whatever its status.
  const direct = store.getQuarantine(query.target);
  if (direct !== undefined) return [direct];
  const user = query.target.trim();
  const mine = store.listQuarantines({ ...filter, user });
  if (mine.length > 0) return mine;
  // None active: the user's most recent quarantine, released or not; else "not found" (exit 2).
  const latest = store.listQuarantines({ user, includeReleased: true }).at(-1);
  return [latest ?? requireQuarantine(store, user)];
}

export function groupStatus(store: StateStore, query: StatusQuery = {}, now = new Date()): StatusResult {
  const pending = store.pendingReports();
  const queued = new Set(pending.map((r) => r.quarantineId));
  return {
    now: now.toISOString(),
    state: store.path,
    holds: store.listHolds(),
    quarantines: select(store, query).map((q) => toStatusRow(q, now, queued)),
    pendingReports: pending.length,
  };
}
