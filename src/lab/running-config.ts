/**
 * `show running-config` in IOS's fixed order (global settings, DHCP, archive, interfaces, ACLs,
 * route-maps, lines), independent of the order lines were entered.
 */
import { formatIpAce, formatMacAce } from './acl.js';
import { sortedInterfaces, type DeviceConfig, type InterfaceConfig } from './model.js';

export interface RenderContext {
  readonly role: 'gateway' | 'access';
  readonly username: string;
}

export function interfaceBlock(i: InterfaceConfig): string[] {
  const out = [`interface ${i.name}`];
  if (i.description !== undefined) out.push(` description ${i.description}`);
  if (i.accessVlan !== undefined) out.push(` switchport access vlan ${i.accessVlan}`);
  if (i.trunkAllowed !== undefined) out.push(` switchport trunk allowed vlan ${i.trunkAllowed}`);
  if (i.switchportMode !== undefined) out.push(` switchport mode ${i.switchportMode}`);
  if (!i.l2) out.push(i.ipAddress ? ` ip address ${i.ipAddress.ip} ${i.ipAddress.mask}` : ' no ip address');
  if (i.ipAccessGroupIn !== undefined) out.push(` ip access-group ${i.ipAccessGroupIn} in`);
  if (i.ipAccessGroupOut !== undefined) out.push(` ip access-group ${i.ipAccessGroupOut} out`);
  if (i.macAccessGroupIn !== undefined) out.push(` mac access-group ${i.macAccessGroupIn} in`);
  if (i.ipPolicyRouteMap !== undefined) out.push(` ip policy route-map ${i.ipPolicyRouteMap}`);
  if (i.shutdown) out.push(' shutdown');
  if (i.portfast) out.push(' spanning-tree portfast');
  return out;
}

function dhcpLines(c: DeviceConfig): string[] {
  const out: string[] = [];
  for (const e of c.dhcpExcluded) out.push(`ip dhcp excluded-address ${e.from}${e.to ? ` ${e.to}` : ''}`);
  if (c.dhcpExcluded.length || c.dhcpPools.size) out.push('!');
  for (const p of c.dhcpPools.values()) {
    out.push(`ip dhcp pool ${p.name}`);
    if (p.host) out.push(` host ${p.host.ip} ${p.host.mask}`);
    if (p.clientIdentifier) out.push(` client-identifier ${p.clientIdentifier}`);
    if (p.hardwareAddress) out.push(` hardware-address ${p.hardwareAddress}`);
    if (p.network) out.push(` network ${p.network.ip} ${p.network.mask}`);
    if (p.defaultRouter.length) out.push(` default-router ${p.defaultRouter.join(' ')} `);
    if (p.dnsServer.length) out.push(` dns-server ${p.dnsServer.join(' ')} `);
    if (p.domainName) out.push(` domain-name ${p.domainName}`);
    if (p.lease) out.push(` lease ${p.lease}`);
    out.push('!');
  }
  return out;
}

function aclLines(c: DeviceConfig): string[] {
  const out: string[] = [];
  for (const acl of c.ipAcls.values()) {
    out.push(`ip access-list extended ${acl.name}`);
    for (const it of acl.items)
      out.push(it.kind === 'remark' ? ` remark ${it.text}` : ` ${formatIpAce(it.ace, true)}`);
  }
  if (c.ipAcls.size) out.push('!');
  for (const acl of c.macAcls.values()) {
    out.push(`mac access-list extended ${acl.name}`);
    for (const it of acl.items) out.push(` ${formatMacAce(it)}`);
  }
  if (c.macAcls.size) out.push('!');
  return out;
}

function routeMapLines(c: DeviceConfig): string[] {
  const out: string[] = [];
  for (const [name, entries] of c.routeMaps) {
    for (const e of [...entries].sort((x, y) => x.seq - y.seq)) {
      out.push(`route-map ${name} ${e.action} ${e.seq}`);
      if (e.description) out.push(` description ${e.description}`);
      if (e.matchIpAddress.length) out.push(` match ip address ${e.matchIpAddress.join(' ')}`);
      if (e.setNextHop.length) out.push(` set ip next-hop ${e.setNextHop.join(' ')}`);
      if (e.verifyAvailability) out.push(' set ip next-hop verify-availability');
      out.push('!');
    }
  }
  return out;
}

/** The configuration text (the part after `Current configuration : N bytes`). */
export function configBody(c: DeviceConfig, r: RenderContext): string[] {
  const out: string[] = ['!', 'version 15.2', 'no service pad', 'service timestamps debug datetime msec'];
  out.push('service timestamps log datetime msec', 'no service password-encryption', '!');
  out.push(`hostname ${c.hostname}`, '!', 'boot-start-marker', 'boot-end-marker', '!');
  out.push('enable secret 5 $1$lab0$Qm7hUu6b0W0yVqvS7Xx8d1', '!');
  out.push(`username ${r.username} privilege 15 secret 5 $1$lab1$2cTq3ZQ1l9wCwFq0cI6hN/`);
  out.push('no aaa new-model', 'switch 1 provision ws-c3750x-48p', 'system mtu routing 1500');
  if (r.role === 'access') out.push('ip dhcp snooping vlan 10', 'ip dhcp snooping');
  out.push(...dhcpLines(c));
  out.push('!', 'no ip domain-lookup', '!');
  if (c.archive) {
    out.push('archive');
    if (c.archive.path !== undefined) out.push(` path ${c.archive.path}`);
    if (c.archive.maximum !== undefined) out.push(` maximum ${c.archive.maximum}`);
    if (c.archive.writeMemory) out.push(' write-memory');
    if (c.archive.timePeriod !== undefined) out.push(` time-period ${c.archive.timePeriod}`);
    out.push('!');
  }
  out.push('spanning-tree mode rapid-pvst', 'spanning-tree extend system-id', '!');
  out.push('vlan internal allocation policy ascending', '!', '!');
  for (const i of sortedInterfaces(c)) out.push(...interfaceBlock(i), '!');
  out.push('ip forward-protocol nd', 'no ip http server', 'no ip http secure-server', '!');
  out.push(...aclLines(c));
  out.push(...routeMapLines(c));
  out.push('!', 'line con 0', 'line vty 0 4', ' login local', ' transport input ssh');
  out.push('line vty 5 15', ' login local', ' transport input ssh', '!', 'end');
  return out;
}

function withHeader(body: string[]): string {
  const text = body.join('\n') + '\n';
  return `Building configuration...\n\nCurrent configuration : ${Buffer.byteLength(text)} bytes\n${text}`;
}

export function renderRunningConfig(c: DeviceConfig, r: RenderContext): string {
  return withHeader(configBody(c, r));
}

export function renderInterfaceConfig(i: InterfaceConfig): string {
  return withHeader(['!', ...interfaceBlock(i), 'end']);
}
