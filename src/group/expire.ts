/**
 * `highalert expire`: release the quarantines whose TTL has passed and that are not marked
 * malicious — for cron. One failure does not stop the rest (Nornir style): each target gets a row.
 */
import { EXIT, ValidationError } from '../errors.js';
import type { StateStore } from '../state/store.js';
import {
  INACTIVE_STATUSES,
  type JsonValue,
  type QuarantineRecord,
  type QuarantineStatus,
} from '../state/types.js';
import { openGroupContext } from './context.js';
import { loadRelease, runRelease, type ReleasingDeps, type ReleasingRequest } from './release-port.js';
import { isExpired } from './status.js';
import type { ExpireResult, ExpireRow } from './types.js';

export type ExpireRequest = ReleasingRequest;
export type ExpireDeps = ReleasingDeps;

/** Statuses of a quarantine some operation is still working on (or was, when it died). */
const BUSY: readonly QuarantineStatus[] = ['applying', 'releasing'];

/** Active, TTL passed, not malicious: what `expire` releases (busy ones are reported, not touched). */
export function selectExpired(store: StateStore, now: Date): QuarantineRecord[] {
  return store.listQuarantines().filter((q) => isExpired(q, now) && q.verdict !== 'malicious');
}

function row(q: QuarantineRecord, result: ExpireRow['result'], error: ExpireRow['error'] = null): ExpireRow {
  return {
    id: q.id,
    target: q.target,
    user: q.userId,
    mac: q.mac,
    switch: q.switch,
    port: q.port,
    highAlertIp: q.highAlertIp,
    expiresAt: q.expiresAt ?? '',
    status: q.status,
    result,
    error,
  };
}

function skipReason(current: QuarantineRecord | undefined, now: Date): ExpireRow['error'] {
  if (current === undefined || INACTIVE_STATUSES.includes(current.status)) {
    return { code: 'E_CHANGED', message: 'no longer active (released meanwhile)', suggestions: [] };
  }
  if (current.verdict === 'malicious' || !isExpired(current, now)) {
    return { code: 'E_CHANGED', message: 'marked malicious or given more time meanwhile', suggestions: [] };
  }
  if (BUSY.includes(current.status)) {
    return {
      code: 'E_TARGET_BUSY',
      message: `status is ${current.status}: an operation is running on it, or was interrupted`,
      suggestions: ['See `highalert status`; if its process is gone, run `highalert recover`.'],
    };
  }
  return null;
}

/** The reason of a release outcome `skipped` (see `unlessVerdict`), else undefined. */
function skippedBy(outcome: JsonValue | null): string | undefined {
  if (typeof outcome !== 'object' || outcome === null || Array.isArray(outcome)) return undefined;
  if (outcome['outcome'] !== 'skipped') return undefined;
  return typeof outcome['reason'] === 'string' ? outcome['reason'] : 'skipped by release';
}

export async function runExpire(
  store: StateStore,
  req: ExpireRequest,
  deps: ExpireDeps = {},
): Promise<ExpireResult> {
  const now = (deps.now ?? (() => new Date()))();
  const expired = selectExpired(store, now);
  const result = (rows: ExpireRow[]): ExpireResult => ({
    now: now.toISOString(),
    dryRun: req.dryRun,
    expired: rows,
    released: rows.filter((r) => r.result === 'released').length,
    failed: rows.filter((r) => r.result === 'failed').length,
    skipped: rows.filter((r) => r.result === 'skipped').length,
  });
  if (req.dryRun || expired.length === 0) {
    return result(
      expired.map((q) =>
        BUSY.includes(q.status) ? row(q, 'skipped', skipReason(q, now)) : row(q, 'would-release'),
      ),
    );
  }
  if (!req.yes) {
    const ok = await (deps.confirm ?? (async () => false))(
      `Release ${expired.length} expired quarantine${expired.length === 1 ? '' : 's'} from the High-Alert group?`,
    );
    if (!ok) throw new ValidationError('cancelled; nothing changed', { code: 'E_CANCELLED' });
  }
  const release = deps.release ?? (await loadRelease());
  const rows: ExpireRow[] = [];
  for (const q of expired) {
    // Another operator may have given a verdict or released it since the list was made.
    const current = store.getQuarantine(q.id);
    const skip = skipReason(current, now);
    if (skip !== null) {
      rows.push(row(current ?? q, 'skipped', skip));
      req.progress?.(`${q.mac}: skipped (${skip.message})`);
      continue;
    }
    req.progress?.(`${q.mac}: TTL passed at ${q.expiresAt ?? '?'}; releasing`);
    const outcome = await runRelease(release, {
      inventoryPath: req.inventoryPath,
      statePath: store.path,
      target: q.mac,
      dryRun: false,
      yes: true,
      json: req.json,
      verify: req.verify ?? true,
      ...(req.renew === undefined ? {} : { renew: req.renew }),
      operator: req.operator,
      commandLine: req.commandLine,
      ...(req.progress ? { progress: req.progress } : {}),
      // Checked again by release under the MAC's lock: a malicious verdict may land meanwhile.
      unlessVerdict: 'malicious',
    });
    const after = store.getQuarantine(q.id) ?? q;
    const skipped = skippedBy(outcome.outcome);
    if (outcome.ok && skipped !== undefined) {
      const error = { code: 'E_CHANGED', message: skipped, suggestions: [] };
      rows.push(row(after, 'skipped', error));
      req.progress?.(`${q.mac}: skipped (${skipped})`);
      continue;
    }
    rows.push(row(after, outcome.ok ? 'released' : 'failed', outcome.error));
    req.progress?.(`${q.mac}: ${outcome.ok ? 'released' : `FAILED (${outcome.error?.message ?? '?'})`}`);
  }
  return result(rows);
}

/** 0: every expired quarantine released (or none expired); 1: some not; 3: none released and some failed. */
export function expireExitCode(r: ExpireResult): number {
  if (r.dryRun || (r.failed === 0 && r.skipped === 0)) return EXIT.OK;
  return r.released === 0 && r.failed > 0 ? EXIT.DEVICE : EXIT.PARTIAL;
}

/** Opens the inventory and state store, then {@link runExpire}. */
export async function expire(req: ExpireRequest, deps: ExpireDeps = {}): Promise<ExpireResult> {
  const { store } = await openGroupContext({
    inventoryPath: req.inventoryPath,
    statePath: req.statePath,
    needInventory: true,
  });
  try {
    return await runExpire(store, req, deps);
  } finally {
    store.close();
  }
}
