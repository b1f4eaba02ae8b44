/**
 * `show ip dhcp pool [NAME]`:
 * ```
 * Pool TestPool :
 *  Utilization mark (high/low)    : 100 / 0
 *  Total addresses                : 254
 *  Leased addresses               : 0
 *  1 subnet is currently in the pool :
 *  Current index        IP address range                    Leased/Excluded/Total
 *  192.168.1.1          192.168.1.1      - 192.168.1.254     0     / 0     / 254
 * ```
 */
import { contentLines, Warnings, type ParseResult } from '../common.js';

export interface DhcpPoolSubnet {
  currentIndex: string;
  first: string;
  last: string;
  leased: number;
  excluded: number;
  total: number;
}

export interface DhcpPoolStatus {
  name: string;
  /** `Key : value` lines, keys as printed (`Total addresses`). */
  fields: Record<string, string>;
  totalAddresses?: number;
  leasedAddresses?: number;
  excludedAddresses?: number;
  subnets: DhcpPoolSubnet[];
}

const POOL = /^\s*Pool\s+(\S+)\s*:\s*$/;
const FIELD = /^\s*([A-Za-z][\w ()/-]*?)\s*:\s*(.*?)\s*$/;
const SUBNET = /^\s*(\S+)\s+(\S+)\s*-\s*(\S+)\s+(\d+)\s*\/\s*(\d+)\s*\/\s*(\d+)\s*$/;

export function parseDhcpPool(text: string): ParseResult<DhcpPoolStatus> {
  const records: DhcpPoolStatus[] = [];
  const warnings = new Warnings();
  let pool: DhcpPoolStatus | undefined;
  for (const line of contentLines(text)) {
    const p = POOL.exec(line.text);
    if (p) {
      pool = { name: p[1]!, fields: {}, subnets: [] };
      records.push(pool);
      continue;
    }
    const s = SUBNET.exec(line.text);
    if (pool && s) {
      pool.subnets.push({
        currentIndex: s[1]!,
        first: s[2]!,
        last: s[3]!,
        leased: Number(s[4]),
        excluded: Number(s[5]),
        total: Number(s[6]),
      });
      continue;
    }
    if (
      pool &&
      /^\s*(?:Current index\s+IP address range|\d+ subnets? (?:is|are) currently in the pool)/i.test(
        line.text,
      )
    ) {
      continue;
    }
    const f = FIELD.exec(line.text);
    if (pool && f) {
      pool.fields[f[1]!] = f[2]!;
      const n = /^\d+$/.test(f[2]!) ? Number(f[2]) : undefined;
      if (n !== undefined && /^Total addresses$/i.test(f[1]!)) pool.totalAddresses = n;
      if (n !== undefined && /^Leased addresses$/i.test(f[1]!)) pool.leasedAddresses = n;
      if (n !== undefined && /^Excluded addresses$/i.test(f[1]!)) pool.excludedAddresses = n;
      continue;
    }
    warnings.add(line, pool ? 'not a DHCP pool line' : 'line before any `Pool NAME :` heading');
  }
  return { records, warnings: warnings.list };
}
