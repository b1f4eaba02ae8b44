/**
 * Gateway config steps (setup, hold, unhold) and their run through the apply engine: journalled
 * before they run, all-or-nothing with undo (apply/journalled.ts).
 */
import type { ApplyResult, ConfigPort } from '../apply/engine.js';
import { applyJournalled } from '../apply/journalled.js';
import { linesByDevice, type ConfigStep } from '../model/plan.js';
import type { StateStore } from '../state/store.js';

export type GatewayPurpose = 'dhcp-exclude' | 'gateway-setup' | 'gateway-hold' | 'gateway-unhold';

/** Config lines for one gateway device, sent in one config session; `undo` restores what was there. */
export type GatewayStep = ConfigStep & { readonly purpose: GatewayPurpose };

/** Lines per device, in the order an apply sends them (what the dry-run prints). */
export function gatewayLinesByDevice(steps: readonly GatewayStep[]): Map<string, string[]> {
  return linesByDevice({ steps: [...steps] });
}

export interface RunStepsOptions {
  readonly what: string;
  readonly config: ConfigPort;
  readonly state: StateStore;
  readonly opId: number;
  readonly progress?: (line: string) => void;
}

/**
 * Applies the steps with the journal. On failure everything started is undone, and the result is
 * an exit-3 error saying what was undone (or that the rollback is incomplete).
 */
export function runGatewaySteps(
  steps: readonly GatewayStep[],
  o: RunStepsOptions,
): Promise<Extract<ApplyResult, { ok: true }>> {
  return applyJournalled(steps, o);
}
