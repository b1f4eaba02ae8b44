/**
 * Executes a Plan all-or-nothing (DESIGN.md invariant 1): each step is journalled before it runs;
 * on a failure the failed step (it may have been partly applied) and every completed step are
 * undone in reverse order. Nothing here knows about SSH or SQL: it talks to the ports below.
 */
import type { DhcpChange } from '../dhcp/backend.js';
import { asHighAlertError, type HighAlertError } from '../errors.js';
import type { ConfigStep, DhcpStep, Plan, PlanStep } from '../model/plan.js';

/** Sends config to devices. Implemented over SSH sessions (apply/network.ts) and by fakes in tests. */
export interface ConfigPort {
  /** Sends the lines in one config session and stops at the first rejected line (throws). */
  configure(device: string, lines: string[]): Promise<void>;
  /**
   * Sends undo lines, going on past rejected lines (a partly applied step leaves some of them
   * nothing to undo). Returns the lines that were rejected.
   */
  configureLenient(device: string, lines: string[]): Promise<string[]>;
}

/** Reservation changes on API-driven DHCP servers. */
export interface DhcpPort {
  apply(step: DhcpStep): Promise<DhcpChange>;
  undo(step: DhcpStep): Promise<DhcpChange>;
}

/** Where steps are recorded before they run, so a killed process can be recovered. */
export interface JournalPort {
  begin(step: PlanStep): number;
  done(id: number): void;
  failed(id: number, error: string): void;
  undone(id: number): void;
  undoFailed(id: number, error: string): void;
}

export interface ApplyDeps {
  config: ConfigPort;
  dhcp: DhcpPort;
  journal: JournalPort;
  sleep?: (ms: number) => Promise<void>;
  /** Called as each step starts/ends, for progress output. */
  progress?: (event: { step: PlanStep; phase: 'start' | 'done' | 'failed' | 'undo' }) => void;
}

export interface UndoRecord {
  readonly step: string;
  readonly device: string;
  readonly ok: boolean;
  readonly error?: string;
  readonly rejected?: string[];
}

export type ApplyResult =
  | { readonly ok: true; readonly sent: Record<string, string[]> }
  | {
      readonly ok: false;
      readonly failedStep: string;
      readonly error: HighAlertError;
      readonly undone: UndoRecord[];
      readonly sent: Record<string, string[]>;
    };

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function where(step: PlanStep): string {
  return step.kind === 'config' ? step.device : step.server;
}

async function runStep(step: PlanStep, deps: ApplyDeps): Promise<void> {
  if (step.kind === 'config') await deps.config.configure(step.device, step.lines);
  else await deps.dhcp.apply(step);
}

/**
 * Undoes one step. The step that failed may be half applied, so some of its undo lines may have
 * nothing to undo and be rejected: that is fine. A step that had completed must undo cleanly: a
 * rejected line there means the device is not back where it was.
 */
async function undoStep(step: PlanStep, deps: ApplyDeps, partlyApplied: boolean): Promise<UndoRecord> {
  try {
    if (step.kind === 'config') {
      const c: ConfigStep = step;
      const rejected = c.undo.length > 0 ? await deps.config.configureLenient(c.device, c.undo) : [];
      const ok = partlyApplied || rejected.length === 0;
      return {
        step: step.id,
        device: c.device,
        ok,
        ...(rejected.length ? { rejected } : {}),
        ...(ok ? {} : { error: `the device rejected undo line(s): ${rejected.join(' | ')}` }),
      };
    }
    await deps.dhcp.undo(step);
    return { step: step.id, device: step.server, ok: true };
  } catch (err) {
    return { step: step.id, device: where(step), ok: false, error: asHighAlertError(err).message };
  }
}

/**
 * A failed DHCP API step whose backend says it changed nothing (`details.changed === false`, e.g.
 * Kea refused the configuration or stopped answering before the write) has nothing to undo; an
 * undo against a server that stopped answering would report the rollback incomplete for nothing.
 */
function nothingToUndo(step: PlanStep, error: HighAlertError): boolean {
  return step.kind !== 'config' && error.details?.changed === false;
}

export async function applyPlan(plan: Pick<Plan, 'steps'>, deps: ApplyDeps): Promise<ApplyResult> {
  const sleep = deps.sleep ?? defaultSleep;
  const started: Array<{ step: PlanStep; journalId: number }> = [];
  const sent: Record<string, string[]> = {};
  for (const step of plan.steps) {
    const journalId = deps.journal.begin(step);
    started.push({ step, journalId });
    deps.progress?.({ step, phase: 'start' });
    try {
      await runStep(step, deps);
    } catch (err) {
      const error = asHighAlertError(err);
      deps.journal.failed(journalId, error.message);
      deps.progress?.({ step, phase: 'failed' });
      const undone: UndoRecord[] = [];
      for (const { step: s, journalId: id } of [...started].reverse()) {
        deps.progress?.({ step: s, phase: 'undo' });
        const record =
          s === step && nothingToUndo(s, error)
            ? { step: s.id, device: where(s), ok: true }
            : await undoStep(s, deps, s === step);
        if (record.ok) deps.journal.undone(id);
        else deps.journal.undoFailed(id, record.error ?? 'unknown');
        undone.push(record);
      }
      return { ok: false, failedStep: step.id, error, undone, sent };
    }
    deps.journal.done(journalId);
    if (step.kind === 'config') sent[step.device] = [...(sent[step.device] ?? []), ...step.lines];
    deps.progress?.({ step, phase: 'done' });
    if (step.kind === 'config' && step.pauseAfterMs) await sleep(step.pauseAfterMs);
  }
  return { ok: true, sent };
}
