/** Human output for quarantine and release outcomes (the commands print this unless --json). */
import type { ChalkInstance } from 'chalk';
import type { QuarantineOutcome } from './quarantine.js';
import type { ReleaseOutcome } from './release.js';
import type { RenewOutcome } from './renew.js';

function renewLines(r: RenewOutcome, c: ChalkInstance): string[] {
  const out = [`  renew: ${r.method}; ${r.verified ? c.green(r.note) : c.yellow(r.note)}`];
  for (const s of r.seen) out.push(`    ${s.source}${s.query ? ` (${s.query})` : ''}: ${s.said}`);
  if (r.instructions) out.push('', ...r.instructions.map((l) => `  ${l}`));
  return out;
}

export function formatQuarantineOutcome(o: QuarantineOutcome, c: ChalkInstance): string {
  switch (o.outcome) {
    case 'already-quarantined':
      return `${o.quarantine.mac} is already quarantined (${o.quarantine.status}, High-Alert ${o.quarantine.highAlertIp ?? '?'} since ${o.quarantine.createdAt}); nothing changed.`;
    case 'dry-run':
      return c.dim('Dry run: nothing was sent.');
    case 'declined':
      return 'Not confirmed: nothing was changed.';
    case 'quarantined': {
      const q = o.quarantine;
      const head =
        q.status === 'isolated'
          ? c.green.bold(`Isolated: ${q.mac} now holds High-Alert ${q.highAlertIp}`)
          : c.yellow.bold(`Quarantined, pending renew: ${q.mac} will get High-Alert ${q.highAlertIp}`);
      return [
        head,
        `  ${q.switch} ${q.port}, ACLs bound; reservation on the DHCP server; expires ${q.expiresAt ?? 'never'}`,
        ...renewLines(o.renew, c),
      ].join('\n');
    }
  }
}

export function formatReleaseOutcome(o: ReleaseOutcome, c: ChalkInstance): string {
  switch (o.outcome) {
    case 'not-quarantined':
      return `${o.target} is not quarantined; nothing changed.`;
    case 'skipped':
      return `${o.target}: skipped (${o.reason}); nothing changed.`;
    case 'dry-run':
      return c.dim('Dry run: nothing was sent.');
    case 'declined':
      return 'Not confirmed: nothing was changed.';
    case 'released': {
      const q = o.quarantine;
      const head = o.renew.verified
        ? c.green.bold(`Released: ${q.mac} is back in the normal pool`)
        : c.yellow.bold(
            `Released: ${q.mac}'s port and reservation are restored; the device has not renewed yet`,
          );
      return [head, `  ${q.switch} ${q.port} restored from its snapshot`, ...renewLines(o.renew, c)].join(
        '\n',
      );
    }
  }
}
