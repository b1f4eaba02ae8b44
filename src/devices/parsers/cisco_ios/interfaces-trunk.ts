/**
 * `show interfaces trunk` (IOS / IOS-XE Catalyst). Four tables, one row per trunk port each:
 *
 * ```
 * Port        Mode             Encapsulation  Status        Native vlan
 * Gi1/0/1     on               802.1q         trunking      1
 *
 * Port        Vlans allowed on trunk
 * Gi1/0/1     1-4094
 *
 * Port        Vlans allowed and active in management domain
 * Gi1/0/1     1,10,20
 *
 * Port        Vlans in spanning tree forwarding state and not pruned
 * Gi1/0/1     1,10,20
 * ```
 * Long VLAN lists continue on the next, indented line. No corpus capture exists; the layout
 * follows Cisco's command reference (see the synthesized fixture in the tests).
 */
import { contentLines, port, tokens, Warnings, type ParseResult } from '../common.js';

export interface TrunkPort {
  /** Canonical long interface name. */
  port: string;
  mode?: string;
  encapsulation?: string;
  status?: string;
  nativeVlan?: number;
  /** `Vlans allowed on trunk` as printed (`1-4094`, `none`). */
  allowed?: string;
  /** `Vlans allowed and active in management domain` as printed. */
  active?: string;
  /** `Vlans in spanning tree forwarding state and not pruned` as printed. */
  forwarding?: string;
}

type Table = 'summary' | 'allowed' | 'active' | 'forwarding';

const HEADERS: ReadonlyArray<readonly [RegExp, Table]> = [
  [/^\s*Port\s+Mode\s+Encapsulation\s+Status\s+Native vlan/i, 'summary'],
  [/^\s*Port\s+Vlans allowed on trunk/i, 'allowed'],
  [/^\s*Port\s+Vlans allowed and active/i, 'active'],
  [/^\s*Port\s+Vlans in spanning tree forwarding state/i, 'forwarding'],
];
const VLAN_LIST = /^(?:none|\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*,?)$/;

/** Expands an IOS VLAN list (`1-3,10`) to numbers; `none` and empty give []. Undefined if malformed. */
export function expandVlanList(list: string): number[] | undefined {
  const s = list.replace(/\s+/g, '');
  if (s === '' || s === 'none') return [];
  if (!VLAN_LIST.test(s)) return undefined;
  const out: number[] = [];
  for (const part of s.split(',').filter(Boolean)) {
    const [a, b] = part.split('-').map(Number) as [number, number | undefined];
    for (let v = a; v <= (b ?? a) && v <= 4095; v++) out.push(v);
  }
  return out;
}

export function parseInterfacesTrunk(text: string): ParseResult<TrunkPort> {
  const byPort = new Map<string, TrunkPort>();
  const warnings = new Warnings();
  let table: Table | undefined;
  let last: { rec: TrunkPort; key: 'allowed' | 'active' | 'forwarding' } | undefined;
  for (const line of contentLines(text)) {
    const h = HEADERS.find(([re]) => re.test(line.text));
    if (h) {
      table = h[1];
      last = undefined;
      continue;
    }
    const t = tokens(line.text);
    if (last && t.length === 1 && /^\s/.test(line.text) && VLAN_LIST.test(t[0]!)) {
      last.rec[last.key] = `${last.rec[last.key] ?? ''}${t[0]}`;
      continue;
    }
    const name = port(t[0] ?? '');
    const rec = byPort.get(name) ?? { port: name };
    if (table === 'summary' && t.length >= 5 && /^\d+$/.test(t[4]!)) {
      Object.assign(rec, { mode: t[1], encapsulation: t[2], status: t[3], nativeVlan: Number(t[4]) });
    } else if (table && table !== 'summary' && t.length === 2 && VLAN_LIST.test(t[1]!)) {
      rec[table] = t[1];
      last = { rec, key: table };
    } else {
      warnings.add(line, table ? 'not a trunk table row' : 'row before any trunk table header');
      continue;
    }
    byPort.set(name, rec);
  }
  return { records: [...byPort.values()], warnings: warnings.list };
}
