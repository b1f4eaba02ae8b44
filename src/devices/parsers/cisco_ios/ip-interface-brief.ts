/**
 * `show ip interface brief`:
 * `GigabitEthernet0/1  10.0.0.1  YES NVRAM  administratively down down`
 */
import { contentLines, port, Warnings, type ParseResult } from '../common.js';

export interface IpInterfaceBrief {
  /** Canonical long interface name. */
  interface: string;
  /** Address as printed; `unassigned` when none. */
  ip: string;
  ok: string;
  method: string;
  /** `up`, `down`, `administratively down`, `deleted`, … */
  status: string;
  protocol: string;
}

const ROW =
  /^\s*(?<intf>\S+)\s+(?<ip>\S+)\s+(?<ok>YES|NO)\s+(?<method>\S+)\s+(?<status>administratively down|\S+)\s+(?<protocol>\S+)\s*$/i;
const SKIP = [/^\s*Interface\s+IP-Address\s+OK\?/i, /^\s*Any interface listed with OK\? value/i];

export function parseIpInterfaceBrief(text: string): ParseResult<IpInterfaceBrief> {
  const records: IpInterfaceBrief[] = [];
  const warnings = new Warnings();
  for (const line of contentLines(text)) {
    const g = ROW.exec(line.text)?.groups;
    if (!g) {
      if (!SKIP.some((re) => re.test(line.text))) warnings.add(line, 'not a `show ip interface brief` row');
      continue;
    }
    records.push({
      interface: port(g.intf!),
      ip: g.ip!,
      ok: g.ok!,
      method: g.method!,
      status: g.status!,
      protocol: g.protocol!,
    });
  }
  return { records, warnings: warnings.list };
}
