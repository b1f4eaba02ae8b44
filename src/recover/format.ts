/** Recover plans and results for people (the command skips this under --json). */
import type { ChalkInstance } from 'chalk';
import type { RecoverOperation, RecoverResult } from './recover.js';

function undoText(op: RecoverOperation['steps'][number]): string[] {
  const u = op.undo;
  if (u.type === 'config') return u.lines.map((l) => `      ${l}`);
  if (u.type === 'dhcp')
    return [`      ${u.action} reservation ${u.reservation.mac} → ${u.reservation.ip} (API)`];
  return ['      (nothing to undo)'];
}

export function formatRecoverPlan(ops: readonly RecoverOperation[], c: ChalkInstance): string {
  const out: string[] = [];
  for (const op of ops) {
    out.push(
      c.bold(`Operation ${op.id}: ${op.kind} of ${op.target}`) +
        ` (pid ${op.pid} on ${op.host}, started ${op.startedAt}, process gone)`,
    );
    if (op.quarantine)
      out.push(`  quarantine ${op.quarantine.id}: ${op.quarantine.from} → ${op.quarantine.to}`);
    if (!op.steps.length) out.push('  no journalled steps: nothing was sent');
    for (const s of op.steps) {
      out.push(`  undo step ${s.seq} on ${c.cyan(s.device)} (${s.kind}, was ${s.status}):`, ...undoText(s));
    }
  }
  return out.join('\n');
}

export function formatRecoverResult(r: RecoverResult, c: ChalkInstance): string {
  if (!r.operations.length) return 'No unfinished operations: nothing to recover.';
  if (r.dryRun) return 'Dry run: nothing was undone.';
  if (r.declined) return 'Not recovered; nothing changed.';
  return r.operations
    .map((o) => {
      if (o.outcome === 'rolled-back')
        return c.green(`Operation ${o.id} (${o.kind} of ${o.target}) rolled back.`);
      const bad = o.results.filter((x) => !x.ok).map((x) => `${x.device} step ${x.seq}: ${x.error ?? '?'}`);
      return c.red(
        `Operation ${o.id} (${o.kind} of ${o.target}) NOT fully undone: ${bad.join('; ')}. Run recover again.`,
      );
    })
    .join('\n');
}
