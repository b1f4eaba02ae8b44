/**
 * IPv4 / IPv6 addresses and prefixes, canonicalised. IPv4 arithmetic is done with `netmask` where it
 * fits; IPv6 with BigInt (netmask is IPv4-only).
 */
import { isIPv4, isIPv6 } from 'node:net';
import { ValidationError } from '../errors.js';

export type IpAddress = string & { readonly __brand: 'IpAddress' };
export type IpVersion = 4 | 6;

export interface Cidr {
  /** Canonical network address (host bits zero). */
  readonly network: IpAddress;
  readonly prefix: number;
  readonly version: IpVersion;
  /** `network/prefix`, canonical. */
  readonly text: string;
}

export function ipVersion(ip: string): IpVersion | undefined {
  if (isIPv4(ip)) return 4;
  if (isIPv6(ip)) return 6;
  return undefined;
}

/** Converts an address to a BigInt (IPv4 as 32 bits, IPv6 as 128). The address must be valid. */
export function ipToBigInt(ip: string): bigint {
  if (isIPv4(ip)) return ip.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
  let text = ip;
  const v4tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4tail) {
    const v = ipToBigInt(v4tail[1]!);
    text = text.slice(0, -v4tail[1]!.length) + `${(v >> 16n).toString(16)}:${(v & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

export function bigIntToIp(value: bigint, version: IpVersion): IpAddress {
  if (version === 4) {
    return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.') as IpAddress;
  }
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((value >> BigInt(i * 16)) & 0xffffn).toString(16));
  // RFC 5952: compress the longest run (length >= 2) of zero groups, the first one on ties.
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i >= 2) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':') as IpAddress;
  const left = groups.slice(0, best).join(':');
  const right = groups.slice(best + bestLen).join(':');
  return `${left}::${right}` as IpAddress;
}

const V4_STRICT = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;

export function tryParseIp(input: string): IpAddress | undefined {
  if (V4_STRICT.test(input) && isIPv4(input)) return input as IpAddress;
  if (/^[0-9a-fA-F:.]+$/.test(input) && isIPv6(input)) return bigIntToIp(ipToBigInt(input), 6);
  return undefined;
}

export function parseIp(input: string, what = 'IP address'): IpAddress {
  const ip = tryParseIp(input.trim());
  if (ip === undefined) {
    throw new ValidationError(`${what} ${JSON.stringify(input)} is not an IPv4 or IPv6 address`, {
      code: 'E_BAD_IP',
      suggestions: ['Write IPv4 as 10.1.20.5 (no leading zeros) and IPv6 as 2001:db8::5.'],
    });
  }
  return ip;
}

export function isIp(input: string): boolean {
  return tryParseIp(input) !== undefined;
}

function bits(version: IpVersion): number {
  return version === 4 ? 32 : 128;
}

function maskOf(prefix: number, version: IpVersion): bigint {
  const total = BigInt(bits(version));
  return ((1n << total) - 1n) ^ ((1n << (total - BigInt(prefix))) - 1n);
}

/** Parses `network/prefix`. Host bits must be zero (`10.1.20.0/24`, not `10.1.20.7/24`). */
export function parseCidr(input: string, what = 'subnet'): Cidr {
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(input.trim());
  const ip = m ? tryParseIp(m[1]!) : undefined;
  const version = ip === undefined ? undefined : ipVersion(ip);
  const prefix = m ? Number(m[2]) : NaN;
  if (!m || ip === undefined || version === undefined || !(prefix >= 0 && prefix <= bits(version))) {
    throw new ValidationError(
      `${what} ${JSON.stringify(input)} is not a prefix like 10.1.20.0/24 or 2001:db8:20::/64`,
      {
        code: 'E_BAD_CIDR',
      },
    );
  }
  const value = ipToBigInt(ip);
  const network = value & maskOf(prefix, version);
  if (network !== value) {
    const fixed = `${bigIntToIp(network, version)}/${prefix}`;
    throw new ValidationError(`${what} ${input} has host bits set; the network is ${fixed}`, {
      code: 'E_BAD_CIDR',
      suggestions: [`Write ${fixed}.`],
    });
  }
  const net = bigIntToIp(network, version);
  return { network: net, prefix, version, text: `${net}/${prefix}` };
}

export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  if (ipVersion(ip) !== cidr.version) return false;
  return (ipToBigInt(ip) & maskOf(cidr.prefix, cidr.version)) === ipToBigInt(cidr.network);
}

/** The last address of the prefix (the broadcast address in IPv4). */
export function cidrLast(cidr: Cidr): IpAddress {
  const hostMask = ((1n << BigInt(bits(cidr.version))) - 1n) ^ maskOf(cidr.prefix, cidr.version);
  return bigIntToIp(ipToBigInt(cidr.network) | hostMask, cidr.version);
}

/** Dotted mask for an IPv4 prefix length: 24 → 255.255.255.0. */
export function prefixToMask(prefix: number): string {
  return bigIntToIp(maskOf(prefix, 4), 4);
}

export function compareIp(a: IpAddress, b: IpAddress): number {
  const x = ipToBigInt(a);
  const y = ipToBigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** An inclusive address range. */
export interface IpRange {
  readonly first: IpAddress;
  readonly last: IpAddress;
  readonly version: IpVersion;
}

export function rangeSize(r: IpRange): bigint {
  return ipToBigInt(r.last) - ipToBigInt(r.first) + 1n;
}

export function rangeContains(r: IpRange, ip: IpAddress): boolean {
  if (ipVersion(ip) !== r.version) return false;
  const v = ipToBigInt(ip);
  return v >= ipToBigInt(r.first) && v <= ipToBigInt(r.last);
}

export function rangesOverlap(a: IpRange, b: IpRange): boolean {
  if (a.version !== b.version) return false;
  return ipToBigInt(a.first) <= ipToBigInt(b.last) && ipToBigInt(b.first) <= ipToBigInt(a.last);
}

/** Every address of a range, in order (for small ranges such as a High-Alert pool). */
export function* rangeAddresses(r: IpRange, limit = 1_000_000): Generator<IpAddress> {
  const end = ipToBigInt(r.last);
  let n = 0;
  for (let v = ipToBigInt(r.first); v <= end && n < limit; v++, n++) yield bigIntToIp(v, r.version);
}

export function cidrToRange(c: Cidr): IpRange {
  return { first: c.network, last: cidrLast(c), version: c.version };
}
