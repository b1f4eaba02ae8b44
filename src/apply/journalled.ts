/**
 * The apply engine with the state store's journal behind it: every step is journalled before it
 * runs (so `recover` can finish or undo a killed run), and a failure becomes one exit-3 error that
 * says what failed and what was undone. Used by quarantine, release, setup, hold and unhold.
 */
import { DeviceError } from '../errors.js';
import type { ConfigPurpose, PlanStep } from '../model/plan.js';
import type { StateStore } from '../state/store.js';
import type { NewStep, StepKind } from '../state/types.js';
import { applyPlan, type ApplyResult, type ConfigPort, type DhcpPort, type JournalPort } from './engine.js';

const STEP_KIND: Record<ConfigPurpose, StepKind> = {
  'dhcp-reservation-add': 'dhcp-reservation',
  'dhcp-reservation-remove': 'dhcp-reservation',
  'port-restrict': 'device-config',
  'port-restore': 'device-config',
  'port-shutdown': 'renew',
  'port-no-shutdown': 'renew',
  'dhcp-exclude': 'device-config',
  'gateway-setup': 'device-config',
  'gateway-hold': 'device-config',
  'gateway-unhold': 'device-config',
};

function journalEntry(step: PlanStep): NewStep {
  if (step.kind === 'config') {
    return {
      device: step.device,
      kind: STEP_KIND[step.purpose],
      do: { id: step.id, purpose: step.purpose, lines: step.lines },
      undo: step.undo.length ? { lines: step.undo } : null,
    };
  }
  const undoAction = step.action === 'add' ? 'remove' : 'add';
  return {
    device: step.server,
    kind: 'dhcp-reservation',
    do: { id: step.id, action: step.action, reservation: step.reservation },
    undo: { action: undoAction, reservation: step.reservation },
  };
}

function journalFor(state: StateStore, opId: number): JournalPort {
  return {
    begin: (step: PlanStep) => state.journalStep(opId, journalEntry(step)),
    done: (id) => state.markStepDone(id),
    failed: (id, error) => state.markStepFailed(id, error),
    undone: (id) => state.markStepUndone(id),
    undoFailed: (id, error) => state.markStepUndoFailed(id, error),
  };
}

const NO_DHCP_API: DhcpPort = {
  apply: () => Promise.reject(new Error('this plan has no DHCP API steps')),
  undo: () => Promise.reject(new Error('this plan has no DHCP API steps')),
};

export interface JournalledRun {
  /** What is being done, for the error message: `quarantine of aa:bb:…`, `setup`. */
  readonly what: string;
  readonly state: StateStore;
  readonly opId: number;
  readonly config: ConfigPort;
  readonly dhcp?: DhcpPort;
  readonly progress?: (line: string) => void;
}

export async function applyJournalled(
  steps: readonly PlanStep[],
  run: JournalledRun,
): Promise<Extract<ApplyResult, { ok: true }>> {
  const result = await applyPlan(
    { steps: [...steps] },
    {
      config: run.config,
      dhcp: run.dhcp ?? NO_DHCP_API,
      journal: journalFor(run.state, run.opId),
      progress: ({ step, phase }) => {
        const where = step.kind === 'config' ? step.device : step.server;
        run.progress?.(`${phase === 'undo' ? 'undo' : phase.padEnd(4)} ${where}: ${step.id}`);
      },
    },
  );
  if (result.ok) return result;
  const undone = result.undone.map(
    (u) => `${u.device} ${u.step}: ${u.ok ? 'undone' : `NOT undone (${u.error ?? '?'})`}`,
  );
  const allUndone = result.undone.every((u) => u.ok);
  throw new DeviceError(
    'E_APPLY_FAILED',
    `${run.what} failed at step ${result.failedStep}: ${result.error.message}\n` +
      `${allUndone ? 'Rolled back' : 'Rollback INCOMPLETE'}: ${undone.join('; ')}`,
    {
      ...(result.error.device ? { device: result.error.device } : {}),
      cause: result.error,
      suggestions: allUndone
        ? [
            'Nothing is left changed. Fix the cause above and run the command again.',
            ...result.error.suggestions,
          ]
        : ['Run `highalert audit` to see what is left, and `highalert recover` to finish the rollback.'],
      details: { failedStep: result.failedStep, error: result.error.toJSON(), undone: result.undone },
    },
  );
}
