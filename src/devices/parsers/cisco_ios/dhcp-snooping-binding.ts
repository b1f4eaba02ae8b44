/**
 * `show ip dhcp snooping binding`:
 * `DC:A9:04:80:02:0F   192.168.1.48   583720   dhcp-snooping   1   GigabitEthernet1/0/9`
 */
import type { Mac } from '../../../values/index.js';
import { contentLines, ip, mac, port, Warnings, type ParseResult } from '../common.js';

export interface DhcpSnoopingBinding {
  mac: Mac;
  ip: string;
  /** Remaining lease in seconds; null when printed as `infinite` or `-`. */
  leaseSec: number | null;
  /** `dhcp-snooping`, `static`, … */
  type: string;
  vlan: number;
  interface: string;
}

const ROW =
  /^\s*(?<mac>\S+)\s+(?<ip>\S+)\s+(?<lease>\d+|infinite|-)\s+(?<type>[A-Za-z][\w-]*)\s+(?<vlan>\d{1,4})\s+(?<intf>\S+)\s*$/i;
const SKIP = [/^\s*MacAddress\s+IpAddress/i, /^\s*[-\s]+$/, /^\s*Total number of bindings/i];

export function parseDhcpSnoopingBinding(text: string): ParseResult<DhcpSnoopingBinding> {
  const records: DhcpSnoopingBinding[] = [];
  const warnings = new Warnings();
  for (const line of contentLines(text)) {
    const g = ROW.exec(line.text)?.groups;
    const hw = g ? mac(g.mac!) : undefined;
    const address = g ? ip(g.ip!) : undefined;
    if (!g || hw === undefined || address === undefined) {
      if (!SKIP.some((re) => re.test(line.text))) warnings.add(line, 'not a DHCP snooping binding row');
      continue;
    }
    records.push({
      mac: hw,
      ip: address,
      leaseSec: /^\d+$/.test(g.lease!) ? Number(g.lease) : null,
      type: g.type!,
      vlan: Number(g.vlan),
      interface: port(g.intf!),
    });
  }
  return { records, warnings: warnings.list };
}
