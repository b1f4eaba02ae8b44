/**
 * A JSON-safe view of the resolved inventory for `inventory show`: secrets appear only as where
 * they come from (an environment variable name, a file path), never as values.
 */
import { safeUrl } from '../values/url.js';
import { rangeSize } from '../values/index.js';
import { formatRange } from './pools.js';
import type { HighAlertPool, ResolvedInventory, SecretRef } from './types.js';

export interface SecretView {
  source: SecretRef['source'];
  /** Variable name, file path, or (plaintext) the field path. */
  ref: string;
  redacted: true;
}

export function secretView(ref: SecretRef | undefined): SecretView | null {
  return ref === undefined ? null : { source: ref.source, ref: ref.ref, redacted: true };
}

/** For tables: `env HIGHALERT_SSH_PASSWORD`, `file /etc/highalert/pw`, `plaintext in inventory (redacted)`. */
export function describeSecret(ref: SecretRef | undefined): string {
  if (ref === undefined) return '-';
  if (ref.source === 'env') return `env ${ref.ref}`;
  if (ref.source === 'file') return `file ${ref.ref}`;
  return 'plaintext in inventory (redacted)';
}

export function poolText(p: HighAlertPool): string {
  return p.kind === 'range' ? formatRange(p.range) : `${p.subnet.text} (${formatRange(p.range)})`;
}

/** The whole inventory as plain data with secrets redacted (what `inventory show --json` prints). */
export function redactInventory(inv: ResolvedInventory) {
  return {
    file: inv.file,
    version: inv.version,
    state: inv.state ?? null,
    ssh: inv.ssh,
    policy: inv.policy,
    credentials: inv.credentials.map((c) => ({
      name: c.name,
      username: c.username,
      password: secretView(c.password),
      enable: secretView(c.enable),
      privateKey: c.privateKey ?? null,
      passphrase: secretView(c.passphrase),
      agent: c.agent,
    })),
    devices: inv.devices.map((d) => ({
      name: d.name,
      host: d.host,
      port: d.port,
      platform: d.platform,
      roles: d.roles,
      credentials: d.credentials.name,
      protectedPorts: d.protectedPorts,
      commitConfirmed: d.commitConfirmed,
      commitConfirmedMinutes: d.commitConfirmedMinutes,
      saveConfig: d.saveConfig,
      ssh: d.ssh,
    })),
    monitor: inv.monitor,
    decisionController: inv.decisionController
      ? { ...inv.decisionController, url: safeUrl(inv.decisionController.url) }
      : null,
    dhcpServers: inv.dhcpServers.map((s) =>
      s.backend === 'kea' && s.kea.url ? { ...s, kea: { ...s.kea, url: safeUrl(s.kea.url) } } : s,
    ),
    sites: inv.sites.map((s) => ({
      name: s.name,
      vlans: s.vlans.map((v) => ({
        id: v.id,
        name: v.name,
        version: v.version,
        subnet: v.subnet.text,
        gateway: v.gateway,
        accessSwitches: v.accessSwitches,
        normalPool: { range: formatRange(v.normalPool), size: Number(rangeSize(v.normalPool)) },
        highAlertPool: {
          kind: v.highAlertPool.kind,
          range: formatRange(v.highAlertPool.range),
          ...(v.highAlertPool.kind === 'subnet'
            ? { subnet: v.highAlertPool.subnet.text, gatewayIp: v.highAlertPool.gatewayIp }
            : {}),
          size: v.highAlertPool.size,
        },
        dhcp: { server: v.dhcp.server, subnetId: v.dhcp.subnetId ?? null },
        monitorIp: v.monitorIp,
      })),
    })),
    users: inv.users.map((u) => ({
      id: u.id,
      name: u.name ?? null,
      macs: u.macs,
      switch: u.switch ?? null,
      port: u.port ?? null,
    })),
    protected: {
      macs: inv.protected.macs,
      ips: inv.protected.ips.map((c) => c.text),
      ports: inv.protected.ports,
    },
  };
}

export type InventoryView = ReturnType<typeof redactInventory>;
