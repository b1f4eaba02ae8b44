/**
 * Target → MAC → access switch + port → user, with the evidence: which source said what.
 * Inventory users first; otherwise the network: ARP on the gateway for an IP, the MAC tables of
 * the access switches for a MAC (never a trunk, uplink or protected port).
 */
import type { ArpEntry } from '../devices/parsers/cisco_ios/arp.js';
import { showParsed, type ShowPort } from '../devices/show.js';
import { PolicyError, ValidationError } from '../errors.js';
import type { ResolvedDevice, ResolvedInventory, ResolvedUser, ResolvedVlan } from '../inventory/types.js';
import type { Evidence } from '../model/plan.js';
import { parseInterface, sameInterface, tryParseInterface, type InterfaceName } from '../values/interface.js';
import { tryParseIp, type IpAddress } from '../values/ip.js';
import { macToIos, type Mac } from '../values/mac.js';
import type { Target } from './target.js';

export interface Located {
  readonly mac: Mac;
  readonly user: ResolvedUser | undefined;
  readonly ip: IpAddress | null;
  readonly vlan: ResolvedVlan;
  readonly switch: ResolvedDevice;
  readonly port: InterfaceName;
  /** Other MACs learned on the same port (an IP phone, a small switch). */
  readonly otherMacs: Mac[];
  readonly evidence: Evidence[];
}

async function arpFor(
  inv: ResolvedInventory,
  net: ShowPort,
  vlan: ResolvedVlan,
  query: { ip?: IpAddress; mac?: Mac },
  evidence: Evidence[],
): Promise<ArpEntry | undefined> {
  const gw = inv.device(vlan.gateway.device)!;
  const command = query.ip ? `show ip arp ${query.ip}` : 'show ip arp';
  const rows: ArpEntry[] = await showParsed(net, gw, 'show ip arp', command);
  const hit = rows.find((r) => (query.ip ? r.ip === query.ip : r.mac === query.mac) && r.mac !== null);
  evidence.push({
    source: gw.name,
    query: command,
    said: hit
      ? `${hit.ip} is at ${hit.mac} on ${hit.interface ?? '?'}`
      : `no ARP entry for ${query.ip ?? query.mac}`,
  });
  return hit;
}

function vlanOf(
  inv: ResolvedInventory,
  sw: ResolvedDevice,
  vlanId: number | null,
  ip: IpAddress | null,
): ResolvedVlan {
  const candidates = inv.vlansForSwitch(sw.name);
  const byIp = ip ? inv.vlanForIp(ip) : undefined;
  const vlan =
    candidates.find((v) => v.id === vlanId) ??
    (byIp && candidates.includes(byIp) ? byIp : undefined) ??
    (candidates.length === 1 ? candidates[0] : undefined);
  if (!vlan) {
    throw new ValidationError(
      `cannot tell which site/VLAN ${sw.name} serves for this device (VLAN ${vlanId ?? 'unknown'})`,
      {
        code: 'E_NO_VLAN',
        suggestions: [`List ${sw.name} under access_switches of the VLAN in the inventory.`],
      },
    );
  }
  return vlan;
}

/** Finds the access port where the MAC is learned, skipping trunks, uplinks and protected ports. */
async function findPort(
  inv: ResolvedInventory,
  net: ShowPort,
  mac: Mac,
  evidence: Evidence[],
): Promise<{ sw: ResolvedDevice; port: InterfaceName; vlan: number | null }> {
  const command = `show mac address-table address ${macToIos(mac)}`;
  const switches = inv.devices.filter((d) => d.roles.includes('access'));
  const found: Array<{ sw: ResolvedDevice; port: InterfaceName; vlan: number | null }> = [];
  await Promise.all(
    switches.map(async (sw) => {
      const rows = (await showParsed(net, sw, 'show mac address-table', command)).filter(
        (r) => r.mac === mac,
      );
      for (const row of rows) {
        for (const p of row.ports) {
          const port = tryParseInterface(p);
          if (!port) continue;
          const skip = inv.isProtectedPort(sw.name, port) || port.startsWith('Port-channel');
          evidence.push({
            source: sw.name,
            query: command,
            said: `${mac} on ${port} VLAN ${row.vlan ?? '?'}${skip ? ' (uplink/protected: ignored)' : ''}`,
          });
          if (!skip) found.push({ sw, port, vlan: typeof row.vlan === 'number' ? row.vlan : null });
        }
      }
    }),
  );
  if (found.length === 0) {
    throw new ValidationError(`${mac} is not learned on any access port of the inventory's access switches`, {
      code: 'E_NOT_FOUND',
      suggestions: [
        'Is the device connected? Give its switch and port under users: in the inventory, or try again when it is active.',
      ],
      details: { evidence },
    });
  }
  if (found.length > 1) {
    throw new ValidationError(
      `${mac} is learned on ${found.length} access ports: ${found.map((f) => `${f.sw.name} ${f.port}`).join(', ')}`,
      {
        code: 'E_AMBIGUOUS_LOCATION',
        suggestions: [
          'A MAC flapping between access ports needs a look first; pin the port under users: in the inventory.',
        ],
      },
    );
  }
  return found[0]!;
}

export async function correlate(inv: ResolvedInventory, net: ShowPort, target: Target): Promise<Located> {
  const evidence: Evidence[] = [];
  let mac: Mac;
  let ip: IpAddress | null = null;
  if (target.kind === 'user') {
    const user = inv.userById(target.user)!;
    if (user.macs.length !== 1) {
      throw new ValidationError(`user ${user.id} has ${user.macs.length} devices: ${user.macs.join(', ')}`, {
        code: 'E_AMBIGUOUS_TARGET',
        suggestions: ['Quarantine one device at a time: give its MAC as the target.'],
      });
    }
    mac = user.macs[0]!;
    evidence.push({ source: 'inventory', said: `user ${user.id} has device ${mac}` });
  } else if (target.kind === 'ip') {
    ip = target.ip;
    if (inv.isProtectedIp(ip)) {
      throw new PolicyError(
        'E_PROTECTED',
        `${ip} is infrastructure or on the protected list and is never quarantined`,
      );
    }
    const vlan = inv.vlanForIp(ip);
    if (!vlan) {
      throw new ValidationError(`${ip} is in none of the inventory's site subnets`, { code: 'E_NOT_FOUND' });
    }
    const hit = await arpFor(inv, net, vlan, { ip }, evidence);
    if (!hit?.mac) {
      throw new ValidationError(`no device answers at ${ip} (no ARP entry on ${vlan.gateway.device})`, {
        code: 'E_NOT_FOUND',
        suggestions: ['Give the MAC address instead, if the event names it.'],
        details: { evidence },
      });
    }
    mac = hit.mac;
  } else {
    mac = target.mac;
  }
  if (inv.isProtectedMac(mac)) {
    throw new PolicyError('E_PROTECTED', `${mac} is on the protected list and is never quarantined`, {
      suggestions: ['Remove it from protected.macs in the inventory if that is wrong.'],
    });
  }
  const user = inv.userByMac(mac);
  let located: { sw: ResolvedDevice; port: InterfaceName; vlan: number | null };
  if (user?.switch && user.port) {
    located = { sw: inv.device(user.switch)!, port: parseInterface(user.port), vlan: null };
    evidence.push({ source: 'inventory', said: `user ${user.id}: ${mac} on ${user.switch} ${user.port}` });
  } else {
    located = await findPort(inv, net, mac, evidence);
  }
  const vlan = vlanOf(inv, located.sw, located.vlan, ip);
  if (!ip) {
    const hit = await arpFor(inv, net, vlan, { mac }, evidence);
    ip = hit ? (tryParseIp(hit.ip) ?? null) : null;
  }
  if (ip && inv.isProtectedIp(ip)) {
    throw new PolicyError(
      'E_PROTECTED',
      `${ip} is infrastructure or on the protected list and is never quarantined`,
    );
  }
  if (inv.isProtectedPort(located.sw.name, located.port)) {
    throw new PolicyError(
      'E_PROTECTED_PORT',
      `${located.sw.name} ${located.port} is a protected port (uplink/trunk)`,
    );
  }
  const command = `show mac address-table interface ${located.port}`;
  const rows = await showParsed(net, located.sw, 'show mac address-table', command);
  const otherMacs = [
    ...new Set(
      rows
        .filter((r) => r.mac !== mac && r.ports.some((p) => sameInterface(p, located.port)))
        .map((r) => r.mac),
    ),
  ];
  if (otherMacs.length)
    evidence.push({
      source: located.sw.name,
      query: command,
      said: `also on ${located.port}: ${otherMacs.join(', ')}`,
    });
  return { mac, user, ip, vlan, switch: located.sw, port: located.port, otherMacs, evidence };
}
