/**
 * The lab's little network: end hosts on access ports, their addresses and leases, and the DHCP
 * decision made when a port comes back up (outside hook, or the gateway's `ip dhcp pool`s).
 */
import { macToClientId, macToIos, type Mac } from '../values/index.js';
import { aclPermits, type IpAce } from './acl.js';
import type { DeviceConfig, DhcpPool } from './model.js';

export interface Lease {
  type: 'automatic' | 'manual' | 'external';
  ip: string;
  /** ms since epoch. */
  expires: number;
}

export interface HostState {
  readonly mac: Mac;
  readonly switch: string;
  readonly port: string;
  readonly vlan: number;
  /** Current address (undefined while the host has none). */
  ip: string | undefined;
  /** The lease the gateway's DHCP server (or the outside source) gave. */
  lease: Lease | undefined;
  /** Whether the switch's DHCP snooping saw the host's lease (cleared on link down). */
  snooped: boolean;
  /** When the host was last (re)connected: drives ARP age and snooping lease time. */
  since: number;
}

export type DhcpHook = (ev: {
  switch: string;
  port: string;
  mac: string;
  event: 'down' | 'up';
}) => Promise<string | undefined> | void;

export const LEASE_MS = 24 * 3600 * 1000;

export function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, o) => ((acc << 8) | Number(o)) >>> 0, 0);
}
export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

export function maskToPrefix(mask: string): number {
  const n = ipToInt(mask);
  let p = 0;
  while (p < 32 && n & (0x80000000 >>> p)) p++;
  return p;
}

export function prefixMask(prefix: number): string {
  return intToIp(prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);
}

/** The classful ("natural") mask IOS uses for `host A` without a mask. */
export function naturalMask(ip: string): string {
  const first = Number(ip.split('.')[0]);
  if (first < 128) return '255.0.0.0';
  if (first < 192) return '255.255.0.0';
  return '255.255.255.0';
}

function inNetwork(ip: string, net: { ip: string; mask: string }): boolean {
  const m = ipToInt(net.mask);
  return (ipToInt(ip) & m) >>> 0 === (ipToInt(net.ip) & m) >>> 0;
}

/** The host pool (manual binding) that names this MAC, if any. */
export function manualPoolFor(pools: Iterable<DhcpPool>, mac: Mac): DhcpPool | undefined {
  const hw = macToIos(mac);
  const cid = macToClientId(mac);
  for (const p of pools) {
    if (!p.host) continue;
    if (p.hardwareAddress?.toLowerCase() === hw || p.clientIdentifier?.toLowerCase() === cid) return p;
  }
  return undefined;
}

function excluded(cfg: DeviceConfig, ip: string): boolean {
  const n = ipToInt(ip);
  return cfg.dhcpExcluded.some((e) => n >= ipToInt(e.from) && n <= ipToInt(e.to ?? e.from));
}

/**
 * What the gateway's IOS DHCP server hands `host`: its manual binding if one matches; else its
 * current address when that is still in a network pool, not excluded, not another client's manual
 * binding and not in use; else the next free address of the pool. Undefined when nothing is free.
 */
export function iosDhcpOffer(
  cfg: DeviceConfig,
  hosts: HostState[],
  host: HostState,
  gatewayIps: string[],
): Lease | undefined {
  const expires = Date.now() + LEASE_MS;
  const manual = manualPoolFor(cfg.dhcpPools.values(), host.mac);
  if (manual?.host) return { type: 'manual', ip: manual.host.ip, expires };
  const reserved = new Set<string>();
  for (const p of cfg.dhcpPools.values()) if (p.host && p !== manual) reserved.add(p.host.ip);
  const inUse = new Set<string>(gatewayIps);
  for (const h of hosts) {
    if (h === host) continue;
    if (h.ip) inUse.add(h.ip);
    if (h.lease && h.lease.type !== 'external') inUse.add(h.lease.ip);
  }
  const nets = [...cfg.dhcpPools.values()].filter((p) => p.network);
  const usable = (ip: string, net: { ip: string; mask: string }): boolean => {
    const n = ipToInt(ip);
    const base = ipToInt(net.ip) & ipToInt(net.mask);
    const bcast = (base | ~ipToInt(net.mask)) >>> 0;
    return n > base && n < bcast && !excluded(cfg, ip) && !reserved.has(ip) && !inUse.has(ip);
  };
  const current = host.ip;
  if (current) {
    const net = nets.find((p) => inNetwork(current, p.network!));
    if (net && usable(current, net.network!)) return { type: 'automatic', ip: current, expires };
  }
  const net = (current ? nets.find((p) => inNetwork(current, p.network!)) : undefined) ?? nets[0];
  if (!net?.network) return undefined;
  const base = (ipToInt(net.network.ip) & ipToInt(net.network.mask)) >>> 0;
  const bcast = (base | ~ipToInt(net.network.mask)) >>> 0;
  for (let n = base + 1; n < bcast; n++) {
    const ip = intToIp(n);
    if (usable(ip, net.network)) return { type: 'automatic', ip, expires };
  }
  return undefined;
}

/** Does the port's inbound IP ACL let `packet` through? No ACL, or an undefined one, forwards all. */
export function portAclPermits(
  cfg: DeviceConfig,
  port: string,
  packet: Parameters<typeof aclPermits>[1],
): boolean {
  const name = cfg.interfaces.get(port)?.ipAccessGroupIn;
  if (name === undefined) return true;
  const acl = cfg.ipAcls.get(name);
  if (!acl) return true;
  const aces: IpAce[] = acl.items.flatMap((i) => (i.kind === 'ace' ? [i.ace] : []));
  if (aces.length === 0) return true;
  return aclPermits(aces, packet);
}

/** A DHCPDISCOVER/REQUEST as the port ACL sees it. */
export function dhcpPacket(): Parameters<typeof aclPermits>[1] {
  return { protocol: 'udp', src: '0.0.0.0', sport: 68, dst: '255.255.255.255', dport: 67 };
}

/** Ordinary traffic from the host towards its gateway (what makes the gateway learn its ARP entry). */
export function trafficPacket(ip: string, gateway: string): Parameters<typeof aclPermits>[1] {
  return { protocol: 'tcp', src: ip, sport: 49152, dst: gateway, dport: 443 };
}
