/**
 * `show` output, laid out column for column like the real captures in shared/corpus/cisco_ios
 * (ARP, MAC table, ACLs, DHCP bindings, snooping, interfaces status, route-maps).
 */
import { interfaceShort, macToClientId, macToIos, type InterfaceName } from '../values/index.js';
import { formatIpAce, formatMacAce } from './acl.js';
import { sortedInterfaces, type DeviceConfig, type IpAcl, type MacAcl } from './model.js';
import { ipToInt } from './world.js';

export interface ArpEntry {
  ip: string;
  /** Minutes, or undefined for the device's own address (`-`). */
  ageMin: number | undefined;
  mac: string;
  iface: string;
}

export function showIpArp(entries: ArpEntry[]): string[] {
  const out = ['Protocol  Address          Age (min)  Hardware Addr   Type   Interface'];
  for (const e of [...entries].sort((x, y) => ipToInt(x.ip) - ipToInt(y.ip))) {
    const age = e.ageMin === undefined ? '-' : String(e.ageMin);
    out.push(
      `Internet  ${e.ip.padEnd(17)}${age.padStart(8)}   ${macToIos(e.mac as never)}  ARPA   ${e.iface}`,
    );
  }
  return out;
}

export interface MacEntry {
  vlan: number | 'All';
  mac: string;
  type: 'DYNAMIC' | 'STATIC';
  port: string;
}

export function macRow(e: MacEntry): string {
  return `${String(e.vlan).padStart(4)}    ${e.mac.padEnd(14)}    ${e.type.padEnd(8)}    ${e.port}`;
}

export function showMacTable(entries: MacEntry[]): string[] {
  const out = ['          Mac Address Table', '-------------------------------------------', ''];
  out.push('Vlan    Mac Address       Type        Ports', '----    -----------       --------    -----');
  const sorted = [...entries].sort((x, y) => {
    const vx = x.vlan === 'All' ? -1 : x.vlan;
    const vy = y.vlan === 'All' ? -1 : y.vlan;
    return vx - vy || x.mac.localeCompare(y.mac);
  });
  for (const e of sorted) out.push(macRow(e));
  out.push(`Total Mac Addresses for this criterion: ${entries.length}`);
  return out;
}

export const CPU_MACS = [
  '0100.0ccc.cccc',
  '0100.0ccc.cccd',
  '0180.c200.0000',
  '0180.c200.0002',
  'ffff.ffff.ffff',
];

function ipAclLines(acl: IpAcl): string[] {
  const out = [`Extended IP access list ${acl.name}`];
  for (const it of acl.items) if (it.kind === 'ace') out.push(`    ${it.seq} ${formatIpAce(it.ace)}`);
  return out;
}

function macAclLines(acl: MacAcl): string[] {
  // The one real capture has a trailing space after the name.
  return [`Extended MAC access list ${acl.name} `, ...acl.items.map((a) => `    ${formatMacAce(a)}`)];
}

export function showIpAccessLists(c: DeviceConfig, name?: string): string[] {
  const acls = [...c.ipAcls.values()].filter((a) => name === undefined || a.name === name);
  return acls.flatMap(ipAclLines);
}

export function showAccessLists(c: DeviceConfig, name?: string): string[] {
  const ip = [...c.ipAcls.values()].filter((a) => name === undefined || a.name === name).flatMap(ipAclLines);
  const mac = [...c.macAcls.values()]
    .filter((a) => name === undefined || a.name === name)
    .flatMap(macAclLines);
  return [...ip, ...mac];
}

export interface BindingRow {
  ip: string;
  id: string;
  expires: number | 'Infinite';
  type: 'Automatic' | 'Manual';
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Feb 08 2022 11:11 AM` (UTC). */
export function leaseTime(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const h12 = h % 12 === 0 ? 12 : h % 12;
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${d.getUTCFullYear()} ${p2(h12)}:${p2(d.getUTCMinutes())} ${h < 12 ? 'AM' : 'PM'}`;
}

/** Classic IOS layout (four columns), as in the ntc-templates capture. */
export function showIpDhcpBinding(rows: BindingRow[]): string[] {
  const out = [
    'Bindings from all pools not associated with VRF:',
    'IP address          Client-ID/              Lease expiration        Type',
    '                    Hardware address/',
    '                    User name',
  ];
  for (const r of [...rows].sort((x, y) => ipToInt(x.ip) - ipToInt(y.ip))) {
    const exp = r.expires === 'Infinite' ? 'Infinite' : leaseTime(r.expires);
    out.push(`${r.ip.padEnd(20)}${r.id.padEnd(24)}${exp.padEnd(24)}${r.type}`);
  }
  return out;
}

export function clientIdOf(mac: string): string {
  return macToClientId(mac as never);
}

export interface SnoopRow {
  mac: string;
  ip: string;
  leaseSec: number;
  vlan: number;
  iface: string;
}

export function showSnoopingBinding(rows: SnoopRow[]): string[] {
  const out = [
    'MacAddress          IpAddress        Lease(sec)  Type           VLAN  Interface',
    '------------------  ---------------  ----------  -------------  ----  --------------------',
  ];
  for (const r of rows) {
    const mac = r.mac.toUpperCase();
    out.push(
      `${mac.padEnd(20)}${r.ip.padEnd(17)}${String(r.leaseSec).padEnd(12)}${'dhcp-snooping'.padEnd(16)}${String(r.vlan).padEnd(6)}${r.iface}`,
    );
  }
  out.push(`Total number of bindings: ${rows.length}`);
  return out;
}

export function statusRow(
  port: string,
  name: string,
  status: string,
  vlan: string,
  duplex: string,
  speed: string,
  type: string,
): string {
  return `${port.padEnd(10)}${name.slice(0, 18).padEnd(19)}${status.padEnd(13)}${vlan.padEnd(11)}${duplex.padStart(6)} ${speed.padStart(6)} ${type}`;
}

export function showInterfacesStatus(c: DeviceConfig, connected: (name: string) => boolean): string[] {
  const out = ['Port      Name               Status       Vlan       Duplex  Speed Type'];
  for (const i of sortedInterfaces(c)) {
    if (!i.l2) continue;
    const status = i.shutdown ? 'disabled' : connected(i.name) ? 'connected' : 'notconnect';
    const vlan = i.switchportMode === 'trunk' ? 'trunk' : String(i.accessVlan ?? 1);
    const up = status === 'connected';
    out.push(
      statusRow(
        interfaceShort(i.name as InterfaceName),
        i.description ?? '',
        status,
        vlan,
        up ? 'a-full' : 'auto',
        up ? 'a-1000' : 'auto',
        '10/100/1000BaseTX',
      ),
    );
  }
  return out;
}

export function showInterfacesTrunk(c: DeviceConfig, vlans: string): string[] {
  const trunks = sortedInterfaces(c).filter((i) => i.l2 && i.switchportMode === 'trunk' && !i.shutdown);
  if (trunks.length === 0) return [];
  const s = (i: { name: string }): string => interfaceShort(i.name as InterfaceName).padEnd(12);
  const out = ['', 'Port        Mode             Encapsulation  Status        Native vlan'];
  for (const t of trunks) out.push(`${s(t)}on               802.1q         trunking      1`);
  out.push('', 'Port        Vlans allowed on trunk');
  for (const t of trunks) out.push(`${s(t)}${t.trunkAllowed ?? '1-4094'}`);
  out.push('', 'Port        Vlans allowed and active in management domain');
  for (const t of trunks) out.push(`${s(t)}${vlans}`);
  out.push('', 'Port        Vlans in spanning tree forwarding state and not pruned');
  for (const t of trunks) out.push(`${s(t)}${vlans}`);
  return out;
}

export function showRouteMap(c: DeviceConfig, name?: string): string[] {
  const out: string[] = [];
  for (const [n, entries] of c.routeMaps) {
    if (name !== undefined && n !== name) continue;
    for (const e of [...entries].sort((x, y) => x.seq - y.seq)) {
      out.push(`route-map ${n}, ${e.action}, sequence ${e.seq}`);
      if (e.description) out.push(`  description ${e.description}`);
      out.push('  Match clauses:');
      if (e.matchIpAddress.length) out.push(`    ip address (access-lists): ${e.matchIpAddress.join(' ')} `);
      out.push('  Set clauses:');
      if (e.setNextHop.length) out.push(`    ip next-hop ${e.setNextHop.join(' ')}`);
      if (e.verifyAvailability) out.push('    ip next-hop verify-availability');
      out.push('  Policy routing matches: 0 packets, 0 bytes');
    }
  }
  return out;
}

export function showIpInterfaceBrief(c: DeviceConfig, connected: (name: string) => boolean): string[] {
  const out = ['Interface              IP-Address      OK? Method Status                Protocol'];
  for (const i of sortedInterfaces(c)) {
    const up = !i.shutdown && connected(i.name);
    const status = i.shutdown ? 'administratively down' : up ? 'up' : 'down';
    out.push(
      `${i.name.padEnd(23)}${(i.ipAddress?.ip ?? 'unassigned').padEnd(16)}YES ${(i.ipAddress ? 'NVRAM' : 'unset').padEnd(7)}${status.padEnd(22)}${up ? 'up' : 'down'}`,
    );
  }
  return out;
}

export function showVersion(hostname: string, uptimeMin: number, model: string): string[] {
  const h = Math.floor(uptimeMin / 60);
  const m = uptimeMin % 60;
  const uptime =
    h > 0
      ? `${h} hour${h === 1 ? '' : 's'}, ${m} minute${m === 1 ? '' : 's'}`
      : `${m} minute${m === 1 ? '' : 's'}`;
  return [
    'Cisco IOS Software, C3750E Software (C3750E-UNIVERSALK9-M), Version 15.2(4)E10, RELEASE SOFTWARE (fc2)',
    'Technical Support: http://www.cisco.com/techsupport',
    'Copyright (c) 1986-2020 by Cisco Systems, Inc.',
    'Compiled Tue 31-Mar-20 05:05 by prod_rel_team',
    '',
    'ROM: Bootstrap program is C3750E boot loader',
    'BOOTLDR: C3750E Boot Loader (C3750X-HBOOT-M) Version 15.2(3r)E, RELEASE SOFTWARE (fc1)',
    '',
    `${hostname} uptime is ${uptime}`,
    'System returned to ROM by power-on',
    'System image file is "flash:/c3750e-universalk9-mz.152-4.E10.bin"',
    '',
    `cisco ${model} (PowerPC405) processor (revision W0) with 262144K bytes of memory.`,
    'Processor board ID LAB0000X001',
    'Last reset from power-on',
    '',
    'highalert lab simulator: this is not a real device.',
    '',
    'Configuration register is 0xF',
  ];
}

export function showArchive(archive: DeviceConfig['archive'], saved: string[], next: string): string[] {
  if (!archive?.path) return [' Archive feature not enabled'];
  const max = archive.maximum ?? 10;
  const out = [
    `The maximum archive configurations allowed is ${max}.`,
    `There are currently ${saved.length} archive configurations saved.`,
    `The next archive file will be named ${next}`,
    ' Archive #  Name',
  ];
  for (let i = 0; i < max; i++) {
    const name = saved[i] ?? '';
    const mark = i === saved.length - 1 ? ' <- Most Recent' : '';
    out.push(`   ${String(i + 1).padEnd(8)}${name}${mark}`);
  }
  return out;
}
