/**
 * Where the group commands find their state store and inventory, who is running them, and how a
 * target names a quarantine. State path: `--state` / `$HIGHALERT_STATE`, then the inventory's
 * `state` key, then the user data folder (`defaultStatePath`).
 */
import { existsSync } from 'node:fs';
import { loadInventory } from '../inventory/index.js';
import type { ResolvedInventory } from '../inventory/types.js';
import { defaultStatePath, openState, type StateStore } from '../state/index.js';

/** The `inventoryFlag` default: a missing `inventory.yaml` is fine for commands that only read state. */
export const DEFAULT_INVENTORY = 'inventory.yaml';

export interface GroupContextRequest {
  inventoryPath: string;
  /** `--state` (or `$HIGHALERT_STATE`, which oclif puts in the flag). */
  statePath?: string | undefined;
  /** True: the inventory must load (exit 2 otherwise). False: used only to find `state`, when present. */
  needInventory: boolean;
}

export interface GroupContext {
  readonly store: StateStore;
  readonly inventory: ResolvedInventory | undefined;
}

export async function openGroupContext(req: GroupContextRequest): Promise<GroupContext> {
  const optional = !req.needInventory && req.inventoryPath === DEFAULT_INVENTORY;
  const inventory =
    optional && !existsSync(req.inventoryPath)
      ? undefined
      : (await loadInventory(req.inventoryPath)).inventory;
  const store = openState(req.statePath ?? inventory?.state ?? defaultStatePath());
  return { store, inventory };
}

export { findQuarantine, requireQuarantine } from '../state/find.js';
