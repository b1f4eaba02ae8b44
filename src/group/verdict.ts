/**
 * `highalert verdict <target> --malicious|--benign`. Malicious: mark the quarantine and report it
 * to the decision controller (webhook through the state store's queue, or a file). Benign: mark it,
 * withdraw its reports still queued (they must never reach the controller now), and release it
 * (restores what was there). Queued reports from earlier runs are delivered first.
 */
import { ValidationError } from '../errors.js';
import type { DecisionController, ResolvedInventory } from '../inventory/types.js';
import type { StateStore } from '../state/store.js';
import {
  INACTIVE_STATUSES,
  type NewAuditEntry,
  type QuarantineRecord,
  type Verdict,
} from '../state/types.js';
import { openGroupContext, requireQuarantine } from './context.js';
import {
  loadRelease,
  runRelease,
  type ReleaseRequest,
  type ReleasingDeps,
  type ReleasingRequest,
} from './release-port.js';
import { buildReport, flushReports, noController, writeReportFile, type FlushOptions } from './report.js';
import type { FlushResult, VerdictResult } from './types.js';
import type { PostOptions } from '../notify/webhook.js';

export interface VerdictRequest extends ReleasingRequest {
  target: string;
  verdict: Verdict;
  note?: string | undefined;
  /** Malicious: write the report here instead of posting it. */
  reportFile?: string | undefined;
}

export interface VerdictDeps extends ReleasingDeps {
  env?: NodeJS.ProcessEnv;
  post?: PostOptions;
}

/** What the core needs from the outside; `verdict()` opens it from the inventory and state paths. */
export interface VerdictContext {
  store: StateStore;
  inventory?: ResolvedInventory | undefined;
  decisionController: DecisionController | undefined;
}

const NOTE_MAX = 2000;

/** C0 controls other than tab and newline, and DEL. */
function isControl(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return (c < 0x20 && ch !== '\t' && ch !== '\n') || c === 0x7f;
}

function checkNote(note: string | undefined): string | null {
  if (note === undefined) return null;
  // Newlines and tabs are fine in JSON; other control characters are not what anyone typed.
  if (note.length > NOTE_MAX || [...note].some(isControl)) {
    throw new ValidationError(
      `--note must be text of at most ${NOTE_MAX} characters without control characters`,
      {
        code: 'E_BAD_NOTE',
        suggestions: ['Quote the note in the shell; put long evidence in the event, not the note.'],
      },
    );
  }
  return note;
}

function lock(store: StateStore, q: QuarantineRecord, req: VerdictRequest): number {
  const op = store.beginOperation({ kind: 'verdict', target: req.target, operator: req.operator });
  const held = store.lockTarget(q.mac, op.id);
  if (held.ok) return op.id;
  store.finishOperation(op.id, 'abandoned');
  const other = held.operation;
  throw new ValidationError(
    `${q.mac} is busy: operation ${other.id} (${other.kind} by ${other.operator}, pid ${other.pid} on ${other.host}) is running`,
    {
      code: 'E_TARGET_BUSY',
      suggestions: held.alive
        ? ['Wait for it to finish (see `highalert status`), then give the verdict again.']
        : ['That process is gone: run `highalert recover` first, then give the verdict again.'],
      details: { operationId: other.id },
    },
  );
}

interface Common {
  quarantineId: number;
  target: string;
  mac: string;
  previousVerdict: Verdict | null;
}

/** Everything one run works with, once the target is found and the checks passed. */
interface Run {
  ctx: VerdictContext;
  req: VerdictRequest;
  deps: VerdictDeps;
  q: QuarantineRecord;
  note: string | null;
  common: Common;
  flushOptions: FlushOptions;
}

export async function runVerdict(
  ctx: VerdictContext,
  req: VerdictRequest,
  deps: VerdictDeps = {},
): Promise<VerdictResult> {
  const { store } = ctx;
  const note = checkNote(req.note);
  const q = requireQuarantine(store, req.target);
  const active = !INACTIVE_STATUSES.includes(q.status);
  const dc = ctx.decisionController;
  if (req.verdict === 'malicious' && req.reportFile === undefined && dc === undefined) throw noController();
  if (req.verdict === 'malicious' && !active) {
    throw new ValidationError(`quarantine ${q.id} (${q.mac}) is ${q.status}, not active: nothing to report`, {
      code: 'E_NOT_ACTIVE',
      suggestions: [`Quarantine the device again first: \`highalert quarantine ${q.mac}\`.`],
    });
  }
  if (req.verdict === 'benign' && active && !req.dryRun && !req.yes) {
    const ok = await (deps.confirm ?? (async () => false))(
      `Release ${q.mac} (${q.userId ?? q.target}) from the High-Alert group?`,
    );
    if (!ok) throw new ValidationError('cancelled; nothing changed', { code: 'E_CANCELLED' });
  }
  const run: Run = {
    ctx,
    req,
    deps,
    q,
    note,
    common: { quarantineId: q.id, target: q.target, mac: q.mac, previousVerdict: q.verdict },
    flushOptions: {
      decisionController: dc,
      operator: req.operator,
      commandLine: req.commandLine,
      ...(deps.env ? { env: deps.env } : {}),
      ...(deps.post ? { post: deps.post } : {}),
      ...(req.progress ? { progress: req.progress } : {}),
    },
  };
  // Benign: this quarantine's queued reports are withdrawn before the queue is flushed.
  if (req.verdict === 'benign' && active && !req.dryRun) return benign(run);
  // Reports queued by earlier runs go first (not in a dry run: that sends nothing).
  const flush: FlushResult = req.dryRun
    ? { configured: dc !== undefined, delivered: 0, queued: store.pendingReports().length, deliveries: [] }
    : await flushReports(store, run.flushOptions);
  if (req.verdict === 'malicious') return malicious(run, flush);
  if (!active) {
    req.progress?.(`quarantine ${q.id} (${q.mac}) is ${q.status}: nothing to release; nothing changed`);
    return { ...run.common, verdict: 'benign', changed: false, dryRun: req.dryRun, flush, status: q.status };
  }
  return benignPreview(run, flush);
}

async function malicious(run: Run, flush: FlushResult): Promise<VerdictResult> {
  const { ctx, req, q } = run;
  const { store } = ctx;
  const now = run.deps.now ?? (() => new Date());
  const payload = buildReport(store, {
    quarantine: q,
    note: run.note,
    operator: req.operator,
    now: now(),
    inventory: ctx.inventory,
  });
  const base = { ...run.common, verdict: 'malicious', dryRun: req.dryRun, status: q.status } as const;
  const changed = q.verdict !== 'malicious';
  const none = { reportId: null, delivered: false, queued: false, error: null } as const;
  if (req.dryRun) {
    const via = req.reportFile === undefined ? 'webhook' : 'file';
    return {
      ...base,
      changed: false,
      report: { ...none, via, file: req.reportFile ?? null, payload },
      flush,
    };
  }
  if (req.reportFile !== undefined) {
    // The file first: if it cannot be written, nothing is marked.
    const file = writeReportFile(req.reportFile, payload);
    const opId = lock(store, q, req);
    if (changed) store.updateQuarantine(q.id, { verdict: 'malicious' });
    store.appendAudit({ ...audit(req, q, opId), result: `malicious; report written to ${file}` });
    store.finishOperation(opId, 'done');
    return { ...base, changed, report: { ...none, via: 'file', file, payload }, flush };
  }
  if (!changed) {
    req.progress?.(`quarantine ${q.id} is already marked malicious; nothing changed`);
    return { ...base, changed: false, report: { ...none, via: 'none', file: null }, flush };
  }
  const opId = lock(store, q, req);
  // Marked and queued in one transaction: the report is durable before the first POST.
  const queued = store.db
    .transaction(() => {
      store.updateQuarantine(q.id, { verdict: 'malicious' });
      return store.enqueueReport(q.id, payload);
    })
    .immediate();
  store.finishOperation(opId, 'done');
  // When older reports just failed, the controller is down: do not wait out the retries again.
  const earlierFailed = flush.deliveries.some((d) => !d.delivered);
  const second = earlierFailed ? undefined : await flushReports(store, run.flushOptions);
  const mine = second?.deliveries.find((d) => d.reportId === queued.id);
  const delivered = mine?.delivered === true;
  const error = delivered
    ? null
    : (mine?.error ?? 'not sent: an earlier queued report could not be delivered');
  store.appendAudit({
    ...audit(req, q, opId),
    result: delivered
      ? `malicious; report ${queued.id} delivered`
      : `malicious; report ${queued.id} queued (${error})`,
  });
  const merged = second === undefined ? { ...flush, queued: flush.queued + 1 } : mergeFlush(flush, second);
  const report = {
    via: 'webhook',
    reportId: queued.id,
    delivered,
    queued: !delivered,
    file: null,
    error,
  } as const;
  return { ...base, changed: true, report, flush: merged };
}

function releaseRequest(run: Run): ReleaseRequest {
  const { ctx, req, q } = run;
  return {
    inventoryPath: req.inventoryPath,
    statePath: ctx.store.path,
    target: q.mac,
    dryRun: req.dryRun,
    yes: true, // asked above (or --yes)
    json: req.json,
    verify: req.verify ?? true,
    ...(req.renew === undefined ? {} : { renew: req.renew }),
    operator: req.operator,
    commandLine: req.commandLine,
    ...(req.progress ? { progress: req.progress } : {}),
  };
}

async function benignPreview(run: Run, flush: FlushResult): Promise<VerdictResult> {
  const release = run.deps.release ?? (await loadRelease());
  const result = await runRelease(release, releaseRequest(run));
  const base = { ...run.common, verdict: 'benign', dryRun: run.req.dryRun, flush } as const;
  return { ...base, changed: false, release: result, status: run.q.status };
}

async function benign(run: Run): Promise<VerdictResult> {
  const { ctx, req, q } = run;
  const { store } = ctx;
  const release = run.deps.release ?? (await loadRelease());
  const opId = lock(store, q, req);
  // Marked benign and its queued reports withdrawn in one transaction: a flush that starts after
  // this never sends them, and one already running re-checks the verdict before each POST.
  const withdrawn = store.db
    .transaction(() => {
      if (q.verdict !== 'benign') store.updateQuarantine(q.id, { verdict: 'benign' });
      return store.withdrawReports(q.id, `verdict benign by ${req.operator}`);
    })
    .immediate();
  const ids = withdrawn.map((r) => r.id).join(', ');
  if (withdrawn.length > 0) {
    req.progress?.(`quarantine ${q.id}: queued report ${ids} withdrawn (verdict benign)`);
  }
  store.appendAudit({
    ...audit(req, q, opId),
    result: withdrawn.length > 0 ? `benign; report ${ids} withdrawn; releasing` : 'benign; releasing',
  });
  // The verdict's own lock ends before release takes the MAC's lock.
  store.finishOperation(opId, 'done');
  // Reports queued by earlier runs (for other quarantines) go first.
  const flush = await flushReports(store, run.flushOptions);
  const result = await runRelease(release, releaseRequest(run));
  const after = store.getQuarantine(q.id) ?? q;
  return {
    ...run.common,
    verdict: 'benign',
    dryRun: false,
    flush,
    changed: true,
    release: result,
    status: after.status,
  };
}

function audit(req: VerdictRequest, q: QuarantineRecord, opId: number): Omit<NewAuditEntry, 'result'> {
  return {
    operator: req.operator,
    commandLine: req.commandLine,
    action: 'verdict',
    target: q.target,
    mac: q.mac,
    operationId: opId,
  };
}

function mergeFlush(first: FlushResult, second: FlushResult): FlushResult {
  const deliveries = [...first.deliveries, ...second.deliveries];
  return {
    configured: second.configured,
    delivered: first.delivered + second.delivered,
    queued: second.queued,
    deliveries,
  };
}

/** Exit code of a verdict run: 0 done; 1 report queued (partial); the release's own code when it failed. */
export function verdictExitCode(result: VerdictResult): number {
  if (result.release && !result.release.ok) return result.release.exitCode;
  if (result.report?.queued) return 1;
  return 0;
}

/** Opens the inventory and state store, then {@link runVerdict}. */
export async function verdict(req: VerdictRequest, deps: VerdictDeps = {}): Promise<VerdictResult> {
  const { store, inventory } = await openGroupContext({
    inventoryPath: req.inventoryPath,
    statePath: req.statePath,
    needInventory: true,
  });
  try {
    return await runVerdict(
      { store, inventory, decisionController: inventory?.decisionController },
      req,
      deps,
    );
  } finally {
    store.close();
  }
}
