/** Audit findings, repairs and results for people (the commands skip this under --json). */
import type { ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import { linesByDevice } from '../model/plan.js';
import { unifiedDiff } from '../plan/format.js';
import { formatRecoverPlan } from '../recover/format.js';
import type { RecoverOperation } from '../recover/recover.js';
import type { RepairPlan } from './repair.js';
import type { AuditResult } from './run.js';
import type { Finding } from './types.js';

export function formatFindings(findings: readonly Finding[], c: ChalkInstance): string {
  if (!findings.length) return c.green('No findings: the network matches the state store.');
  const t = new Table({
    head: ['severity', 'kind', 'device', 'target', 'finding'],
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    colWidths: [null, null, null, null, 70],
    wordWrap: true,
  });
  for (const f of findings) {
    const sev = f.severity === 'error' ? c.red(f.severity) : c.yellow(f.severity);
    t.push([sev, f.kind, f.device, f.target ?? '', f.fix ? `${f.message}\nfix: ${f.fix}` : f.message]);
  }
  return t.toString();
}

export function formatRepairPlan(
  plan: RepairPlan,
  recover: readonly RecoverOperation[],
  c: ChalkInstance,
): string {
  const out: string[] = [c.bold('Repair')];
  if (recover.length) out.push('', formatRecoverPlan(recover, c));
  for (const s of plan.summary) out.push(`  - ${s}`);
  for (const d of plan.diffs)
    out.push('', c.bold(`${d.device}: ${d.title}`), unifiedDiff(d.device, d.before, d.after, c));
  for (const k of plan.kea)
    out.push('', c.bold(`${k.server}: Kea guarded pool (API)`), ...k.preview.map((l) => `  ${l}`));
  for (const s of plan.steps)
    if (s.kind === 'dhcp')
      out.push('', c.bold(`${s.server}: DHCP ${s.action} (API)`), ...s.preview.map((l) => `  ${l}`));
  const lines = linesByDevice(plan);
  if (lines.size) {
    out.push('', c.bold('Lines an apply sends, in order'));
    for (const [device, ls] of lines) out.push(`  ${c.cyan(device)}:`, ...ls.map((l) => `    ${l}`));
  }
  return out.join('\n');
}

export function formatAuditResult(r: AuditResult, c: ChalkInstance): string {
  const out: string[] = [];
  const n = r.checked;
  out.push(
    c.dim(`checked ${n.quarantines} active quarantine(s), ${n.gateways} gateway(s), ${n.devices} device(s)`),
    formatFindings(r.findings, c),
  );
  if (r.fix) {
    const f = r.fix;
    if (f.declined) out.push('', 'Not repaired; nothing changed.');
    else if (f.dryRun) out.push('', 'Dry run: nothing was sent.');
    else if (!f.applied) out.push('', 'Nothing audit --fix can repair automatically.');
    else {
      out.push(
        '',
        c.green(
          `Repaired (operation ${f.operationId ?? '-'}${f.recovered.length ? `, recovered ${f.recovered.join(', ')}` : ''}).`,
        ),
      );
      out.push(c.bold('After the repair:'), formatFindings(r.remaining ?? [], c));
    }
  }
  const verdict =
    r.exitCode === 3
      ? c.red('Some devices could not be looked at (exit 3).')
      : r.exitCode === 1
        ? c.red('Drift found (exit 1).')
        : c.green('Clean (exit 0).');
  out.push('', verdict);
  return out.join('\n');
}
