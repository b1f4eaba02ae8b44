/** Address ranges as written in the inventory (`first-last`) and dedicated High-Alert subnets. */
import {
  bigIntToIp,
  cidrLast,
  compareIp,
  ipToBigInt,
  ipVersion,
  rangeSize,
  tryParseIp,
  type Cidr,
  type IpAddress,
  type IpRange,
} from '../values/index.js';

/** Parses `10.20.0.240-10.20.0.250` (or IPv6). Returns the range, or a sentence saying what is wrong. */
export function parseIpRange(text: string): IpRange | string {
  const parts = text.split('-').map((p) => p.trim());
  if (parts.length !== 2) return `${JSON.stringify(text)} is not a range like 10.20.0.240-10.20.0.250`;
  const first = tryParseIp(parts[0]!);
  const last = tryParseIp(parts[1]!);
  if (first === undefined || last === undefined) {
    const bad = first === undefined ? parts[0]! : parts[1]!;
    return `${JSON.stringify(bad)} in range ${JSON.stringify(text)} is not an IP address`;
  }
  const version = ipVersion(first)!;
  if (ipVersion(last) !== version) return `range ${JSON.stringify(text)} mixes IPv4 and IPv6`;
  if (compareIp(first, last) > 0) return `range ${JSON.stringify(text)} ends before it starts`;
  return { first, last, version };
}

export function formatRange(r: IpRange): string {
  return `${r.first}-${r.last}`;
}

/**
 * A dedicated High-Alert subnet: the gateway takes its first host address (or `gatewayIp`, which
 * must be the first or last host), the pool is the remaining hosts. Returns a sentence on error.
 */
export function dedicatedPool(
  subnet: Cidr,
  gatewayIp?: IpAddress,
): { gatewayIp: IpAddress; range: IpRange; size: number } | string {
  const maxPrefix = subnet.version === 4 ? 29 : 125;
  if (subnet.prefix > maxPrefix)
    return `subnet ${subnet.text} is too small for a pool (use /${maxPrefix} or larger)`;
  const v = subnet.version;
  const firstHost = ipToBigInt(subnet.network) + 1n;
  const lastHost = ipToBigInt(cidrLast(subnet)) - (v === 4 ? 1n : 0n);
  const gw = gatewayIp === undefined ? firstHost : ipToBigInt(gatewayIp);
  if (gatewayIp !== undefined && ipVersion(gatewayIp) !== v) return `gateway_ip ${gatewayIp} is not IPv${v}`;
  let range: IpRange;
  if (gw === firstHost)
    range = { first: bigIntToIp(firstHost + 1n, v), last: bigIntToIp(lastHost, v), version: v };
  else if (gw === lastHost)
    range = { first: bigIntToIp(firstHost, v), last: bigIntToIp(lastHost - 1n, v), version: v };
  else return `gateway_ip must be the first or last host address of ${subnet.text}`;
  return { gatewayIp: bigIntToIp(gw, v), range, size: Number(rangeSize(range)) };
}
