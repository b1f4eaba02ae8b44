/**
 * The structured configuration of one simulated device. The running config is rendered from this
 * in IOS's fixed order; config lines are applied to it by the interpreter.
 */
import type { IpAce, MacAce } from './acl.js';

export interface InterfaceConfig {
  readonly name: string;
  description?: string;
  switchportMode?: 'access' | 'trunk';
  accessVlan?: number;
  trunkAllowed?: string;
  /** True for switch ports (Layer 2); SVIs and loopbacks are Layer 3. */
  readonly l2: boolean;
  shutdown: boolean;
  ipAddress?: { ip: string; mask: string };
  ipAccessGroupIn?: string;
  ipAccessGroupOut?: string;
  macAccessGroupIn?: string;
  ipPolicyRouteMap?: string;
  portfast?: boolean;
}

export type IpAclItem = { kind: 'remark'; text: string } | { kind: 'ace'; seq: number; ace: IpAce };

export interface IpAcl {
  readonly name: string;
  items: IpAclItem[];
}

export interface MacAcl {
  readonly name: string;
  items: MacAce[];
}

export interface RouteMapEntry {
  action: 'permit' | 'deny';
  readonly seq: number;
  description?: string;
  matchIpAddress: string[];
  setNextHop: string[];
  verifyAvailability: boolean;
}

export interface DhcpPool {
  readonly name: string;
  network?: { ip: string; mask: string };
  defaultRouter: string[];
  dnsServer: string[];
  domainName?: string;
  host?: { ip: string; mask: string };
  hardwareAddress?: string;
  clientIdentifier?: string;
  lease?: string;
}

export interface ArchiveConfig {
  path?: string;
  writeMemory: boolean;
  maximum?: number;
  timePeriod?: number;
}

export interface DeviceConfig {
  hostname: string;
  /** Keyed by canonical long name; kept in IOS order by {@link interfaceOrder}. */
  interfaces: Map<string, InterfaceConfig>;
  ipAcls: Map<string, IpAcl>;
  macAcls: Map<string, MacAcl>;
  routeMaps: Map<string, RouteMapEntry[]>;
  dhcpPools: Map<string, DhcpPool>;
  dhcpExcluded: Array<{ from: string; to?: string }>;
  archive?: ArchiveConfig;
}

export function cloneConfig(c: DeviceConfig): DeviceConfig {
  return structuredClone(c);
}

const TYPE_ORDER = [
  'Loopback',
  'Tunnel',
  'Port-channel',
  'FastEthernet',
  'GigabitEthernet',
  'TenGigabitEthernet',
  'Vlan',
];

function typeRank(name: string): number {
  const t = /^[A-Za-z-]+/.exec(name)?.[0] ?? '';
  const r = TYPE_ORDER.indexOf(t);
  return r < 0 ? TYPE_ORDER.length : r;
}

function numbers(name: string): number[] {
  return (name.match(/\d+/g) ?? []).map(Number);
}

/** IOS order: by type (loopbacks, port-channels, physical ports, SVIs), then numerically. */
export function interfaceOrder(a: string, b: string): number {
  const r = typeRank(a) - typeRank(b);
  if (r !== 0) return r;
  const x = numbers(a);
  const y = numbers(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? -1) - (y[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

export function sortedInterfaces(c: DeviceConfig): InterfaceConfig[] {
  return [...c.interfaces.values()].sort((p, q) => interfaceOrder(p.name, q.name));
}

export function lastSeq(acl: IpAcl): number {
  let m = 0;
  for (const it of acl.items) if (it.kind === 'ace') m = Math.max(m, it.seq);
  return m;
}
