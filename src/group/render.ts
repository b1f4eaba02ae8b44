/** Human output of the group commands (tables, colour only on a terminal); `--json` skips this module. */
import Table from 'cli-table3';
import type { ChalkInstance } from 'chalk';
import { colorFor } from '../cli/color.js';
import type { AuditEntry } from '../state/types.js';
import { interfaceShort, tryParseInterface } from '../values/interface.js';
import type {
  ExpireResult,
  FlushResult,
  HistoryResult,
  StatusResult,
  StatusRow,
  VerdictResult,
} from './types.js';

function table(head: string[], rows: string[][]): string {
  const t = new Table({
    head,
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  t.push(...rows);
  return t.toString();
}

/** `sw1 Gi1/0/5`. */
function where(sw: string, port: string): string {
  const name = tryParseInterface(port);
  return `${sw} ${name === undefined ? port : interfaceShort(name)}`;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `2026-12-04T16:30:00.000Z` → `2026-12-04 16:30Z`. */
export function shortTime(iso: string): string {
  return iso.length >= 16 ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z` : iso;
}

/** 9000 → `2h30m`; 90061 → `1d1h`; 45 → `45s`. */
export function formatDuration(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d > 0) return `${d}d${h ? `${h}h` : ''}`;
  if (h > 0) return `${h}h${m ? `${m}m` : ''}`;
  if (m > 0) return `${m}m`;
  return `${seconds}s`;
}

function ttlText(r: StatusRow, c: ChalkInstance): string {
  if (r.ttlLeftS === null) return '—';
  if (r.expired) return c.yellow('expired');
  return formatDuration(r.ttlLeftS);
}

function statusText(r: StatusRow, c: ChalkInstance): string {
  const paint: Record<string, (s: string) => string> = {
    isolated: c.green,
    'pending-renew': c.yellow,
    applying: c.cyan,
    releasing: c.cyan,
    failed: c.red,
    released: c.dim,
    'rolled-back': c.dim,
  };
  const parts = [(paint[r.status] ?? String)(r.status)];
  if (r.verdict === 'malicious') parts.push(c.red.bold('malicious'));
  if (r.verdict === 'benign') parts.push('benign');
  if (r.reportQueued) parts.push(c.yellow('report queued'));
  return parts.join(', ');
}

export function renderStatus(s: StatusResult): string {
  const c = colorFor(process.stdout);
  const out: string[] = [];
  for (const h of s.holds) {
    out.push(
      `${c.yellow.bold('ON HOLD')} (${h.scope}) since ${shortTime(h.startedAt)} by ${h.operator}: ${h.message}`,
    );
  }
  if (s.quarantines.length === 0) {
    out.push('No quarantine in the High-Alert group matches.');
  } else {
    out.push(
      table(
        [
          'id',
          'target',
          'user',
          'MAC',
          'switch port',
          'High-Alert IP',
          'since',
          'TTL left',
          'status',
          'reason',
        ],
        s.quarantines.map((r) => [
          String(r.id),
          r.target,
          r.user ?? '—',
          r.mac,
          where(r.switch, r.port),
          r.highAlertIp ?? '—',
          shortTime(r.since),
          ttlText(r, c),
          statusText(r, c),
          r.reason ?? '',
        ]),
      ),
    );
    out.push(plural(s.quarantines.length, 'quarantine'));
  }
  if (s.pendingReports > 0) {
    out.push(
      c.yellow(
        `${plural(s.pendingReports, 'report')} queued for the decision controller: deliver with \`highalert report flush\``,
      ),
    );
  }
  return out.join('\n');
}

export function renderFlush(f: FlushResult): string {
  const c = colorFor(process.stdout);
  if (!f.configured) {
    return f.queued === 0
      ? 'No report is queued.'
      : c.yellow(
          `${plural(f.queued, 'report')} queued, but the inventory has no decision_controller to send them to.`,
        );
  }
  if (f.deliveries.length === 0) return 'No report is queued.';
  const rows = f.deliveries.map((d) => [
    String(d.reportId),
    String(d.quarantineId),
    d.delivered ? c.green('delivered') : c.yellow('queued'),
    String(d.attempts),
    d.error ?? '',
  ]);
  const summary = `${f.delivered} delivered, ${f.queued} still queued`;
  return [table(['report', 'quarantine', 'result', 'attempts', 'error'], rows), summary].join('\n');
}

export function renderVerdict(v: VerdictResult): string {
  const c = colorFor(process.stdout);
  const who = `quarantine ${v.quarantineId} (${v.mac}, ${v.target})`;
  const out: string[] = [];
  if (v.flush.deliveries.some((d) => d.reportId !== v.report?.reportId)) {
    const earlier = v.flush.deliveries.filter((d) => d.reportId !== v.report?.reportId);
    const sent = earlier.filter((d) => d.delivered).length;
    out.push(`Earlier queued reports: ${sent} delivered, ${earlier.length - sent} still queued.`);
  }
  if (v.dryRun) out.push(c.cyan(`Dry run: ${who} would be marked ${v.verdict}; nothing changed.`));
  else if (!v.changed)
    out.push(`${who} is already ${v.verdict === 'benign' ? v.status : v.verdict}; verdict unchanged.`);
  else
    out.push(
      `${c.green('✔')} ${who} marked ${v.verdict === 'malicious' ? c.red.bold('malicious') : 'benign'}.`,
    );
  const r = v.report;
  if (r?.via === 'file' && r.file !== null && !v.dryRun) out.push(`Report written to ${r.file}.`);
  if (r?.via === 'webhook' && !v.dryRun) {
    out.push(
      r.delivered
        ? `${c.green('✔')} Report ${r.reportId ?? ''} delivered to the decision controller.`
        : c.yellow(
            `Report ${r.reportId ?? ''} is queued (${r.error ?? 'not delivered'}); ` +
              'it is retried by the next `highalert verdict` or `highalert report flush`.',
          ),
    );
  }
  if (r?.payload !== undefined && v.dryRun) out.push(JSON.stringify(r.payload, null, 2));
  if (v.release !== undefined) {
    out.push(
      v.release.ok
        ? `${c.green('✔')} ${v.dryRun ? 'Release previewed' : `Released; status ${v.status}`}.`
        : c.red(`Release failed: ${v.release.error?.message ?? '?'}`),
    );
    for (const s of v.release.error?.suggestions ?? []) out.push(`  ${c.yellow('→')} ${s}`);
  }
  return out.join('\n');
}

export function renderExpire(e: ExpireResult): string {
  const c = colorFor(process.stdout);
  if (e.expired.length === 0) return 'No quarantine has expired; nothing changed.';
  const paint = { 'would-release': c.cyan, released: c.green, failed: c.red, skipped: c.yellow };
  const rows = e.expired.map((r) => [
    String(r.id),
    r.target,
    r.user ?? '—',
    r.mac,
    where(r.switch, r.port),
    shortTime(r.expiresAt),
    paint[r.result](r.result),
    r.error?.message ?? '',
  ]);
  const head = ['id', 'target', 'user', 'MAC', 'switch port', 'expired', 'result', 'error'];
  const summary = e.dryRun
    ? `Dry run: ${plural(e.expired.length - e.skipped, 'quarantine')} would be released; nothing changed.`
    : `${e.released} released, ${e.failed} failed, ${e.skipped} skipped.`;
  return [table(head, rows), summary].join('\n');
}

function historyRow(e: AuditEntry): string[] {
  return [shortTime(e.time), e.operator, e.action, e.target ?? e.mac ?? '', e.device ?? '', e.result];
}

export function renderHistory(h: HistoryResult): string {
  if (h.entries.length === 0)
    return h.target === null ? 'The audit trail is empty.' : `No audit entry for ${h.target}.`;
  return table(['time', 'operator', 'action', 'target', 'device', 'result'], h.entries.map(historyRow));
}
