/** The audit trail: who ran what, which lines went to which device, and the result. Append-only. */
import { tryParseMac, type Mac } from '../values/mac.js';
import { fromJson, toJson, type Ctx } from './db.js';
import type { AuditEntry, NewAuditEntry } from './types.js';

interface AuditRow {
  id: number;
  time: string;
  operator: string;
  command_line: string;
  action: string;
  target: string | null;
  mac: string | null;
  device: string | null;
  operation_id: number | null;
  lines: string;
  result: string;
}

function toEntry(r: AuditRow): AuditEntry {
  return {
    id: r.id,
    time: r.time,
    operator: r.operator,
    commandLine: r.command_line,
    action: r.action,
    target: r.target,
    mac: r.mac as Mac | null,
    device: r.device,
    operationId: r.operation_id,
    lines: fromJson<Record<string, string[]>>(r.lines),
    result: r.result,
  };
}

export function appendAudit(ctx: Ctx, e: NewAuditEntry): AuditEntry {
  const row = ctx.db
    .prepare<unknown[], AuditRow>(
      `INSERT INTO audit (time, operator, command_line, action, target, mac, device, operation_id, lines, result)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    )
    .get(
      ctx.now(),
      e.operator,
      e.commandLine,
      e.action,
      e.target ?? null,
      e.mac ?? null,
      e.device ?? null,
      e.operationId ?? null,
      toJson(e.lines ?? {}, 'lines'),
      e.result,
    );
  return toEntry(row!);
}

/**
 * Audit entries, newest first. `target` matches the target as typed, the device, or — when it
 * reads as a MAC in any notation — the MAC.
 */
export function history(ctx: Ctx, options: { target?: string; limit?: number } = {}): AuditEntry[] {
  const where: string[] = [];
  const values: unknown[] = [];
  if (options.target !== undefined) {
    where.push('(target = ? OR device = ? OR mac = ?)');
    values.push(options.target, options.target, tryParseMac(options.target.trim()) ?? null);
  }
  const sql = `SELECT * FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
               ORDER BY time DESC, id DESC LIMIT ?`;
  return ctx.db
    .prepare<unknown[], AuditRow>(sql)
    .all(...values, options.limit ?? -1)
    .map(toEntry);
}
