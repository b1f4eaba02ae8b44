/**
 * `show ip arp` / `show arp` (IOS, IOS-XE) and NX-OS `show ip arp [vrf X]`.
 *
 * IOS:   `Internet  10.1.8.1   79   0012.7fff.04d7  ARPA   FastEthernet0`
 * NX-OS: `10.2.4.4  00:13:42  5e00.00ff.030a  Ethernet1/1  [flags]`
 */
import type { Mac } from '../../../values/index.js';
import { contentLines, ip, mac, port, tokens, Warnings, type ParseResult } from '../common.js';

export interface ArpEntry {
  /** `Internet` on IOS; `Internet` is assumed for NX-OS rows. */
  protocol: string;
  ip: string;
  /**
   * Age in minutes; null for `-` (the router's own address, or static). NX-OS `hh:mm:ss` and
   * fractional seconds are floored to minutes.
   */
  ageMin: number | null;
  /** Age as printed (`-`, `79`, `00:13:42`). */
  age: string;
  /** Canonical MAC; null for `Incomplete`. */
  mac: Mac | null;
  /** `ARPA`, `802.1Q`, `SNAP`, …; empty on NX-OS. */
  type: string;
  /** Canonical long interface name; null when the row has none (global static entries, incomplete). */
  interface: string | null;
  /** NX-OS flags column (`*`, `+`, `#`, `D`). */
  flags?: string;
  /** NX-OS `show ip arp detail`: the physical port behind the (SVI / port-channel) interface. */
  physicalInterface?: string | null;
  /** NX-OS `show ip arp detail vrf all`: VRF name column. */
  vrf?: string;
}

const IOS_ROW =
  /^\s*(?<protocol>Internet|IPv4|AppleTalk|\w+)\s+(?<ip>\d+\.\d+\.\d+\.\d+)\s+(?<age>\d+|-)\s+(?<mac>\S+)\s+(?<type>[\w.-]+)(?:\s+(?<intf>\S+))?\s*$/;
const NXOS_ROW =
  /^\s*(?<ip>\d+\.\d+\.\d+\.\d+)\s+(?<age>\d+:\d+:\d+|-|\d+(?:\.\d+)?)\s+(?<mac>\S+)\s+(?<intf>\S+)(?:\s+(?<flags>\S+))?\s*$/;
const SKIP = [
  /^\s*Protocol\s+Address\s+Age/i,
  /^\s*Address\s+Age\s+MAC Address/i,
  /^\s*Flags:/,
  /^\s*(?:[*+#D]|CP|PS|RO) - /,
  /^\s*IP ARP Table/i,
  /^\s*Total number of entries/i,
];

function ageMinutes(age: string): number | null {
  if (/^\d+$/.test(age)) return Number(age);
  const hms = /^(\d+):(\d+):(\d+)$/.exec(age);
  if (hms) return Number(hms[1]) * 60 + Number(hms[2]);
  // some NX-OS releases print fractional seconds (`0.106174`)
  return /^\d+\.\d+$/.test(age) ? Math.floor(Number(age) / 60) : null;
}

/** NX-OS detail row: ip age mac interface physical [flags…] [vrf]. */
function detailRow(t: string[], hasVrf: boolean): ArpEntry | undefined {
  const [ipText = '', age = '', macText = '', intf = '', phys = ''] = t;
  const address = ip(ipText);
  const hw = /^incomplete$/i.test(macText) ? null : mac(macText);
  if (
    t.length < 5 ||
    address === undefined ||
    hw === undefined ||
    !/^(?:\d+:\d+:\d+|-|\d+(?:\.\d+)?)$/.test(age)
  )
    return undefined;
  const rest = t.slice(5);
  const vrf = hasVrf ? rest.pop() : undefined;
  const entry: ArpEntry = {
    protocol: 'Internet',
    ip: address,
    ageMin: ageMinutes(age),
    age,
    mac: hw,
    type: '',
    interface: intf === '-' ? null : port(intf),
    physicalInterface: phys === '-' ? null : port(phys),
  };
  if (rest.length) entry.flags = rest.join(' ');
  if (vrf !== undefined) entry.vrf = vrf;
  return entry;
}

export function parseArp(text: string): ParseResult<ArpEntry> {
  const records: ArpEntry[] = [];
  const warnings = new Warnings();
  let detail: { vrf: boolean } | undefined;
  for (const line of contentLines(text)) {
    if (/^\s*Address\s+Age\s+MAC Address\s+Interface\s+Physical Interface/i.test(line.text)) {
      detail = { vrf: /VRF Name/i.test(line.text) };
      continue;
    }
    if (detail) {
      const entry = detailRow(tokens(line.text), detail.vrf);
      if (entry) {
        records.push(entry);
        continue;
      }
    }
    const m = IOS_ROW.exec(line.text) ?? NXOS_ROW.exec(line.text);
    const g = m?.groups;
    const address = g ? ip(g.ip!) : undefined;
    const hw = g ? (/^incomplete$/i.test(g.mac!) ? null : mac(g.mac!)) : undefined;
    if (!g || address === undefined || hw === undefined) {
      if (!SKIP.some((re) => re.test(line.text))) warnings.add(line, 'not an ARP table row');
      continue;
    }
    const nxos = g.protocol === undefined;
    const entry: ArpEntry = {
      protocol: g.protocol ?? 'Internet',
      ip: address,
      ageMin: ageMinutes(g.age!),
      age: g.age!,
      mac: hw,
      type: g.type ?? '',
      interface: g.intf ? port(g.intf) : null,
    };
    if (nxos && g.flags) entry.flags = g.flags;
    if (nxos && tokens(line.text).length > 5) warnings.add(line, 'unexpected extra columns');
    records.push(entry);
  }
  return { records, warnings: warnings.list };
}
