/** Human output for the inventory commands (tables); `--json` output skips this module. */
import { safeUrl } from '../values/url.js';
import Table from 'cli-table3';
import { colorFor } from '../cli/color.js';
import { formatIssue } from './error.js';
import { formatRange } from './pools.js';
import { describeSecret, poolText } from './redact.js';
import type { InventoryIssue, InventorySummary, ResolvedInventory } from './types.js';

function table(head: string[], rows: (string | number)[][]): string {
  const t = new Table({
    head,
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  t.push(...rows.map((r) => r.map(String)));
  return t.toString();
}

export function renderWarnings(warnings: readonly InventoryIssue[]): string {
  const c = colorFor(process.stderr);
  return warnings.map((w) => `${c.yellow('Warning')}: ${formatIssue(w)}\n`).join('');
}

const plural = (n: number, word: string): string =>
  `${n} ${n === 1 ? word : word.endsWith('s') ? `${word}es` : `${word}s`}`;

export function renderSummary(s: InventorySummary): string {
  const c = colorFor(process.stdout);
  const roles = Object.entries(s.devices.byRole)
    .map(([r, n]) => `${n} ${r}`)
    .join(', ');
  const lines = [
    `${c.green('✔')} ${s.file} is valid`,
    `  devices: ${s.devices.total} (${roles})`,
    `  sites: ${s.sites}, DHCP servers: ${s.dhcpServers}, users: ${s.users} (${plural(s.macs, 'MAC')})`,
    table(
      ['site', 'VLAN', 'subnet', 'normal pool', 'High-Alert pool'],
      s.pools.map((p) => [
        p.site,
        `${p.vlan} ${p.name}`,
        p.subnet,
        `${p.normalPool.range} (${plural(p.normalPool.size, 'address')})`,
        `${p.highAlertPool.subnet ? `${p.highAlertPool.subnet}: ` : ''}${p.highAlertPool.range} (${plural(p.highAlertPool.size, 'address')})`,
      ]),
    ),
  ];
  return lines.join('\n');
}

export function renderInventory(inv: ResolvedInventory): string {
  const out: string[] = [`Inventory ${inv.file}`, ''];
  out.push(
    'Devices',
    table(
      ['name', 'host:port', 'roles', 'credentials', 'protected ports', 'known_hosts'],
      inv.devices.map((d) => [
        d.name,
        `${d.host}:${d.port}`,
        d.roles.join(', '),
        d.credentials.name,
        d.protectedPorts.join(', ') || '-',
        d.ssh.knownHosts,
      ]),
    ),
    '',
    'Credentials (secrets are never shown)',
    table(
      ['name', 'username', 'password', 'enable', 'private key', 'agent'],
      inv.credentials.map((c) => [
        c.name,
        c.username,
        describeSecret(c.password),
        describeSecret(c.enable),
        c.privateKey ?? '-',
        c.agent ? 'yes' : 'no',
      ]),
    ),
    '',
    'VLANs',
    table(
      [
        'site',
        'VLAN',
        'subnet',
        'gateway',
        'access switches',
        'normal pool',
        'High-Alert pool',
        'DHCP',
        'monitor',
      ],
      inv.vlans.map((v) => [
        v.site,
        `${v.id} ${v.name}`,
        v.subnet.text,
        `${v.gateway.device} ${v.gateway.interface} ${v.gateway.ip}`,
        v.accessSwitches.join(', '),
        formatRange(v.normalPool),
        `${poolText(v.highAlertPool)} [${v.highAlertPool.size}]`,
        `${v.dhcp.server}${v.dhcp.subnetId === undefined ? '' : ` #${v.dhcp.subnetId}`}`,
        v.monitorIp,
      ]),
    ),
    '',
    'DHCP servers',
    table(
      ['name', 'backend', 'where'],
      inv.dhcpServers.map((s) => [
        s.name,
        s.backend,
        s.backend === 'kea'
          ? s.kea.url
            ? safeUrl(s.kea.url)
            : `socket ${s.kea.socket ?? '?'}`
          : `device ${s.device}`,
      ]),
    ),
    '',
    'Users',
    table(
      ['id', 'name', 'MACs', 'switch', 'port'],
      inv.users.map((u) => [u.id, u.name ?? '-', u.macs.join(', '), u.switch ?? '-', u.port ?? '-']),
    ),
    '',
    'Protected',
    `  MACs:  ${inv.protected.macs.join(', ') || '-'}`,
    `  IPs:   ${inv.protected.ips.map((c) => c.text).join(', ') || '-'}`,
    `  ports: ${inv.protected.ports.map((p) => `${p.device} ${p.port}`).join(', ') || '-'}`,
    '',
    `Policy: ttl ${inv.policy.ttl}, renew ${inv.policy.renew}, verify ${inv.policy.verifyTimeoutS}s, ` +
      `auto quarantine at most ${inv.policy.autoRateLimit.max} per ${inv.policy.autoRateLimit.perMinutes} min`,
    `Monitor: ${inv.monitor.ip}` +
      (inv.decisionController ? `; decision controller: ${safeUrl(inv.decisionController.url)}` : ''),
  );
  return out.join('\n');
}
