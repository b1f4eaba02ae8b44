/**
 * A plan for people: per device a unified diff of the affected running config, the DHCP change,
 * and the exact lines an apply sends. Colour only on a terminal (see cli/color.ts).
 */
import { createTwoFilesPatch } from 'diff';
import type { ChalkInstance } from 'chalk';
import { linesByDevice, type Plan } from '../model/plan.js';

function colourDiff(patch: string, c: ChalkInstance): string {
  return patch
    .split('\n')
    .filter((l) => !l.startsWith('===='))
    .map((l) => {
      if (l.startsWith('+++') || l.startsWith('---')) return c.bold(l);
      if (l.startsWith('@@')) return c.cyan(l);
      if (l.startsWith('+')) return c.green(l);
      if (l.startsWith('-')) return c.red(l);
      return l;
    })
    .join('\n')
    .trimEnd();
}

export function unifiedDiff(device: string, before: string, after: string, c: ChalkInstance): string {
  const patch = createTwoFilesPatch(
    `${device} (now)`,
    `${device} (after)`,
    before ? `${before}\n` : '',
    after ? `${after}\n` : '',
    '',
    '',
    {
      context: 3,
    },
  );
  return colourDiff(patch, c);
}

export function formatPlan(plan: Plan, c: ChalkInstance): string {
  const out: string[] = [];
  const verb = plan.kind === 'quarantine' ? 'Quarantine' : 'Release';
  out.push(
    c.bold(`${verb} ${plan.mac}${plan.user ? ` (user ${plan.user})` : ''}`) +
      ` on ${plan.switch} ${plan.port}, site ${plan.site} VLAN ${plan.vlan}`,
  );
  out.push(
    plan.kind === 'quarantine'
      ? `  address ${plan.previousIp ?? 'unknown'} → High-Alert ${plan.highAlertIp}; renew: ${plan.renew}`
      : `  High-Alert ${plan.highAlertIp} → normal pool; renew: ${plan.renew}`,
  );
  if (plan.evidence.length > 0) {
    out.push('', c.bold('Evidence'));
    for (const e of plan.evidence)
      out.push(`  ${c.cyan(e.source)}${e.query ? ` (${e.query})` : ''}: ${e.said}`);
  }
  for (const d of plan.diffs) {
    out.push('', c.bold(`${d.device}: ${d.title}`), unifiedDiff(d.device, d.before, d.after, c));
  }
  const dhcpApi = plan.steps.filter((s) => s.kind === 'dhcp');
  for (const s of dhcpApi) {
    out.push('', c.bold(`${s.server}: DHCP ${s.action} (API)`), ...s.preview.map((l) => `  ${l}`));
  }
  out.push('', c.bold('Lines an apply sends, in order'));
  for (const [device, lines] of linesByDevice(plan)) {
    out.push(`  ${c.cyan(device)}:`, ...lines.map((l) => `    ${l}`));
    const session = plan.session?.[device];
    if (session?.before.length) out.push(c.dim(`    (config entered with: ${session.before.join('; ')})`));
    if (session?.after.length) out.push(c.dim(`    (then, once applied: ${session.after.join('; ')})`));
  }
  return out.join('\n');
}
