/**
 * `show ip dhcp binding [vrf X] [IP]` — the IOS DHCP server's leases.
 *
 * Old format: `IP  Client-ID/Hardware address/User name  Lease expiration  Type`;
 * IOS-XE 16/17 adds `State` and `Interface`. Headers may contain tabs; some captures have every
 * run of spaces collapsed to one, so rows are parsed by token shape, not by column. Long client-ids
 * wrap: the first part ends with `.` and the rest follows, indented, on the next lines.
 */
import { clientIdToMac, type Mac } from '../../../values/index.js';
import { contentLines, ip, mac, port, Warnings, type ParseResult } from '../common.js';

export interface DhcpBinding {
  ip: string;
  /** Client-ID / hardware address / user name as printed (wrapped parts joined). */
  clientId: string;
  /** From a `01`-prefixed (Ethernet) client-id or a hardware address; null otherwise. */
  mac: Mac | null;
  /** `Infinite` or the expiry as printed (`Feb 08 2022 11:11 AM`). */
  expires: string;
  /** `Automatic`, `Manual`, `Relay`, … */
  type: string;
  /** IOS-XE 16+: `Active`, `Selecting`, … */
  state?: string;
  /** IOS-XE 16+: canonical interface name. */
  interface?: string;
  /** VRF from the `Bindings from VRF pool X:` heading, when present. */
  vrf?: string;
}

const TYPES = 'Automatic|Manual|Relay|Static|Dynamic|Unknown|On-demand|Hardware';
const ROW = new RegExp(
  `^\\s*(?<ip>[\\d.]+|[0-9a-fA-F:]+)\\s+(?<cid>\\S+)\\s+(?<exp>\\S.*?)\\s+(?<type>${TYPES})(?:\\s+(?<state>[A-Za-z][\\w-]*))?(?:\\s+(?<intf>\\S+))?\\s*$`,
  'i',
);
const WRAP = /^\s+([0-9a-fA-F]{1,4}(?:\.[0-9a-fA-F]{1,4})*\.?)\s*$/;
const SKIP = [
  /^\s*Bindings from /i,
  /^\s*IP address\s+(?:Client-ID|Hardware address)/i,
  /^\s*Hardware address\/?\s*$/i,
  /^\s*User name\s*$/i,
];

function macOf(clientId: string): Mac | null {
  return clientIdToMac(clientId) ?? mac(clientId) ?? null;
}

export function parseDhcpBinding(text: string): ParseResult<DhcpBinding> {
  const records: DhcpBinding[] = [];
  const warnings = new Warnings();
  let vrf: string | undefined;
  let last: DhcpBinding | undefined;
  for (const line of contentLines(text)) {
    const heading = /^\s*Bindings from VRF pool (\S+?):?\s*$/i.exec(line.text);
    if (heading) vrf = heading[1];
    if (/^\s*Bindings from all pools not associated with VRF/i.test(line.text)) vrf = undefined;
    const m = ROW.exec(line.text);
    const address = m?.groups ? ip(m.groups.ip!) : undefined;
    if (m?.groups && address !== undefined) {
      const g = m.groups;
      const b: DhcpBinding = {
        ip: address,
        clientId: g.cid!,
        mac: null,
        expires: g.exp!.replace(/\s+/g, ' '),
        type: g.type!,
      };
      if (g.state) b.state = g.state;
      if (g.intf) b.interface = port(g.intf);
      if (vrf !== undefined) b.vrf = vrf;
      b.mac = macOf(b.clientId);
      records.push(b);
      last = b;
      continue;
    }
    const wrap = WRAP.exec(line.text);
    if (last && wrap && last.clientId.endsWith('.')) {
      last.clientId += wrap[1];
      last.mac = macOf(last.clientId);
      continue;
    }
    last = undefined;
    if (!SKIP.some((re) => re.test(line.text))) warnings.add(line, 'not a DHCP binding row');
  }
  return { records, warnings: warnings.list };
}
