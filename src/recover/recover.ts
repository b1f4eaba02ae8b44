/**
 * `highalert recover`: finishes what a killed run left half-done (DESIGN.md invariant 1). For each
 * unfinished operation (still `running`, process gone) every step not yet undone is undone in
 * reverse journal order — a `pending` step may have been partly applied, so it is undone too —
 * with lenient config sessions (a line with nothing to undo is not an error) and the DHCP backend
 * for reservation payloads. Then the operation is marked rolled-back and its quarantine record
 * put back: `rolled-back` (allocation released) for a quarantine, `isolated` for a release.
 */
import { openRun, type RunContext, type RunRequest } from '../apply/context.js';
import type { DhcpBackend, Reservation } from '../dhcp/backend.js';
import { dhcpBackendFor } from '../dhcp/index.js';
import { asHighAlertError, DhcpBackendError } from '../errors.js';
import type {
  JsonValue,
  OperationRecord,
  QuarantineStatus,
  StepKind,
  StepRecord,
  StepStatus,
} from '../state/types.js';
import { parseIp } from '../values/ip.js';
import { parseMac } from '../values/mac.js';

export type UndoAction =
  | { readonly type: 'config'; readonly lines: string[] }
  | {
      readonly type: 'dhcp';
      readonly action: 'add' | 'remove';
      readonly reservation: { mac: string; ip: string; subnet: string; subnetId?: number };
    }
  | { readonly type: 'nothing' };

export interface RecoverStep {
  readonly stepId: number;
  readonly seq: number;
  readonly device: string;
  readonly kind: StepKind;
  /** The step's journal status before recover. */
  readonly status: StepStatus;
  /** What the step did (its config lines, or the reservation change). */
  readonly did: string[];
  readonly undo: UndoAction;
}

export interface RecoverOperation {
  readonly id: number;
  readonly kind: OperationRecord['kind'];
  readonly target: string;
  readonly mac: string | null;
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
  /** Steps to undo, in the order recover undoes them (reverse journal order). */
  readonly steps: RecoverStep[];
  /** The quarantine record the operation was working on, and the status recover gives it. */
  readonly quarantine: {
    readonly id: number;
    readonly from: QuarantineStatus;
    readonly to: QuarantineStatus;
  } | null;
}

export interface StepOutcome {
  readonly seq: number;
  readonly device: string;
  readonly ok: boolean;
  readonly error?: string;
  /** Undo lines the device rejected (nothing there to undo). */
  readonly rejected?: string[];
}

export type RecoveredOperation = RecoverOperation & {
  readonly outcome: 'planned' | 'declined' | 'rolled-back' | 'incomplete';
  readonly results: StepOutcome[];
};

export interface RecoverResult {
  readonly dryRun: boolean;
  readonly declined: boolean;
  readonly changed: boolean;
  readonly operations: RecoveredOperation[];
  /** 0: nothing to do or everything undone; 3: some step could not be undone (run recover again). */
  readonly exitCode: 0 | 3;
}

function isObject(v: JsonValue | null): v is { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringsOf(v: JsonValue | undefined): string[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
}

function reservationOf(v: JsonValue | undefined) {
  if (!isObject(v ?? null)) return undefined;
  const r = v as { [key: string]: JsonValue };
  if (typeof r.mac !== 'string' || typeof r.ip !== 'string' || typeof r.subnet !== 'string') return undefined;
  return {
    mac: r.mac,
    ip: r.ip,
    subnet: r.subnet,
    ...(typeof r.subnetId === 'number' ? { subnetId: r.subnetId } : {}),
  };
}

/** Reads a journal undo payload: `{lines}` for config, `{action, reservation}` for DHCP APIs. */
export function undoActionOf(undo: JsonValue | null): UndoAction {
  if (!isObject(undo)) return { type: 'nothing' };
  const lines = stringsOf(undo.lines);
  if (lines) return lines.length ? { type: 'config', lines } : { type: 'nothing' };
  const reservation = reservationOf(undo.reservation);
  if ((undo.action === 'add' || undo.action === 'remove') && reservation)
    return { type: 'dhcp', action: undo.action, reservation };
  return { type: 'nothing' };
}

function didOf(step: StepRecord): string[] {
  if (!isObject(step.do)) return [];
  const lines = stringsOf(step.do.lines);
  if (lines) return lines;
  const r = reservationOf(step.do.reservation);
  return r && typeof step.do.action === 'string' ? [`${step.do.action} reservation ${r.mac} → ${r.ip}`] : [];
}

/** The quarantine record an operation was working on, and what recover makes of it. */
function quarantineOf(ctx: RunContext, op: OperationRecord): RecoverOperation['quarantine'] {
  if (op.mac === null || (op.kind !== 'quarantine' && op.kind !== 'release')) return null;
  const from: QuarantineStatus = op.kind === 'quarantine' ? 'applying' : 'releasing';
  const record = ctx.state.listQuarantines({ mac: op.mac, status: from })[0];
  if (!record) return null;
  return { id: record.id, from, to: op.kind === 'quarantine' ? 'rolled-back' : 'isolated' };
}

/** What recover would undo, without touching anything. */
export function planRecover(ctx: RunContext): RecoverOperation[] {
  return ctx.state.unfinishedOperations().map((op) => ({
    id: op.id,
    kind: op.kind,
    target: op.target,
    mac: op.mac,
    pid: op.pid,
    host: op.host,
    startedAt: op.startedAt,
    steps: ctx.state
      .stepsOf(op.id)
      .filter((s) => s.status !== 'undone')
      .reverse()
      .map((s) => ({
        stepId: s.id,
        seq: s.seq,
        device: s.device,
        kind: s.kind,
        status: s.status,
        did: didOf(s),
        undo: undoActionOf(s.undo),
      })),
    quarantine: quarantineOf(ctx, op),
  }));
}

class Backends {
  private readonly open = new Map<string, Promise<DhcpBackend>>();
  constructor(private readonly ctx: RunContext) {}
  get(server: string): Promise<DhcpBackend> {
    let b = this.open.get(server);
    if (!b) {
      const vlan = this.ctx.inventory.vlans.find((v) => v.dhcp.server === server);
      b = vlan
        ? dhcpBackendFor(this.ctx.inventory, vlan, this.ctx.network)
        : Promise.reject(
            new DhcpBackendError('E_UNKNOWN_DHCP', `DHCP server ${server} serves no VLAN of the inventory`, {
              device: server,
            }),
          );
      this.open.set(server, b);
    }
    return b;
  }
  async close(): Promise<void> {
    await Promise.all([...this.open.values()].map(async (b) => (await b.catch(() => undefined))?.close()));
  }
}

async function undoOne(ctx: RunContext, backends: Backends, step: RecoverStep): Promise<StepOutcome> {
  const base = { seq: step.seq, device: step.device };
  try {
    if (step.undo.type === 'config') {
      const rejected = await ctx.network.configureLenient(step.device, step.undo.lines);
      // A step that completed must undo cleanly; one cut short may leave lines with nothing to undo.
      const ok = step.status !== 'done' || rejected.length === 0;
      return {
        ...base,
        ok,
        ...(rejected.length ? { rejected } : {}),
        ...(ok ? {} : { error: `the device rejected undo line(s): ${rejected.join(' | ')}` }),
      };
    }
    if (step.undo.type === 'dhcp') {
      const u = step.undo.reservation;
      const r: Reservation = {
        mac: parseMac(u.mac),
        ip: parseIp(u.ip),
        scope: { subnet: u.subnet, ...(u.subnetId === undefined ? {} : { subnetId: u.subnetId }) },
      };
      const backend = await backends.get(step.device);
      await (step.undo.action === 'add' ? backend.addReservation(r) : backend.removeReservation(r));
    }
    return { ...base, ok: true };
  } catch (err) {
    return { ...base, ok: false, error: asHighAlertError(err).message.split('\n')[0] ?? 'failed' };
  }
}

/** Undoes the planned operations; an operation with a step that could not be undone stays running. */
export async function applyRecover(
  ctx: RunContext,
  plans: readonly RecoverOperation[],
  audit: { operator: string; commandLine: string },
): Promise<RecoveredOperation[]> {
  const backends = new Backends(ctx);
  const out: RecoveredOperation[] = [];
  try {
    for (const op of plans) {
      const results: StepOutcome[] = [];
      for (const step of op.steps) {
        if (step.status === 'pending')
          ctx.state.markStepFailed(step.stepId, 'interrupted: the process was killed during this step');
        ctx.progress(`undo ${step.device}: operation ${op.id} step ${step.seq} (${step.kind})`);
        const r = await undoOne(ctx, backends, step);
        if (r.ok) ctx.state.markStepUndone(step.stepId);
        else ctx.state.markStepUndoFailed(step.stepId, r.error ?? 'failed');
        results.push(r);
      }
      const ok = results.every((r) => r.ok);
      if (ok) {
        ctx.state.finishOperation(op.id, 'rolled-back');
        if (op.quarantine) ctx.state.updateQuarantine(op.quarantine.id, { status: op.quarantine.to });
        // A hold is recorded before its lines go out: rolled back, it is no longer on.
        if (op.kind === 'hold') ctx.state.endHold(audit.operator);
        if (op.kind === 'quarantine' && op.mac !== null) {
          const qid = op.quarantine?.id ?? null;
          for (const a of ctx.state.allocations())
            if (a.mac === op.mac && (a.quarantineId === null || a.quarantineId === qid))
              ctx.state.releaseAllocation(a.pool, a.mac);
        }
      }
      const sent: Record<string, string[]> = {};
      for (const s of op.steps)
        if (s.undo.type === 'config') sent[s.device] = [...(sent[s.device] ?? []), ...s.undo.lines];
      ctx.state.appendAudit({
        operator: audit.operator,
        commandLine: audit.commandLine,
        action: 'recover',
        target: op.target,
        mac: op.mac === null ? null : parseMac(op.mac),
        operationId: op.id,
        lines: sent,
        result: ok
          ? `operation ${op.id} (${op.kind}) rolled back`
          : `operation ${op.id} (${op.kind}) NOT fully undone: ${results
              .filter((r) => !r.ok)
              .map((r) => `${r.device} step ${r.seq}: ${r.error ?? '?'}`)
              .join('; ')}`,
      });
      out.push({ ...op, outcome: ok ? 'rolled-back' : 'incomplete', results });
    }
    await ctx.network.finish();
  } finally {
    await backends.close();
  }
  return out;
}

export interface RecoverRequest extends RunRequest {
  readonly dryRun: boolean;
  /** Asked once the plan is known (not for dry-runs or when there is nothing to do). */
  readonly confirm: (operations: RecoverOperation[]) => Promise<boolean>;
  /** Called with the plan before confirming (print it for people). */
  readonly showPlan?: (operations: RecoverOperation[]) => void;
}

export async function recover(req: RecoverRequest): Promise<RecoverResult> {
  const ctx = await openRun(req);
  try {
    const plans = planRecover(ctx);
    const planned = (outcome: 'planned' | 'declined') =>
      plans.map((p) => ({ ...p, outcome, results: [] as StepOutcome[] }));
    if (plans.length === 0 || req.dryRun) {
      if (plans.length) req.showPlan?.(plans);
      return {
        dryRun: req.dryRun,
        declined: false,
        changed: false,
        operations: planned('planned'),
        exitCode: 0,
      };
    }
    req.showPlan?.(plans);
    if (!(await req.confirm(plans)))
      return { dryRun: false, declined: true, changed: false, operations: planned('declined'), exitCode: 0 };
    const done = await applyRecover(ctx, plans, req);
    return {
      dryRun: false,
      declined: false,
      changed: true,
      operations: done,
      exitCode: done.every((o) => o.outcome === 'rolled-back') ? 0 : 3,
    };
  } finally {
    await ctx.close();
  }
}
