/**
 * Operations (one quarantine/release/… run), their journal, and the per-MAC lock. A step is
 * journalled as `pending` BEFORE it runs, so a killed process leaves a record `recover` can undo.
 */
import { hostname } from 'node:os';
import { StateError } from '../errors.js';
import type { Mac } from '../values/mac.js';
import { fromJson, fromJsonOrNull, immediate, toJson, type Ctx } from './db.js';
import { activeQuarantineForMac } from './quarantines.js';
import type {
  BeginOperation,
  ClaimResult,
  InProgress,
  JsonValue,
  LockResult,
  NewStep,
  OperationKind,
  OperationRecord,
  OperationStatus,
  StepKind,
  StepRecord,
  StepStatus,
} from './types.js';

interface OperationRow {
  id: number;
  kind: string;
  target: string;
  mac: string | null;
  operator: string;
  pid: number;
  host: string;
  started_at: string;
  finished_at: string | null;
  status: string;
}

interface StepRow {
  id: number;
  operation_id: number;
  seq: number;
  device: string;
  kind: string;
  do_payload: string;
  undo_payload: string | null;
  status: string;
  error: string | null;
  created_at: string;
  updated_at: string;
}

function toOperation(r: OperationRow): OperationRecord {
  return {
    id: r.id,
    kind: r.kind as OperationKind,
    target: r.target,
    mac: r.mac as Mac | null,
    operator: r.operator,
    pid: r.pid,
    host: r.host,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    status: r.status as OperationStatus,
  };
}

function toStep(r: StepRow): StepRecord {
  return {
    id: r.id,
    operationId: r.operation_id,
    seq: r.seq,
    device: r.device,
    kind: r.kind as StepKind,
    do: fromJson<JsonValue>(r.do_payload),
    undo: fromJsonOrNull<JsonValue>(r.undo_payload),
    status: r.status as StepStatus,
    error: r.error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** True when a process with this id exists on this host (EPERM: it exists but is not ours). */
export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A running operation started on another host cannot be checked from here: assume it is alive. */
function operationAlive(op: OperationRecord): boolean {
  return op.host !== hostname() || isPidAlive(op.pid);
}

export function beginOperation(ctx: Ctx, input: BeginOperation): OperationRecord {
  const now = ctx.now();
  const row = ctx.db
    .prepare<unknown[], OperationRow>(
      `INSERT INTO operations (kind, target, operator, pid, host, started_at)
       VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
    )
    .get(input.kind, input.target, input.operator, input.pid ?? process.pid, hostname(), now);
  return toOperation(row!);
}

export function getOperation(ctx: Ctx, opId: number): OperationRecord | undefined {
  const row = ctx.db.prepare<[number], OperationRow>('SELECT * FROM operations WHERE id = ?').get(opId);
  return row && toOperation(row);
}

function requireRunning(ctx: Ctx, opId: number): OperationRecord {
  const op = getOperation(ctx, opId);
  if (op === undefined)
    throw new StateError(`operation ${opId} does not exist`, { code: 'E_STATE_NO_OPERATION' });
  if (op.status !== 'running') {
    throw new StateError(`operation ${opId} is already finished (${op.status})`, {
      code: 'E_STATE_OPERATION_DONE',
    });
  }
  return op;
}

export function finishOperation(ctx: Ctx, opId: number, status: Exclude<OperationStatus, 'running'>): void {
  immediate(ctx, () => {
    requireRunning(ctx, opId);
    ctx.db
      .prepare('UPDATE operations SET status = ?, finished_at = ? WHERE id = ?')
      .run(status, ctx.now(), opId);
  });
}

/** Operations still marked running whose process is gone (on this host): what `recover` works on. */
export function unfinishedOperations(ctx: Ctx): OperationRecord[] {
  return ctx.db
    .prepare<[], OperationRow>("SELECT * FROM operations WHERE status = 'running' ORDER BY id")
    .all()
    .map(toOperation)
    .filter((op) => !operationAlive(op));
}

/** Takes the per-MAC lock for `opId`, unless another running operation holds it. Call inside `immediate`. */
function takeLock(ctx: Ctx, mac: Mac, opId: number): InProgress | undefined {
  const op = requireRunning(ctx, opId);
  const holder = ctx.db
    .prepare<[Mac, number], OperationRow>(
      "SELECT * FROM operations WHERE mac = ? AND status = 'running' AND id != ?",
    )
    .get(mac, opId);
  if (holder !== undefined) {
    const operation = toOperation(holder);
    return { ok: false, reason: 'in-progress', operation, alive: operationAlive(operation) };
  }
  if (op.mac !== mac) ctx.db.prepare('UPDATE operations SET mac = ? WHERE id = ?').run(mac, opId);
  return undefined;
}

/**
 * Atomically claims `mac` for a new quarantine by operation `opId`. Exactly one of several
 * processes wins; the others learn the MAC is already quarantined or which pid is working on it.
 * The claim ends when the operation finishes.
 */
export function claimTarget(ctx: Ctx, mac: Mac, opId: number): ClaimResult {
  return immediate(ctx, () => {
    const held = getOperation(ctx, opId)?.mac === mac;
    const busy = takeLock(ctx, mac, opId);
    if (busy) return busy;
    const active = activeQuarantineForMac(ctx, mac);
    if (active) {
      if (!held) ctx.db.prepare('UPDATE operations SET mac = NULL WHERE id = ?').run(opId);
      return { ok: false, reason: 'already-active', quarantine: active };
    }
    return { ok: true };
  });
}

/** Like {@link claimTarget}, for operations on an existing quarantine (release, verdict, renew). */
export function lockTarget(ctx: Ctx, mac: Mac, opId: number): LockResult {
  return immediate(
    ctx,
    () => takeLock(ctx, mac, opId) ?? { ok: true, active: activeQuarantineForMac(ctx, mac) ?? null },
  );
}

/** Journals a step as `pending`, before it runs. Returns its id. */
export function journalStep(ctx: Ctx, opId: number, step: NewStep): number {
  return immediate(ctx, () => {
    requireRunning(ctx, opId);
    const seq = ctx.db
      .prepare<[number], number>('SELECT coalesce(max(seq), 0) + 1 FROM journal WHERE operation_id = ?')
      .pluck()
      .get(opId)!;
    const now = ctx.now();
    const undo = step.undo === null ? null : toJson(step.undo, 'undo');
    return Number(
      ctx.db
        .prepare(
          `INSERT INTO journal (operation_id, seq, device, kind, do_payload, undo_payload, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(opId, seq, step.device, step.kind, toJson(step.do, 'do'), undo, now, now).lastInsertRowid,
    );
  });
}

/** Allowed step transitions: pending → done | failed; done | failed → undone | undo-failed. */
const FROM: Record<Exclude<StepStatus, 'pending'>, readonly StepStatus[]> = {
  done: ['pending'],
  failed: ['pending'],
  undone: ['done', 'failed', 'undo-failed'],
  'undo-failed': ['done', 'failed', 'undo-failed'],
};

function markStep(
  ctx: Ctx,
  stepId: number,
  status: Exclude<StepStatus, 'pending'>,
  error: string | null,
): void {
  const from = FROM[status];
  const info = ctx.db
    .prepare(
      `UPDATE journal SET status = ?, error = coalesce(?, error), updated_at = ?
       WHERE id = ? AND status IN (${from.map(() => '?').join(', ')})`,
    )
    .run(status, error, ctx.now(), stepId, ...from);
  if (info.changes === 0) {
    const row = ctx.db
      .prepare<[number], { status: string }>('SELECT status FROM journal WHERE id = ?')
      .get(stepId);
    throw new StateError(
      row === undefined
        ? `journal step ${stepId} does not exist`
        : `journal step ${stepId} cannot go from ${row.status} to ${status}`,
      { code: 'E_STATE_JOURNAL' },
    );
  }
}

export const markStepDone = (ctx: Ctx, stepId: number): void => markStep(ctx, stepId, 'done', null);
export const markStepFailed = (ctx: Ctx, stepId: number, error: string): void =>
  markStep(ctx, stepId, 'failed', error);
export const markStepUndone = (ctx: Ctx, stepId: number): void => markStep(ctx, stepId, 'undone', null);
export const markStepUndoFailed = (ctx: Ctx, stepId: number, error: string): void =>
  markStep(ctx, stepId, 'undo-failed', error);

/** The steps of an operation in the order they were journalled. */
export function stepsOf(ctx: Ctx, opId: number): StepRecord[] {
  return ctx.db
    .prepare<[number], StepRow>('SELECT * FROM journal WHERE operation_id = ? ORDER BY seq')
    .all(opId)
    .map(toStep);
}
