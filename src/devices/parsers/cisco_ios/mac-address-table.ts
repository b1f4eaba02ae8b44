/**
 * `show mac address-table` (plain, `dynamic`, `address H.H.H`, `interface IF`, `vlan N`) and the old
 * `show mac-address-table` spelling, in every layout seen on IOS / IOS-XE / NX-OS:
 *
 * - 2960/3560/3850/9k: `Vlan  Mac Address  Type  Ports` (ports may continue on the next line)
 * - 4500/4948: `vlan mac address type protocols port` + `Multicast Entries` (comma-separated ports)
 * - 6500/6800/VSS: flags column (`*`, `R`, `#`…), `learn` and `age` columns, per-DFC tables
 * - 2950/old IOS: `Destination Address  Address Type  VLAN  Destination Port`
 * - NX-OS: `VLAN MAC Address Type age Secure NTFY Ports` with `G`/`*`/`+` flags
 */
import type { Mac } from '../../../values/index.js';
import { contentLines, mac, port, tokens, Warnings, type Line, type ParseResult } from '../common.js';

export interface MacTableEntry {
  /** VLAN number; `'all'` for `All` rows (CPU entries); null for `---`, `N/A`, `-`. */
  vlan: number | 'all' | null;
  mac: Mac;
  /** Lower case: `dynamic`, `static`, `system`, `secure`, … */
  type: string;
  /** Canonical long interface names; non-interface ports (`CPU`, `Drop`, `Router`, `Switch`, `sup-eth1(R)`) as printed. */
  ports: string[];
  /** Leading flag column (6500 `*`/`R`, NX-OS `G`/`*`/`+`), when printed. */
  flags?: string;
  /** Age column as printed (seconds on 6500 / NX-OS), when present. */
  age?: string;
  /** True for rows under a `Multicast Entries` heading (4500-style tables). */
  multicast?: boolean;
}

const MAC_RE = '[0-9a-fA-F]{4}\\.[0-9a-fA-F]{4}\\.[0-9a-fA-F]{4}|(?:[0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}';
/** flags? vlan mac type rest */
const ROW = new RegExp(
  `^\\s*(?<flags>(?:[*RGO+#DS~CE]{1,3}\\s+){1,2})?(?<vlan>\\d{1,4}|All|all|---|N/A|-)\\s+(?<mac>${MAC_RE})\\s+(?<type>[A-Za-z][\\w-]*)(?:\\s+(?<rest>.*?))?\\s*$`,
);
/** Old IOS (2950): mac type vlan port */
const OLD_ROW = new RegExp(
  `^\\s*(?<mac>${MAC_RE})\\s+(?<type>[A-Za-z][\\w-]*)\\s+(?<vlan>\\d{1,4})\\s+(?<rest>\\S.*?)\\s*$`,
);
/** Columns between type and ports that are not ports: protocols, learn, age, secure, ntfy. */
const NOT_PORT =
  /^(?:Yes|No|\d+|\d+:\d+:\d+|-|~~~|[TF]|n\/a|NA|(?:ip|ipx|assigned|other)(?:,(?:ip|ipx|assigned|other))*)$/i;
const PORT_TOKEN = /^(?:[A-Za-z][\w-]*\d[\w/.:]*|CPU|Drop|Router|Switch|Stby-Switch|Flood|Self)(?:\(R\))?$/;

const SKIP = [
  /^\s*(?:Legend|Displaying entries|Unicast Entries|Non-static Address Table)/i,
  /^\s*(?:\*|age|n\/a|S|R|D|#|G|\+|\(T\)) - /, // legend lines: "* - primary entry", "age - seconds…"
  /^\s*-\s/,
  /^\s*(?:vlan|VLAN|Vlan|VLAN\/BD)\s+(?:mac|MAC)/i, // column headers
  /^\s*Destination Address\s+Address Type/i,
  /^\s*[-+\s]+$/, // rules
  /^\s*Mac Address Table\s*$/i,
  /^\s*Total Mac Addresses/i,
  /^\s*(?:Dynamic|Secure|Static|System Self|Total) (?:Addresses|MAC addresses)/i,
  /^\s*(?:Note:|Use the 'hardware-age')/i,
];

function parsePorts(rest: string): string[] {
  const toks = tokens(rest.replace(/,/g, ' '));
  while (toks.length > 0 && NOT_PORT.test(toks[0]!)) toks.shift();
  // NX-OS prints `vPC Peer-Link(R)` (one port with a space) and `Drop (Eth17/3.280)`.
  const joined = toks.join(' ');
  if (/^vPC Peer-Link/i.test(joined)) return [joined];
  return toks.map((t) => port(t.replace(/^\((.*)\)$/, '$1')));
}

function vlanOf(v: string): number | 'all' | null {
  if (/^\d+$/.test(v)) return Number(v);
  return v.toLowerCase() === 'all' ? 'all' : null;
}

/** A continuation line: only ports (`Gi2/41,Gi2/42,…` or `Vl101`). */
function continuation(line: Line): string[] | undefined {
  const toks = tokens(line.text.replace(/,/g, ' '));
  if (toks.length === 0 || !/^\s{8,}/.test(line.text)) return undefined;
  return toks.every((t) => PORT_TOKEN.test(t)) ? toks.map(port) : undefined;
}

export function parseMacAddressTable(text: string): ParseResult<MacTableEntry> {
  const records: MacTableEntry[] = [];
  const warnings = new Warnings();
  let multicast = false;
  let last: MacTableEntry | undefined;
  for (const line of contentLines(text)) {
    if (/^\s*Multicast Entries/i.test(line.text)) {
      multicast = true;
      last = undefined;
      continue;
    }
    if (/^\s*Unicast Entries/i.test(line.text)) multicast = false;
    const m = ROW.exec(line.text) ?? OLD_ROW.exec(line.text);
    if (m?.groups) {
      const g = m.groups;
      const entry: MacTableEntry = {
        vlan: vlanOf(g.vlan!),
        mac: mac(g.mac!)!,
        type: g.type!.toLowerCase(),
        ports: parsePorts(g.rest ?? ''),
      };
      const flags = g.flags?.trim().replace(/\s+/g, ' ');
      if (flags) entry.flags = flags;
      const restToks = tokens(g.rest ?? '');
      const age = restToks.find((t, i) => i < restToks.length - 1 && /^(?:\d+|-)$/.test(t));
      if (age !== undefined) entry.age = age;
      if (multicast) entry.multicast = true;
      records.push(entry);
      last = entry;
      continue;
    }
    const more = last ? continuation(line) : undefined;
    if (more && last) {
      last.ports.push(...more);
      continue;
    }
    last = undefined;
    if (SKIP.some((re) => re.test(line.text))) continue;
    warnings.add(line, 'not a MAC address-table row');
  }
  return { records, warnings: warnings.list };
}
