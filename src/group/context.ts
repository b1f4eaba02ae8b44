/**
 * Where the group commands find their state store and inventory, who is running them, and how a
 * target names a quarantine. State path: `--state` / `$HIGHALERT_STATE`, then the inventory's
 * `state` key, then the user data folder (`defaultStatePath`).
 */
import { existsSync } from 'node:fs';
import { ValidationError } from '../errors.js';
import { loadInventory } from '../inventory/index.js';
import type { ResolvedInventory } from '../inventory/types.js';
import { defaultStatePath, openState, type StateStore } from '../state/index.js';
import type { QuarantineRecord } from '../state/types.js';

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

/**
 * The quarantine a target names: quarantine id, MAC (any notation), IP (High-Alert or previous) —
 * the active one, else the most recent — or a user id (their active quarantine, else the most
 * recent). A user with several active quarantines is ambiguous: exit 2 listing them.
 */
export function findQuarantine(store: StateStore, target: string): QuarantineRecord | undefined {
  const direct = store.getQuarantine(target);
  if (direct !== undefined) return direct;
  const key = target.trim();
  const all = store.listQuarantines({ user: key, includeReleased: true });
  if (all.length === 0) return undefined;
  const active = store.listQuarantines({ user: key });
  if (active.length > 1) {
    throw new ValidationError(
      `user ${key} has ${active.length} active quarantines: ${active.map((q) => `${q.id} (${q.mac})`).join(', ')}`,
      {
        code: 'E_TARGET_AMBIGUOUS',
        suggestions: ['Name one by its quarantine id or MAC, e.g. `highalert status` to list them.'],
        details: { target: key, quarantines: active.map((q) => q.id) },
      },
    );
  }
  return active[0] ?? all[all.length - 1];
}

/** Like {@link findQuarantine}; not found is a usage error (exit 2) that says how to look. */
export function requireQuarantine(store: StateStore, target: string): QuarantineRecord {
  const q = findQuarantine(store, target);
  if (q !== undefined) return q;
  throw new ValidationError(`no quarantine matches ${JSON.stringify(target)} in ${store.path}`, {
    code: 'E_TARGET_NOT_FOUND',
    suggestions: [
      'Give a MAC (any notation), an IP (High-Alert or previous), a user id or a quarantine id.',
      'List the group with `highalert status --all`; check --state / HIGHALERT_STATE if the list is empty.',
    ],
    details: { target },
  });
}
