/**
 * The IOS DHCP server as a reservation backend: one manual-binding host pool per reserved MAC
 * (`ip dhcp pool HA-<mac>` / `host` / `client-identifier 01…`), on a device reached through the
 * device layer. Its changes are device config, so the plan sends them like any other config.
 */
import type { DhcpBackend, DhcpChange, DhcpScope, Lease, Reservation } from './backend.js';
import { parseShowAs, type ParserPlatform } from '../devices/parsers/index.js';
import { quarantineNames } from '../plan/names.js';
import { renderLines } from '../render/templates.js';
import { cidrContains, parseCidr, prefixToMask, tryParseIp } from '../values/ip.js';
import type { Mac } from '../values/mac.js';

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

export class CiscoIosDhcpBackend implements DhcpBackend {
  readonly kind = 'cisco_ios' as const;
  readonly name: string;
  private readonly options: CiscoIosDhcpOptions;
  private readonly platform: ParserPlatform;

  constructor(options: CiscoIosDhcpOptions) {
    this.name = options.name;
    this.options = options;
    this.platform = options.platform as ParserPlatform;
  }

  private lines(r: Reservation): { add: string[]; remove: string[] } {
    const pool = quarantineNames(r.mac).dhcpPool;
    const subnet = parseCidr(r.scope.subnet);
    const mask = prefixToMask(subnet.prefix);
    const previous = r.replacesLease && cidrContains(subnet, r.replacesLease) ? r.replacesLease : null;
    return {
      add: renderLines(this.options.platform, 'dhcp_reservation_add', {
        pool,
        ip: r.ip,
        mask,
        mac: r.mac,
        previous_ip: previous,
      }),
      remove: renderLines(this.options.platform, 'dhcp_reservation_remove', { pool }),
    };
  }

  previewAdd(r: Reservation): DhcpChange {
    const { add, remove } = this.lines(r);
    return {
      server: this.name,
      action: 'add',
      reservation: r,
      preview: add,
      device: { name: this.options.device, lines: add, undo: remove },
    };
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
    const command = 'show running-config';
    const [config] = parseShowAs(this.platform, command, command, await io.show(command)).records;
    const reservations: Reservation[] = [];
    for (const pool of config?.dhcpPools ?? []) {
      const ip = pool.host ? tryParseIp(pool.host.address) : undefined;
      if (ip && pool.mac && cidrContains(subnet, ip))
        reservations.push({ mac: pool.mac, ip, scope, label: pool.name });
    }
    return reservations;
  }

  async listLeases(scope: DhcpScope): Promise<Lease[]> {
    const io = await this.options.io();
    const subnet = parseCidr(scope.subnet);
    const command = 'show ip dhcp binding';
    const parsed = parseShowAs(this.platform, command, command, await io.show(command));
    const leases: Lease[] = [];
    for (const b of parsed.records) {
      const ip = tryParseIp(b.ip);
      if (ip && b.mac && cidrContains(subnet, ip))
        leases.push({ ip, mac: b.mac, ...(b.type ? { state: b.type } : {}) });
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
