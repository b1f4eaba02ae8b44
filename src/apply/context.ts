/**
 * What a quarantine or release run needs around the plan: the inventory, the state store, the
 * network sessions, the journal adapter and the audit trail. Shared by quarantine and release.
 */
import type { DhcpBackend, Reservation } from '../dhcp/backend.js';
import { loadInventory } from '../inventory/index.js';
import type { InventoryIssue, ResolvedInventory } from '../inventory/types.js';
import type { DhcpStep, Plan } from '../model/plan.js';
import { parseIp } from '../values/ip.js';
import { parseMac, type Mac } from '../values/mac.js';
import { openState } from '../state/index.js';
import type { StateStore } from '../state/store.js';
import type { ConnectionParams } from '../devices/connect.js';
import type { Session } from '../devices/session.js';
import type { DhcpPort } from './engine.js';
import { applyJournalled } from './journalled.js';
import { Network } from './network.js';

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
  /** Inventory warnings (a plaintext secret, an unused credential), for the caller to show. */
  readonly warnings: readonly InventoryIssue[];
  /** Opened on first use, so a run that never writes (a dry-run with nothing to do) creates no file. */
  readonly state: StateStore;
  readonly network: Network;
  readonly progress: (line: string) => void;
  close(): Promise<void>;
}

export async function openRun(req: RunRequest): Promise<RunContext> {
  const { inventory, warnings } = await loadInventory(req.inventoryPath);
  const statePath = req.statePath ?? inventory.state;
  let state: StateStore | undefined;
  const network = new Network(inventory, req.connect ? { connect: req.connect } : {});
  return {
    inventory,
    warnings,
    get state() {
      return (state ??= statePath === undefined ? openState() : openState(statePath));
    },
    network,
    progress: req.progress ?? (() => {}),
    async close() {
      await network.close();
      state?.close();
    },
  };
}

/** Opens the run's inventory, state and sessions, runs `fn`, and always closes them. */
export async function withRun<R extends RunRequest, T>(
  req: R,
  fn: (ctx: RunContext, req: R) => Promise<T>,
): Promise<T> {
  const ctx = await openRun(req);
  try {
    return await fn(ctx, req);
  } finally {
    await ctx.close();
  }
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

/** Applies the plan with the journal; on failure an exit-3 error saying what was undone. */
export function applyPlanJournalled(ctx: RunContext, opId: number, plan: Plan, dhcp: DhcpPort) {
  return applyJournalled(plan.steps, {
    what: `${plan.kind} of ${plan.mac}`,
    state: ctx.state,
    opId,
    config: ctx.network,
    dhcp,
    progress: ctx.progress,
  });
}

/** One audit-trail entry for this run (who, the command line, the target, the lines sent). */
export function auditRun(
  ctx: RunContext,
  req: RunRequest & { target: string },
  entry: { action: string; mac: Mac; operationId: number; lines?: Record<string, string[]>; result: string },
): void {
  ctx.state.appendAudit({
    operator: req.operator,
    commandLine: req.commandLine,
    target: req.target,
    ...entry,
  });
}

/** The first line of an error, for the audit trail. */
export function failure(err: unknown): string {
  return `failed: ${err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err)}`;
}
