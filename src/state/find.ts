/**
 * How a target names a quarantine in the state store: a quarantine id, a MAC (any notation), an IP
 * (High-Alert or previous), or a user id. Shared by release, verdict and status.
 */
import { ValidationError } from '../errors.js';
import type { StateStore } from './store.js';
import type { QuarantineRecord } from './types.js';

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
