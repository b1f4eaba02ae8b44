/**
 * `highalert ingest [FILE]`: security events in (Cisco syslog, Suricata EVE), quarantines out —
 * safely. Parse (pure) → decide per suspect (pure policy: threshold, window, protected, already
 * quarantined, rate limit from the state) → dry-run | confirm → one `quarantine()` at a time,
 * operator `ingest`; one failure does not stop the others. The rate limit is re-read from the state
 * before each quarantine, so a concurrent run cannot push the count past the limit unnoticed.
 */
import { quarantine, type QuarantineOutcome } from '../apply/quarantine.js';
import type { RunRequest } from '../apply/context.js';
import type { ParseWarning } from '../devices/parsers/common.js';
import { EXIT, ValidationError, asHighAlertError } from '../errors.js';
import { loadInventory } from '../inventory/index.js';
import type { ResolvedInventory } from '../inventory/types.js';
import type { RenewMethod } from '../model/plan.js';
import { openState, type StateStore } from '../state/index.js';
import type { QuarantineStatus } from '../state/types.js';
import { parseDuration } from '../values/duration.js';
import type { IpAddress } from '../values/ip.js';
import { parseEve } from './eve.js';
import { decide, type Decision } from './policy.js';
import { parseSyslog } from './syslog.js';
import type { SecurityEvent } from './types.js';

/** The operator ingest records its quarantines under; the rate limit counts these. */
export const INGEST_OPERATOR = 'ingest';
export const INGEST_FORMATS = ['auto', 'syslog', 'eve'] as const;
export type IngestFormat = (typeof INGEST_FORMATS)[number];

export interface IngestRequest {
  inventoryPath: string;
  statePath?: string | undefined;
  /** The whole batch (ingest reads to the end of its input). */
  text: string;
  format: IngestFormat;
  threshold: number;
  /** `--window`, e.g. `10m`. */
  window: string;
  dryRun: boolean;
  yes: boolean;
  json: boolean;
  renew?: RenewMethod | undefined;
  verify: boolean;
  commandLine: string;
  progress?: (line: string) => void;
  /** Asked once the decisions are known and something would be quarantined; false → nothing changes. */
  confirm: (decisions: readonly Decision[], warnings: readonly ParseWarning[]) => Promise<boolean>;
  /** Replaces SSH connect (tests). */
  connect?: RunRequest['connect'];
  now?: () => Date;
}

export interface IngestResultRow {
  readonly target: string;
  readonly mac: string | null;
  readonly outcome: 'quarantined' | 'already-quarantined' | 'rate-limited' | 'failed';
  readonly reason: string;
  readonly quarantineId: number | null;
  readonly status: QuarantineStatus | null;
  readonly highAlertIp: string | null;
  readonly switch: string | null;
  readonly port: string | null;
  /** Port bounced and verified, but the device has not shown up at its High-Alert address yet. */
  readonly pendingRenew: boolean;
  readonly error: { code: string; message: string; suggestions: string[] } | null;
}

export interface IngestResult {
  readonly dryRun: boolean;
  /** False when dry-run, nothing to quarantine, or declined at the prompt. */
  readonly applied: boolean;
  readonly events: readonly SecurityEvent[];
  readonly warnings: readonly ParseWarning[];
  readonly decisions: readonly Decision[];
  readonly results: readonly IngestResultRow[];
}

/**
 * Parses a batch. `auto`: a line starting with `{` is EVE JSON, any other line syslog. Line numbers
 * are the input's. Pure.
 */
export function parseEvents(
  text: string,
  format: IngestFormat,
  options: { isInternal?: (ip: IpAddress) => boolean; now?: Date } = {},
): { events: SecurityEvent[]; warnings: ParseWarning[] } {
  const eveOptions = options.isInternal ? { isInternal: options.isInternal } : {};
  const syslogOptions = options.now ? { now: options.now } : {};
  if (format === 'syslog') {
    const r = parseSyslog(text, syslogOptions);
    return { events: r.records, warnings: r.warnings };
  }
  if (format === 'eve') {
    const r = parseEve(text, eveOptions);
    return { events: r.records, warnings: r.warnings };
  }
  // Keep line numbers: each parser sees the other format's lines as blank.
  const lines = text.split(/\r\n|\n|\r/);
  const isEve = lines.map((l) => l.trimStart().startsWith('{'));
  const eve = parseEve(lines.map((l, i) => (isEve[i] ? l : '')).join('\n'), eveOptions);
  const sys = parseSyslog(lines.map((l, i) => (isEve[i] ? '' : l)).join('\n'), syslogOptions);
  const byLine = <T extends { line: number }>(a: T, b: T) => a.line - b.line;
  return {
    events: [...eve.records, ...sys.records].sort(byLine),
    warnings: [...eve.warnings, ...sys.warnings].sort(byLine),
  };
}

/** Quarantines ingest started (any outcome since) within the last `perMinutes`. */
export function recentAutoQuarantines(store: StateStore, now: Date, perMinutes: number): number {
  const since = new Date(now.getTime() - perMinutes * 60_000).toISOString();
  return store
    .listQuarantines({ includeReleased: true })
    .filter((q) => q.operator === INGEST_OPERATOR && q.createdAt >= since).length;
}

function checkOptions(req: IngestRequest): number {
  if (!Number.isInteger(req.threshold) || req.threshold < 1) {
    throw new ValidationError(`--threshold ${req.threshold} is not a whole number of events ≥ 1`, {
      code: 'E_USAGE',
    });
  }
  return parseDuration(req.window, '--window');
}

function openStore(req: IngestRequest, inv: ResolvedInventory): StateStore {
  const path = req.statePath ?? inv.state;
  return path === undefined ? openState() : openState(path);
}

function row(d: Decision, patch: Partial<IngestResultRow>): IngestResultRow {
  return {
    target: d.target,
    mac: d.mac,
    outcome: 'failed',
    reason: d.reason,
    quarantineId: null,
    status: null,
    highAlertIp: null,
    switch: null,
    port: null,
    pendingRenew: false,
    error: null,
    ...patch,
  };
}

function fromOutcome(d: Decision, o: QuarantineOutcome, verify: boolean): IngestResultRow {
  if (o.outcome === 'quarantined' || o.outcome === 'already-quarantined') {
    const q = o.quarantine;
    return row(d, {
      outcome: o.outcome,
      mac: q.mac,
      quarantineId: q.id,
      status: q.status,
      highAlertIp: q.highAlertIp,
      switch: q.switch,
      port: q.port,
      pendingRenew:
        o.outcome === 'quarantined' && verify && o.renew.method === 'port-bounce' && !o.renew.verified,
    });
  }
  // dry-run / declined cannot happen here (dryRun false, confirm true); report it rather than hide it.
  return row(d, {
    error: { code: 'E_INTERNAL', message: `unexpected outcome ${o.outcome}`, suggestions: [] },
  });
}

export async function ingest(req: IngestRequest): Promise<IngestResult> {
  const windowS = checkOptions(req);
  const now = (req.now ?? (() => new Date()))();
  const progress = req.progress ?? (() => {});
  const { inventory: inv } = await loadInventory(req.inventoryPath);
  const { events, warnings } = parseEvents(req.text, req.format, {
    isInternal: (ip) => inv.vlanForIp(ip) !== undefined,
    now,
  });
  const limit = inv.policy.autoRateLimit;

  const store = openStore(req, inv);
  let decisions: Decision[];
  try {
    const active = store.listQuarantines();
    decisions = decide({
      events,
      threshold: req.threshold,
      windowS,
      isProtectedMac: (mac) => inv.isProtectedMac(mac),
      isProtectedIp: (ip) => inv.isProtectedIp(ip),
      // By MAC, or by the address the quarantined device holds now: its previous address may
      // belong to another device since, which must still be handled.
      activeQuarantine: ({ mac, ips }) =>
        (mac === null ? undefined : store.activeQuarantineForMac(mac)) ??
        active.find((q) => q.highAlertIp !== null && ips.includes(q.highAlertIp)),
      rateLimit: { ...limit, used: recentAutoQuarantines(store, now, limit.perMinutes) },
    });
  } finally {
    store.close();
  }
  const result = (applied: boolean, results: IngestResultRow[] = []): IngestResult => ({
    dryRun: req.dryRun,
    applied,
    events,
    warnings,
    decisions,
    results,
  });
  const todo = decisions.filter((d) => d.decision === 'quarantine');
  if (req.dryRun || todo.length === 0) return result(false);
  if (!(await req.confirm(decisions, warnings))) return result(false);

  const results: IngestResultRow[] = [];
  for (const d of todo) {
    const check = openStore(req, inv);
    let used: number;
    try {
      used = recentAutoQuarantines(check, (req.now ?? (() => new Date()))(), limit.perMinutes);
    } finally {
      check.close();
    }
    if (used >= limit.max) {
      progress(`${d.target}: rate-limited (${used} of ${limit.max} per ${limit.perMinutes} min used)`);
      results.push(
        row(d, {
          outcome: 'rate-limited',
          error: {
            code: 'E_RATE_LIMITED',
            message: `automatic quarantine limit reached (${used} of ${limit.max} per ${limit.perMinutes} min)`,
            suggestions: ['Quarantine it by hand if it cannot wait: highalert quarantine ' + d.target],
          },
        }),
      );
      continue;
    }
    progress(`${d.target}: quarantining (${d.reason})`);
    try {
      const outcome = await quarantine({
        inventoryPath: req.inventoryPath,
        ...(req.statePath === undefined ? {} : { statePath: req.statePath }),
        operator: INGEST_OPERATOR,
        commandLine: req.commandLine,
        progress,
        ...(req.connect ? { connect: req.connect } : {}),
        target: d.target,
        reason: d.reason,
        dryRun: false,
        ...(req.renew === undefined ? {} : { renew: req.renew }),
        verify: req.verify,
        allowSharedPort: false,
        confirm: async () => true,
      });
      const r = fromOutcome(d, outcome, req.verify);
      results.push(r);
      progress(
        `${d.target}: ${r.outcome}${r.highAlertIp ? ` at ${r.highAlertIp}` : ''}${r.status ? ` (${r.status})` : ''}`,
      );
    } catch (err) {
      const e = asHighAlertError(err);
      results.push(row(d, { error: { code: e.code, message: e.message, suggestions: e.suggestions } }));
      progress(`${d.target}: FAILED (${e.message})`);
    }
  }
  return result(true, results);
}

/** 0: all done (or a dry run); 1: some rate-limited, failed or not renewed yet. */
export function ingestExitCode(r: IngestResult): number {
  if (r.dryRun) return EXIT.OK;
  const partial =
    r.decisions.some((d) => d.decision === 'rate-limited') ||
    r.results.some((x) => x.outcome === 'failed' || x.outcome === 'rate-limited' || x.pendingRenew);
  return partial ? EXIT.PARTIAL : EXIT.OK;
}

/** The whole batch from `file`, or from stdin for `-` (which must not be a terminal: ingest reads to EOF). */
export async function readInput(file: string): Promise<string> {
  if (file === '-') {
    if (process.stdin.isTTY) {
      throw new ValidationError('no events: stdin is a terminal', {
        code: 'E_USAGE',
        suggestions: [
          'Give a FILE, or pipe a batch in: journalctl --since -15min -o cat | highalert ingest - --yes',
        ],
      });
    }
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin)
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    return Buffer.concat(chunks).toString('utf8');
  }
  const { readFile } = await import('node:fs/promises');
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new ValidationError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
      code: 'E_BAD_FILE',
      suggestions: ['Give a readable file of syslog or EVE JSON lines, or - for stdin.'],
    });
  }
}
