/** `highalert history [target]`: the audit trail, newest first. */
import type { StateStore } from '../state/store.js';
import type { AuditEntry } from '../state/types.js';
import type { HistoryResult } from './types.js';

export const DEFAULT_HISTORY_LIMIT = 50;

/**
 * The audit entries for `target` as typed (target, device or MAC), plus — when it names a
 * quarantine (IP, quarantine id) or a user's quarantines — those of their MACs. Newest first.
 */
export function groupHistory(
  store: StateStore,
  options: { target?: string | undefined; limit?: number | undefined } = {},
): HistoryResult {
  const limit = options.limit ?? DEFAULT_HISTORY_LIMIT;
  if (options.target === undefined) return { target: null, entries: store.history({ limit }) };
  const key = options.target.trim();
  const keys = new Set([key]);
  const direct = store.getQuarantine(key);
  const named = direct ? [direct] : store.listQuarantines({ user: key, includeReleased: true });
  for (const q of named) keys.add(q.mac).add(q.target);
  const byId = new Map<number, AuditEntry>();
  for (const key of keys) for (const e of store.history({ target: key, limit })) byId.set(e.id, e);
  const entries = [...byId.values()]
    .sort((a, b) => b.time.localeCompare(a.time) || b.id - a.id)
    .slice(0, limit);
  return { target: options.target, entries };
}
