/**
 * The IOS DHCP server as a reservation backend: one manual-binding host pool per reserved MAC
 * (`ip dhcp pool HA-<mac>` / `host` / `client-identifier 01…`), on a device reached through the
 * device layer. Its changes are device config, so the plan sends them like any other config.
 */
import type { DhcpBackend, DhcpChange, DhcpScope, Lease, Reservation } from './backend.js';
import { quarantineNames } from '../plan/names.js';
import { renderLines } from '../render/templates.js';
import { cidrContains, parseCidr, prefixToMask, tryParseIp, type IpAddress } from '../values/ip.js';
import { clientIdToMac, tryParseMac, type Mac } from '../values/mac.js';

/** What the backend needs from a device: read a show command, send config. */
export interface DeviceIo {
  show(command: string): Promise<string>;
  configure(lines: string[]): Promise<void>;
}

export interface CiscoIosDhcpOptions {
  name: string;
  device: string;
  platform: string;
  io: () => Promise<DeviceIo>;
}

interface HostPool {
  name: string;
  ip: IpAddress;
  mac: Mac;
}

/** Host pools (`ip dhcp pool` with `host` and `client-identifier`/`hardware-address`) in a running config. */
export function hostPools(runningConfig: string): HostPool[] {
  const pools: HostPool[] = [];
  let current: { name: string; ip?: IpAddress; mac?: Mac } | undefined;
  const flush = () => {
    if (current?.ip && current.mac) pools.push({ name: current.name, ip: current.ip, mac: current.mac });
    current = undefined;
  };
  for (const raw of runningConfig.replace(/\r/g, '').split('\n')) {
    const pool = /^ip dhcp pool (\S+)/.exec(raw);
    if (pool) {
      flush();
      current = { name: pool[1]! };
      continue;
    }
    if (!raw.startsWith(' ')) {
      flush();
      continue;
    }
    if (!current) continue;
    const host = /^ host (\S+)/.exec(raw);
    if (host) current.ip = tryParseIp(host[1]!);
    const cid = /^ client-identifier (\S+)/.exec(raw);
    if (cid) current.mac = clientIdToMac(cid[1]!);
    const hw = /^ hardware-address (\S+)/.exec(raw);
    if (hw) current.mac = tryParseMac(hw[1]!);
  }
  flush();
  return pools;
}

export class CiscoIosDhcpBackend implements DhcpBackend {
  readonly kind = 'cisco_ios' as const;
  readonly name: string;
  private readonly options: CiscoIosDhcpOptions;

  constructor(options: CiscoIosDhcpOptions) {
    this.name = options.name;
    this.options = options;
  }

  private lines(r: Reservation): { add: string[]; remove: string[] } {
    const pool = quarantineNames(r.mac).dhcpPool;
    const mask = prefixToMask(parseCidr(r.scope.subnet).prefix);
    return {
      add: renderLines(this.options.platform, 'dhcp_reservation_add', { pool, ip: r.ip, mask, mac: r.mac }),
      remove: renderLines(this.options.platform, 'dhcp_reservation_remove', { pool }),
    };
  }

  previewAdd(r: Reservation): DhcpChange {
    const { add, remove } = this.lines(r);
    return { server: this.name, action: 'add', reservation: r, preview: add, device: { name: this.options.device, lines: add, undo: remove } };
  }

  previewRemove(r: Reservation): DhcpChange {
    const { add, remove } = this.lines(r);
    return {
      server: this.name,
      action: 'remove',
      reservation: r,
      preview: remove,
      device: { name: this.options.device, lines: remove, undo: add },
    };
  }

  async listReservations(scope: DhcpScope): Promise<Reservation[]> {
    const io = await this.options.io();
    const subnet = parseCidr(scope.subnet);
    return hostPools(await io.show('show running-config'))
      .filter((p) => cidrContains(subnet, p.ip))
      .map((p) => ({ mac: p.mac, ip: p.ip, scope, label: p.name }));
  }

  async listLeases(scope: DhcpScope): Promise<Lease[]> {
    const io = await this.options.io();
    const { parseShow } = await import('../devices/parsers/index.js');
    const subnet = parseCidr(scope.subnet);
    const parsed = parseShow('cisco_ios', 'show ip dhcp binding', await io.show('show ip dhcp binding'));
    const leases: Lease[] = [];
    for (const b of parsed.records as Array<{ ip: string; mac?: string | null; type?: string }>) {
      const ip = tryParseIp(b.ip);
      const mac = b.mac ? tryParseMac(b.mac) : undefined;
      if (ip && mac && cidrContains(subnet, ip)) leases.push({ ip, mac, ...(b.type ? { state: b.type } : {}) });
    }
    return leases;
  }

  async leaseForMac(mac: Mac, scope: DhcpScope): Promise<Lease | undefined> {
    return (await this.listLeases(scope)).find((l) => l.mac === mac);
  }

  async addReservation(r: Reservation): Promise<DhcpChange> {
    const change = this.previewAdd(r);
    const existing = (await this.listReservations(r.scope)).find((x) => x.mac === r.mac && x.ip === r.ip);
    if (!existing) await (await this.options.io()).configure(change.device!.lines);
    return change;
  }

  async removeReservation(r: Reservation): Promise<DhcpChange> {
    const change = this.previewRemove(r);
    const existing = (await this.listReservations(r.scope)).find((x) => x.mac === r.mac);
    if (existing) await (await this.options.io()).configure(change.device!.lines);
    return change;
  }

  async close(): Promise<void> {}
}
