/**
 * What a quarantine or release run needs around the plan: the inventory, the state store, the
 * network sessions, the journal adapter and the audit trail. Shared by quarantine and release.
 */
import type { DhcpBackend, Reservation } from '../dhcp/backend.js';
import { loadInventory } from '../inventory/index.js';
import type { ResolvedInventory } from '../inventory/types.js';
import type { ConfigPurpose, DhcpStep, Plan, PlanStep } from '../model/plan.js';
import type { NewStep, StepKind } from '../state/types.js';
import { parseIp } from '../values/ip.js';
import { parseMac } from '../values/mac.js';
import { openState } from '../state/index.js';
import type { StateStore } from '../state/store.js';
import type { ConnectionParams } from '../devices/connect.js';
import type { Session } from '../devices/session.js';
import { applyPlan, type ApplyResult, type DhcpPort, type JournalPort } from './engine.js';
import { Network } from './network.js';
import { DeviceError } from '../errors.js';

export interface RunRequest {
  inventoryPath: string;
  /** State store file; default: the inventory's `state`, then $HIGHALERT_STATE, then the user data dir. */
  statePath?: string;
  operator: string;
  commandLine: string;
  /** One line per event, for people (stderr). */
  progress?: (line: string) => void;
  /** Replaces SSH connect (tests). */
  connect?: (params: ConnectionParams) => Promise<Session>;
}

export interface RunContext {
  readonly inventory: ResolvedInventory;
  readonly state: StateStore;
  readonly network: Network;
  readonly progress: (line: string) => void;
  close(): Promise<void>;
}

export async function openRun(req: RunRequest): Promise<RunContext> {
  const { inventory } = await loadInventory(req.inventoryPath);
  const statePath = req.statePath ?? inventory.state;
  const state = statePath === undefined ? openState() : openState(statePath);
  const network = new Network(inventory, req.connect ? { connect: req.connect } : {});
  return {
    inventory,
    state,
    network,
    progress: req.progress ?? (() => {}),
    async close() {
      await network.close();
      state.close();
    },
  };
}

const STEP_KIND: Record<ConfigPurpose, StepKind> = {
  'dhcp-reservation-add': 'dhcp-reservation',
  'dhcp-reservation-remove': 'dhcp-reservation',
  'port-restrict': 'device-config',
  'port-restore': 'device-config',
  'port-shutdown': 'renew',
  'port-no-shutdown': 'renew',
};

function journalEntry(step: PlanStep): NewStep {
  if (step.kind === 'config') {
    return {
      device: step.device,
      kind: STEP_KIND[step.purpose],
      do: { id: step.id, lines: step.lines },
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

/** Reservation steps on API-driven servers go to the VLAN's backend. */
export function dhcpPortFor(backend: DhcpBackend, plan: Plan): DhcpPort {
  const reservation = (step: DhcpStep): Reservation => ({
    mac: parseMac(plan.mac),
    ip: parseIp(step.reservation.ip),
    scope: {
      subnet: step.reservation.subnet,
      ...(step.reservation.subnetId === undefined ? {} : { subnetId: step.reservation.subnetId }),
    },
  });
  return {
    apply: (step) =>
      step.action === 'add'
        ? backend.addReservation(reservation(step))
        : backend.removeReservation(reservation(step)),
    undo: (step) =>
      step.action === 'add'
        ? backend.removeReservation(reservation(step))
        : backend.addReservation(reservation(step)),
  };
}

/** Applies the plan with the journal; on failure turns the result into an exit-3 error saying what was undone. */
export async function applyJournalled(
  ctx: RunContext,
  opId: number,
  plan: Plan,
  dhcp: DhcpPort,
): Promise<Extract<ApplyResult, { ok: true }>> {
  const result = await applyPlan(plan, {
    config: ctx.network,
    dhcp,
    journal: journalFor(ctx.state, opId),
    progress: ({ step, phase }) => {
      const where = step.kind === 'config' ? step.device : step.server;
      ctx.progress(`${phase === 'undo' ? 'undo' : phase.padEnd(4)} ${where}: ${step.id}`);
    },
  });
  if (result.ok) return result;
  const undone = result.undone.map(
    (u) => `${u.device} ${u.step}: ${u.ok ? 'undone' : `NOT undone (${u.error ?? '?'})`}`,
  );
  const allUndone = result.undone.every((u) => u.ok);
  throw new DeviceError(
    'E_APPLY_FAILED',
    `${plan.kind} of ${plan.mac} failed at step ${result.failedStep}: ${result.error.message}\n` +
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
