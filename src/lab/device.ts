/**
 * A simulated device (its config, what it received, its faults) and the lab world that links the
 * devices: hosts on access ports, ARP/MAC/DHCP views, port-bounce → DHCP.
 */
import { interfaceShort, macToIos, type InterfaceName, type Mac } from '../values/index.js';
import { cloneConfig, type DeviceConfig } from './model.js';
import type { LabFaults } from './types.js';
import {
  dhcpPacket,
  iosDhcpOffer,
  ipToInt,
  portAclPermits,
  trafficPacket,
  type DhcpHook,
  type HostState,
} from './world.js';
import type { ArpEntry, BindingRow, MacEntry, SnoopRow } from './show.js';
import { CPU_MACS, clientIdOf } from './show.js';
import { renderInterfaceConfig, renderRunningConfig } from './running-config.js';

export const GATEWAY_MAC = '02:00:00:00:00:01' as Mac;
export const UPLINK = 'GigabitEthernet1/0/48';

export class SimDevice {
  readonly received: string[] = [];
  faults: LabFaults = {};
  startup: DeviceConfig;
  readonly archives: string[] = [];
  revert: { backup: DeviceConfig; timer: NodeJS.Timeout; minutes: number } | undefined;
  readonly bootedAt = Date.now();
  /** Bumped by setFaults({alternateHostKey}) — the SSH layer picks the key by it. */
  alternateKey = false;

  constructor(
    readonly name: string,
    readonly role: 'gateway' | 'access',
    public cfg: DeviceConfig,
    readonly world: LabWorld,
    readonly latencyMs: number,
    readonly username: string,
  ) {
    this.startup = cloneConfig(cfg);
  }

  get effectiveLatency(): number {
    return this.faults.latencyMs ?? this.latencyMs;
  }

  runningConfig(): string {
    return renderRunningConfig(this.cfg, { role: this.role, username: this.username });
  }

  interfaceConfig(name: string): string {
    const i = this.cfg.interfaces.get(name);
    if (!i) throw new Error(`${this.name} has no interface ${name}`);
    return renderInterfaceConfig(i);
  }

  /** Applies `shutdown` / `no shutdown`; returns the syslog lines IOS prints. */
  setShutdown(name: string, shut: boolean): string[] {
    const i = this.cfg.interfaces.get(name);
    if (!i || i.shutdown === shut) return [];
    i.shutdown = shut;
    const connected = this.world.linkPresent(this, name);
    const lines: string[] = [];
    if (shut) {
      lines.push(`%LINK-5-CHANGED: Interface ${name}, changed state to administratively down`);
      if (connected)
        lines.push(`%LINEPROTO-5-UPDOWN: Line protocol on Interface ${name}, changed state to down`);
      this.world.portEvent(this, name, 'down');
    } else if (connected) {
      lines.push(`%LINK-3-UPDOWN: Interface ${name}, changed state to up`);
      lines.push(`%LINEPROTO-5-UPDOWN: Line protocol on Interface ${name}, changed state to up`);
      this.world.portEvent(this, name, 'up');
    } else {
      lines.push(`%LINK-3-UPDOWN: Interface ${name}, changed state to down`);
    }
    return lines;
  }

  archiveName(n: number): string {
    const d = new Date();
    const mon = d.toUTCString().slice(8, 11);
    const p2 = (x: number): string => String(x).padStart(2, '0');
    const stamp = `${mon}-${p2(d.getUTCDate())}-${p2(d.getUTCHours())}-${p2(d.getUTCMinutes())}-${p2(d.getUTCSeconds())}.${String(d.getUTCMilliseconds()).padStart(3, '0')}`;
    return `${this.cfg.archive?.path ?? 'flash:archive'}-${stamp}-${n}`;
  }

  /** Starts a `configure terminal revert timer` window; returns the archive file name. */
  armRevert(minutes: number): string {
    this.cancelRevert();
    const name = this.archiveName(this.archives.length + 1);
    this.archives.push(name);
    const backup = cloneConfig(this.cfg);
    const timer = setTimeout(() => this.rollback(), minutes * 60_000);
    timer.unref();
    this.revert = { backup, timer, minutes };
    return name;
  }

  cancelRevert(): boolean {
    if (!this.revert) return false;
    clearTimeout(this.revert.timer);
    this.revert = undefined;
    return true;
  }

  /** The revert timer fired (or `configure revert now`): the running config returns to the backup. */
  rollback(): boolean {
    const r = this.revert;
    if (!r) return false;
    this.cancelRevert();
    const before = this.cfg;
    this.cfg = cloneConfig(r.backup);
    for (const [name, i] of this.cfg.interfaces) {
      const old = before.interfaces.get(name);
      if (old && old.shutdown !== i.shutdown) {
        const target = i.shutdown;
        i.shutdown = !target;
        this.setShutdown(name, target);
      }
    }
    return true;
  }

  save(): void {
    this.startup = cloneConfig(this.cfg);
  }
}

export class LabWorld {
  readonly devices = new Map<string, SimDevice>();
  readonly hosts: HostState[] = [];
  hook: DhcpHook | undefined;
  enableSecret = 'lab-enable';
  gatewayName = 'lab-gw';
  /** Gateway downlink port per access switch. */
  readonly downlinks = new Map<string, string>();
  readonly vlan = 10;
  readonly svi = 'Vlan10';

  get gateway(): SimDevice {
    return this.devices.get(this.gatewayName)!;
  }

  gatewayIp(): string | undefined {
    return this.gateway.cfg.interfaces.get(this.svi)?.ipAddress?.ip;
  }

  hostOn(dev: SimDevice, port: string): HostState | undefined {
    return this.hosts.find((h) => h.switch === dev.name && h.port === port);
  }

  /** Is there something at the other end of the cable? */
  linkPresent(dev: SimDevice, port: string): boolean {
    if (dev.role === 'access') return port === UPLINK || this.hostOn(dev, port) !== undefined;
    return [...this.downlinks.values()].includes(port);
  }

  /** Is the interface up/up (admin up on both ends of a cable)? */
  connected(dev: SimDevice, port: string): boolean {
    const i = dev.cfg.interfaces.get(port);
    if (!i) return false;
    if (!i.l2) return !i.shutdown;
    if (i.shutdown || !this.linkPresent(dev, port)) return false;
    if (dev.role === 'access' && port === UPLINK) {
      const gwPort = this.downlinks.get(dev.name);
      return gwPort !== undefined && !this.gateway.cfg.interfaces.get(gwPort)?.shutdown;
    }
    if (dev.role === 'gateway') {
      const sw = [...this.downlinks].find(([, p]) => p === port)?.[0];
      const swDev = sw === undefined ? undefined : this.devices.get(sw);
      return swDev !== undefined && !swDev.cfg.interfaces.get(UPLINK)?.shutdown;
    }
    return true;
  }

  /** The host's frames reach the gateway: its access port and the switch uplink are up. */
  hostReachesGateway(h: HostState): boolean {
    const sw = this.devices.get(h.switch);
    return sw !== undefined && this.connected(sw, h.port) && this.connected(sw, UPLINK);
  }

  portEvent(dev: SimDevice, port: string, event: 'down' | 'up'): void {
    const h = this.hostOn(dev, port);
    if (!h) return;
    if (event === 'down') h.snooped = false;
    else h.since = Date.now();
    const hook = this.hook;
    if (hook) {
      const result = hook({ switch: dev.name, port, mac: h.mac, event });
      if (event === 'up' && result) {
        void Promise.resolve(result).then(
          (ip) => {
            if (ip === undefined) return;
            h.ip = ip;
            h.lease = { type: 'external', ip, expires: Date.now() + 86_400_000 };
            h.snooped = true;
          },
          () => undefined,
        );
      }
      return;
    }
    if (event === 'down') return;
    if (!portAclPermits(dev.cfg, port, dhcpPacket()) || !this.hostReachesGateway(h)) return;
    const gwIp = this.gatewayIp();
    const offer = iosDhcpOffer(this.gateway.cfg, this.hosts, h, gwIp ? [gwIp] : []);
    if (!offer) return;
    h.ip = offer.ip;
    h.lease = offer;
    h.snooped = true;
  }

  arp(): ArpEntry[] {
    const gw = this.gateway;
    const svi = gw.cfg.interfaces.get(this.svi);
    const out: ArpEntry[] = [];
    if (svi?.ipAddress && !svi.shutdown)
      out.push({ ip: svi.ipAddress.ip, ageMin: undefined, mac: GATEWAY_MAC, iface: this.svi });
    if (!svi?.ipAddress || svi.shutdown) return out;
    const mask = ipToInt(svi.ipAddress.mask);
    const net = ipToInt(svi.ipAddress.ip) & mask;
    for (const h of this.hosts) {
      if (!h.ip || !this.hostReachesGateway(h)) continue;
      if ((ipToInt(h.ip) & mask) !== net) continue;
      const sw = this.devices.get(h.switch)!;
      if (!portAclPermits(sw.cfg, h.port, trafficPacket(h.ip, svi.ipAddress.ip))) continue;
      out.push({
        ip: h.ip,
        ageMin: Math.floor((Date.now() - h.since) / 60_000),
        mac: h.mac,
        iface: this.svi,
      });
    }
    return out;
  }

  macTable(dev: SimDevice, withStatic: boolean): MacEntry[] {
    const out: MacEntry[] = withStatic
      ? CPU_MACS.map((mac) => ({ vlan: 'All' as const, mac, type: 'STATIC' as const, port: 'CPU' }))
      : [];
    const short = (p: string): string => interfaceShort(p as InterfaceName);
    if (dev.role === 'access') {
      for (const h of this.hosts) {
        if (h.switch === dev.name && this.connected(dev, h.port))
          out.push({ vlan: h.vlan, mac: macToIos(h.mac), type: 'DYNAMIC', port: short(h.port) });
      }
      if (this.connected(dev, UPLINK))
        out.push({ vlan: this.vlan, mac: macToIos(GATEWAY_MAC), type: 'DYNAMIC', port: short(UPLINK) });
    } else {
      if (withStatic) out.push({ vlan: this.vlan, mac: macToIos(GATEWAY_MAC), type: 'STATIC', port: 'Vl10' });
      for (const h of this.hosts) {
        const port = this.downlinks.get(h.switch);
        if (port && this.hostReachesGateway(h) && this.connected(dev, port))
          out.push({ vlan: h.vlan, mac: macToIos(h.mac), type: 'DYNAMIC', port: short(port) });
      }
    }
    return out;
  }

  dhcpBindings(): BindingRow[] {
    const rows: BindingRow[] = [];
    for (const p of this.gateway.cfg.dhcpPools.values()) {
      if (!p.host) continue;
      rows.push({
        ip: p.host.ip,
        id: p.clientIdentifier ?? p.hardwareAddress ?? '',
        expires: 'Infinite',
        type: 'Manual',
      });
    }
    for (const h of this.hosts) {
      if (h.lease?.type !== 'automatic') continue;
      rows.push({ ip: h.lease.ip, id: clientIdOf(h.mac), expires: h.lease.expires, type: 'Automatic' });
    }
    return rows;
  }

  clearBinding(ip: string | undefined): void {
    for (const h of this.hosts)
      if (h.lease?.type === 'automatic' && (ip === undefined || h.lease.ip === ip)) h.lease = undefined;
  }

  snooping(dev: SimDevice): SnoopRow[] {
    const rows: SnoopRow[] = [];
    for (const h of this.hosts) {
      if (h.switch !== dev.name || !h.snooped || !h.ip || !this.connected(dev, h.port)) continue;
      const left = h.lease ? Math.max(0, Math.floor((h.lease.expires - Date.now()) / 1000)) : 86400;
      rows.push({ mac: h.mac, ip: h.ip, leaseSec: left, vlan: h.vlan, iface: h.port });
    }
    return rows;
  }
}
