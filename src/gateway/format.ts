/** Setup and hold plans and results for people (the commands skip this under --json). */
import type { ChalkInstance } from 'chalk';
import { unifiedDiff } from '../plan/format.js';
import type { HoldPlan, HoldResult } from './hold.js';
import type { SetupResult } from './run.js';
import type { SetupPlan } from './setup.js';
import { gatewayLinesByDevice } from './steps.js';

function linesSection(lines: Map<string, string[]> | Record<string, string[]>, c: ChalkInstance): string[] {
  const entries = lines instanceof Map ? [...lines] : Object.entries(lines);
  if (!entries.length) return [];
  const out = ['', c.bold('Lines an apply sends, in order')];
  for (const [device, ls] of entries) out.push(`  ${c.cyan(device)}:`, ...ls.map((l) => `    ${l}`));
  return out;
}

export function formatSetupPlan(plan: SetupPlan, c: ChalkInstance): string {
  const out = [c.bold(`Setup of the High-Alert group${plan.site ? ` (site ${plan.site})` : ''}`)];
  for (const v of plan.vlans) {
    const what =
      v.status === 'skipped'
        ? c.yellow(`skipped: ${v.reason ?? ''}`)
        : v.status === 'unchanged'
          ? 'already set up'
          : 'changes below';
    out.push(`  site ${v.site} VLAN ${v.vlan} (${v.gateway} ${v.interface}, pool ${v.pool}): ${what}`);
  }
  for (const d of plan.diffs)
    out.push('', c.bold(`${d.device}: ${d.title}`), unifiedDiff(d.device, d.before, d.after, c));
  for (const k of plan.kea.filter((x) => x.changed)) {
    out.push('', c.bold(`${k.server}: Kea guarded pool (API)`), ...k.preview.map((l) => `  ${l}`));
  }
  out.push(...linesSection(gatewayLinesByDevice(plan.steps), c));
  return out.join('\n');
}

export function formatSetupResult(r: SetupResult, c: ChalkInstance): string {
  const skipped = r.vlans
    .filter((v) => v.status === 'skipped')
    .map((v) => c.yellow(`site ${v.site} VLAN ${v.vlan} skipped: ${v.reason ?? ''}`));
  if (r.declined) return [...skipped, 'Not applied; nothing changed.'].join('\n');
  if (!r.changed && !r.dryRun)
    return [...skipped, 'High-Alert group already set up: no changes; nothing sent.'].join('\n');
  if (r.dryRun) {
    if (!Object.keys(r.lines).length && !r.kea.some((k) => k.changed))
      return [...skipped, 'Dry run: no changes needed.'].join('\n');
    return [...skipped, 'Dry run: nothing was sent.'].join('\n');
  }
  const done = r.vlans.filter((v) => v.status === 'change').map((v) => `site ${v.site} VLAN ${v.vlan}`);
  return [...skipped, c.green(`High-Alert group set up: ${done.join(', ')}.`)].join('\n');
}

export function formatHoldPlan(plan: HoldPlan, c: ChalkInstance): string {
  const out = [c.bold(plan.kind === 'hold' ? 'Hold the High-Alert group' : 'End the hold')];
  for (const v of plan.vlans) {
    const what =
      v.status === 'skipped'
        ? c.yellow(`skipped: ${v.reason ?? ''}`)
        : v.status === 'unchanged'
          ? 'nothing to restore'
          : `inbound ACL now ${v.previousIn ?? '(none)'}${plan.kind === 'hold' ? ' (restored on unhold)' : ' (restored)'}`;
    out.push(`  site ${v.site} VLAN ${v.vlan} (${v.gateway} ${v.interface}): ${what}`);
  }
  for (const w of plan.warnings) out.push(c.yellow(`  warning: ${w}`));
  for (const d of plan.diffs)
    out.push('', c.bold(`${d.device}: ${d.title}`), unifiedDiff(d.device, d.before, d.after, c));
  out.push(...linesSection(gatewayLinesByDevice(plan.steps), c));
  return out.join('\n');
}

export function formatHoldResult(kind: 'hold' | 'unhold', r: HoldResult, c: ChalkInstance): string {
  const out: string[] = [];
  for (const v of r.vlans.filter((x) => x.status === 'skipped'))
    out.push(c.yellow(`site ${v.site} VLAN ${v.vlan} skipped: ${v.reason ?? ''}`));
  if (r.idempotent) {
    if (kind === 'hold' && r.hold)
      out.push(
        `Already on hold since ${r.hold.startedAt} (by ${r.hold.operator}: "${r.hold.message}"); nothing sent.`,
      );
    else out.push('Not on hold; nothing sent.');
    return out.join('\n');
  }
  if (r.declined) return [...out, 'Not applied; nothing changed.'].join('\n');
  if (r.dryRun) return [...out, 'Dry run: nothing was sent and no hold was recorded.'].join('\n');
  if (kind === 'hold') out.push(c.green(`On hold: "${r.hold?.message ?? ''}" (hold ${r.hold?.id ?? '?'}).`));
  else out.push(c.green('Hold ended: the gateways have their previous inbound ACLs back.'));
  if (r.notice) {
    out.push(
      r.notice.ok
        ? `Decision controller notified (${r.notice.url}).`
        : c.yellow(
            `warning: could not notify the decision controller at ${r.notice.url}: ${r.notice.error ?? 'failed'}`,
          ),
    );
  }
  return out.join('\n');
}
