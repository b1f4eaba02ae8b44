/** Collective holds: one active hold per scope (partial unique index), with the config it replaced. */
import { StateError } from '../errors.js';
import { fromJson, isUniqueViolation, toJson, type Ctx } from './db.js';
import type { HoldRecord, JsonObject } from './types.js';

interface HoldRow {
  id: number;
  scope: string;
  message: string;
  operator: string;
  started_at: string;
  ended_at: string | null;
  ended_by: string | null;
  snapshot: string;
}

function toHold(r: HoldRow): HoldRecord {
  return {
    id: r.id,
    scope: r.scope,
    message: r.message,
    operator: r.operator,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    endedBy: r.ended_by,
    snapshot: fromJson<JsonObject>(r.snapshot),
  };
}

export function activeHold(ctx: Ctx, scope = 'all'): HoldRecord | undefined {
  const row = ctx.db
    .prepare<[string], HoldRow>('SELECT * FROM holds WHERE scope = ? AND ended_at IS NULL')
    .get(scope);
  return row && toHold(row);
}

/** Starts a hold; refused while the scope already has an active one. */
export function startHold(
  ctx: Ctx,
  h: { scope?: string; message: string; operator: string; snapshot?: JsonObject },
): HoldRecord {
  const scope = h.scope ?? 'all';
  try {
    const row = ctx.db
      .prepare<unknown[], HoldRow>(
        'INSERT INTO holds (scope, message, operator, started_at, snapshot) VALUES (?, ?, ?, ?, ?) RETURNING *',
      )
      .get(scope, h.message, h.operator, ctx.now(), toJson(h.snapshot ?? {}, 'snapshot'));
    return toHold(row!);
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    throw new StateError(`a hold is already active for ${scope}`, {
      code: 'E_HOLD_ACTIVE',
      cause: err,
      suggestions: ['See it with `highalert status`; end it with `highalert unhold` first.'],
    });
  }
}

/** Ends the active hold of `scope`; returns it, or undefined when there was none (idempotent). */
export function endHold(ctx: Ctx, operator: string, scope = 'all'): HoldRecord | undefined {
  const row = ctx.db
    .prepare<unknown[], HoldRow>(
      'UPDATE holds SET ended_at = ?, ended_by = ? WHERE scope = ? AND ended_at IS NULL RETURNING *',
    )
    .get(ctx.now(), operator, scope);
  return row && toHold(row);
}

export function listHolds(ctx: Ctx, options: { includeEnded?: boolean } = {}): HoldRecord[] {
  const where = options.includeEnded ? '' : 'WHERE ended_at IS NULL';
  return ctx.db.prepare<[], HoldRow>(`SELECT * FROM holds ${where} ORDER BY id`).all().map(toHold);
}
