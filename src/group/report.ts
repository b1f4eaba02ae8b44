/**
 * Decision-controller reports: build one from a quarantine and its audit trail, keep it in the state
 * store's queue, and deliver the queue (oldest first) to the webhook. A report is queued before the
 * first POST, so a run that dies half-way still has it; delivery is at least once, and each POST
 * carries `reportId` and an `Idempotency-Key` so the controller can drop a repeat. A report whose
 * quarantine is no longer marked malicious (a later `verdict --benign`) is withdrawn, never sent.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ValidationError } from '../errors.js';
import type { DecisionController, ResolvedInventory } from '../inventory/types.js';
import type { StateStore } from '../state/store.js';
import type { AuditEntry, QuarantineRecord, ReportRecord } from '../state/types.js';
import type { DeliveryRow, FlushResult, ReportPayload, TimelineEntry } from './types.js';
import { authHeaders, postJson, safeUrl, type PostOptions } from '../notify/webhook.js';

export interface BuildReportInput {
  quarantine: QuarantineRecord;
  note: string | null;
  operator: string;
  now: Date;
  inventory?: ResolvedInventory | undefined;
}

/** This quarantine's audit entries, oldest first: its MAC's and target's, since the MAC's previous quarantine. */
export function timelineOf(store: StateStore, q: QuarantineRecord): TimelineEntry[] {
  const previous = store
    .listQuarantines({ mac: q.mac, includeReleased: true })
    .filter((p) => p.id < q.id)
    .at(-1);
  const byId = new Map<number, AuditEntry>();
  for (const key of new Set([q.mac, q.target]))
    for (const e of store.history({ target: key })) byId.set(e.id, e);
  return [...byId.values()]
    .filter((e) => previous === undefined || e.time > previous.updatedAt)
    .sort((a, b) => a.time.localeCompare(b.time) || a.id - b.id)
    .map((e) => ({
      time: e.time,
      action: e.action,
      operator: e.operator,
      device: e.device,
      commandLine: e.commandLine,
      result: e.result,
    }));
}

export function buildReport(store: StateStore, input: BuildReportInput): ReportPayload {
  const q = input.quarantine;
  const user = q.userId === null ? undefined : input.inventory?.userById(q.userId);
  return {
    schema: 'highalert.report/v1',
    verdict: 'malicious',
    quarantineId: q.id,
    target: q.target,
    user: q.userId === null ? null : { id: q.userId, name: user?.name ?? null },
    mac: q.mac,
    site: q.site,
    vlan: q.vlan,
    switch: q.switch,
    port: q.port,
    highAlertIp: q.highAlertIp,
    previousIp: q.previousIp,
    reason: q.reason,
    evidence: [...q.evidence],
    timeline: timelineOf(store, q),
    state: { status: q.status, since: q.createdAt, expiresAt: q.expiresAt, renewMethod: q.renewMethod },
    note: input.note,
    operator: input.operator,
    time: input.now.toISOString(),
  };
}

/**
 * Writes the report as JSON (mode 0600: it names a user), through a temp file and a rename so a
 * reader never sees half a report. An existing file is refused (exit 2): reports are evidence.
 */
export function writeReportFile(file: string, payload: ReportPayload): string {
  const target = path.resolve(file);
  const tmp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    writeFileSync(tmp, JSON.stringify(payload, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
    // A hard link appears whole, and fails with EEXIST instead of replacing an existing file.
    linkSync(tmp, target);
    rmSync(tmp, { force: true });
  } catch (err) {
    rmSync(tmp, { force: true });
    const code = (err as NodeJS.ErrnoException).code;
    throw new ValidationError(
      code === 'EEXIST'
        ? `${target} already exists; not overwriting a report`
        : `cannot write the report to ${target}: ${(err as Error).message}`,
      {
        code: 'E_REPORT_FILE',
        cause: err,
        suggestions:
          code === 'EEXIST'
            ? ['Choose a new file name, or move the old report away first.']
            : ['Check that the folder exists and is writable by you.'],
        details: { file: target },
      },
    );
  }
  return target;
}

/** `verdict --malicious` without --report-file, or `report flush` with reports waiting, and no controller. */
export function noController(): ValidationError {
  return new ValidationError('the inventory has no decision_controller to send reports to', {
    code: 'E_NO_DECISION_CONTROLLER',
    suggestions: [
      'Add decision_controller: { url, auth_header, auth_env } to the inventory,',
      'or write the report to a file: `highalert verdict TARGET --malicious --report-file PATH`.',
    ],
  });
}

export interface FlushOptions {
  decisionController: DecisionController | undefined;
  operator: string;
  commandLine: string;
  env?: NodeJS.ProcessEnv;
  post?: PostOptions;
  /** One line per delivery, for people (stderr). */
  progress?: (line: string) => void;
}

function row(
  r: ReportRecord,
  delivered: boolean,
  attempts: number,
  status: number | null,
  error: string | null,
): DeliveryRow {
  return { reportId: r.id, quarantineId: r.quarantineId, delivered, attempts, httpStatus: status, error };
}

/**
 * Withdraws `r` (and its quarantine's other pending reports) when that quarantine's verdict is no
 * longer `malicious`: the report would tell the controller something that is not so. True if it did.
 */
function withdrawIfStale(store: StateStore, r: ReportRecord, options: FlushOptions): boolean {
  const q = store.getQuarantine(r.quarantineId);
  if (q?.verdict === 'malicious') return false;
  const why =
    q === undefined
      ? `quarantine ${r.quarantineId} no longer exists`
      : `quarantine ${q.id} is no longer marked malicious (verdict ${q.verdict ?? 'none'})`;
  for (const w of store.withdrawReports(r.quarantineId, why)) {
    store.appendAudit({
      operator: options.operator,
      commandLine: options.commandLine,
      action: 'report',
      target: q?.target ?? null,
      mac: q?.mac ?? null,
      result: `report ${w.id} (quarantine ${w.quarantineId}) withdrawn, not sent: ${why}`,
    });
    options.progress?.(`report ${w.id} (quarantine ${w.quarantineId}): withdrawn (${why})`);
  }
  return true;
}

/**
 * Delivers queued reports, oldest first. The first failure stops the run (the controller is
 * likely down; later reports would wait out the same retries): the rest stay queued, untried.
 * Reports whose quarantine is no longer marked malicious are withdrawn instead (checked again just
 * before each POST: the verdict may change while an earlier report is retried).
 */
export async function flushReports(store: StateStore, options: FlushOptions): Promise<FlushResult> {
  for (const r of store.pendingReports()) withdrawIfStale(store, r, options);
  const pending = store.pendingReports();
  const dc = options.decisionController;
  if (dc === undefined) return { configured: false, delivered: 0, queued: pending.length, deliveries: [] };
  const auth = authHeaders(dc, options.env);
  const deliveries: DeliveryRow[] = [];
  let withdrawn = 0;
  let stopped: string | undefined;
  for (const r of pending) {
    if (withdrawIfStale(store, r, options)) {
      withdrawn++;
      continue;
    }
    if (stopped !== undefined) {
      deliveries.push(row(r, false, 0, null, `not tried: ${stopped}`));
      continue;
    }
    if ('error' in auth) {
      store.markReportFailed(r.id, auth.error);
      deliveries.push(row(r, false, 0, null, auth.error));
      stopped = `report ${r.id} could not be sent`;
      continue;
    }
    const body =
      typeof r.payload === 'object' && r.payload !== null && !Array.isArray(r.payload)
        ? { ...r.payload, reportId: r.id }
        : { payload: r.payload, reportId: r.id };
    const result = await postJson(dc.url, body, {
      ...options.post,
      headers: { ...auth.headers, 'idempotency-key': `highalert-report-${r.id}` },
    });
    const q = store.getQuarantine(r.quarantineId);
    if (result.ok) {
      store.markReportDelivered(r.id);
      store.appendAudit({
        operator: options.operator,
        commandLine: options.commandLine,
        action: 'report',
        target: q?.target ?? null,
        mac: q?.mac ?? null,
        result: `report ${r.id} (quarantine ${r.quarantineId}) delivered to ${safeUrl(dc.url)}`,
      });
      options.progress?.(`report ${r.id} (quarantine ${r.quarantineId}): delivered`);
    } else {
      store.markReportFailed(r.id, result.error ?? 'failed');
      options.progress?.(
        `report ${r.id} (quarantine ${r.quarantineId}): ${result.error ?? 'failed'}; queued`,
      );
      stopped = `report ${r.id} failed`;
    }
    deliveries.push(row(r, result.ok, result.attempts, result.status, result.error));
  }
  const delivered = deliveries.filter((d) => d.delivered).length;
  return { configured: true, delivered, queued: pending.length - withdrawn - delivered, deliveries };
}
