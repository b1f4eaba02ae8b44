/** Decision-controller reports waiting for delivery (webhook/file), retried until delivered. */
import { StateError } from '../errors.js';
import { fromJson, toJson, type Ctx } from './db.js';
import type { JsonValue, ReportRecord } from './types.js';

interface ReportRow {
  id: number;
  quarantine_id: number;
  payload: string;
  attempts: number;
  last_error: string | null;
  created_at: string;
  last_attempt_at: string | null;
  delivered_at: string | null;
  withdrawn_at: string | null;
}

function toReport(r: ReportRow): ReportRecord {
  return {
    id: r.id,
    quarantineId: r.quarantine_id,
    payload: fromJson<JsonValue>(r.payload),
    attempts: r.attempts,
    lastError: r.last_error,
    createdAt: r.created_at,
    lastAttemptAt: r.last_attempt_at,
    deliveredAt: r.delivered_at,
    withdrawnAt: r.withdrawn_at,
  };
}

export function enqueueReport(ctx: Ctx, quarantineId: number, payload: JsonValue): ReportRecord {
  const row = ctx.db
    .prepare<unknown[], ReportRow>(
      'INSERT INTO reports (quarantine_id, payload, created_at) VALUES (?, ?, ?) RETURNING *',
    )
    .get(quarantineId, toJson(payload, 'payload'), ctx.now());
  return toReport(row!);
}

/** Undelivered reports that were not withdrawn, oldest first. */
export function pendingReports(ctx: Ctx, limit = -1): ReportRecord[] {
  return ctx.db
    .prepare<[number], ReportRow>(
      'SELECT * FROM reports WHERE delivered_at IS NULL AND withdrawn_at IS NULL ORDER BY id LIMIT ?',
    )
    .all(limit)
    .map(toReport);
}

/**
 * Withdraws the quarantine's pending reports (the verdict they carry no longer stands): they are
 * never delivered. `why` is kept as the report's last error. Returns the reports withdrawn.
 */
export function withdrawReports(ctx: Ctx, quarantineId: number, why: string): ReportRecord[] {
  return ctx.db
    .prepare<[string, string, number], ReportRow>(
      `UPDATE reports SET withdrawn_at = ?, last_error = ?
       WHERE quarantine_id = ? AND delivered_at IS NULL AND withdrawn_at IS NULL RETURNING *`,
    )
    .all(ctx.now(), `withdrawn: ${why}`, quarantineId)
    .map(toReport)
    .sort((a, b) => a.id - b.id);
}

function update(ctx: Ctx, id: number, sql: string, ...values: unknown[]): void {
  if (ctx.db.prepare(`UPDATE reports SET ${sql} WHERE id = ?`).run(...values, id).changes === 0) {
    throw new StateError(`report ${id} does not exist`, { code: 'E_STATE_NO_REPORT' });
  }
}

/** Records a failed delivery attempt. */
export function markReportFailed(ctx: Ctx, id: number, error: string): void {
  update(ctx, id, 'attempts = attempts + 1, last_error = ?, last_attempt_at = ?', error, ctx.now());
}

export function markReportDelivered(ctx: Ctx, id: number): void {
  const now = ctx.now();
  update(ctx, id, 'attempts = attempts + 1, last_attempt_at = ?, delivered_at = ?', now, now);
}
