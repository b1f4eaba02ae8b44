/** Human rendering of an ingest run: warnings, one line per decision, one line per result. */
import type { ChalkInstance } from 'chalk';
import type { ParseWarning } from '../devices/parsers/common.js';
import type { IngestResult, IngestResultRow } from './ingest.js';
import type { Decision } from './policy.js';

/** Log text shown safely: JSON-quoted (no control characters reach the terminal), cut short. */
function quoted(text: string, max = 100): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

export function formatWarnings(warnings: readonly ParseWarning[], limit = 10): string {
  if (warnings.length === 0) return '';
  const lines = warnings.slice(0, limit).map((w) => `  line ${w.line}: ${w.reason}: ${quoted(w.text)}`);
  if (warnings.length > limit) lines.push(`  … ${warnings.length - limit} more (see --json)`);
  return `${warnings.length} line${warnings.length === 1 ? '' : 's'} skipped:\n${lines.join('\n')}`;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function formatDecisions(decisions: readonly Decision[], c: ChalkInstance): string {
  if (decisions.length === 0) return 'No security events highalert acts on.';
  const paint = (d: Decision) =>
    d.decision === 'quarantine'
      ? c.bold(pad(d.decision, 19))
      : d.decision === 'rate-limited'
        ? c.yellow(pad(d.decision, 19))
        : c.dim(pad(d.decision, 19));
  const width = Math.max(6, ...decisions.map((d) => d.target.length));
  const lines = decisions.map(
    (d) =>
      `${paint(d)}  ${pad(d.target, width)}  ${pad(String(d.events.length), 3)}  ${d.why}\n${' '.repeat(21)}${c.dim(`lines ${d.events.map((e) => e.line).join(', ')}: ${d.reason}`)}`,
  );
  return [`${pad('DECISION', 19)}  ${pad('TARGET', width)}  EVT  WHY`, ...lines].join('\n');
}

function resultLine(r: IngestResultRow, c: ChalkInstance): string {
  if (r.outcome === 'quarantined')
    return `${c.green('quarantined')} ${r.target} on ${r.switch ?? '?'} ${r.port ?? '?'}: High-Alert ${r.highAlertIp ?? '?'} (${r.status ?? '?'})`;
  if (r.outcome === 'already-quarantined')
    return `${c.dim('already quarantined')} ${r.target} (quarantine ${r.quarantineId ?? '?'}); nothing changed`;
  return `${c.red(r.outcome.toUpperCase())} ${r.target}: ${r.error?.message ?? ''}${r.error?.suggestions.length ? `\n  → ${r.error.suggestions.join('\n  → ')}` : ''}`;
}

export function formatIngest(r: IngestResult, c: ChalkInstance, decisionsShown: boolean): string {
  const out: string[] = [];
  const w = formatWarnings(r.warnings);
  if (w && !decisionsShown) out.push(w, '');
  if (!decisionsShown) out.push(formatDecisions(r.decisions, c), '');
  if (r.dryRun) out.push('Dry run: nothing was sent.');
  else if (r.results.length) out.push(...r.results.map((x) => resultLine(x, c)));
  else if (r.decisions.some((d) => d.decision === 'quarantine')) out.push('Nothing changed.');
  return out.join('\n').trimEnd();
}
