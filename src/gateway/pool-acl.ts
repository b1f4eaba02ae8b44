/**
 * High-Alert pool → access-list arithmetic: the smallest set of address/wildcard blocks (contiguous
 * wildcards, i.e. prefixes) that covers an inclusive range exactly, and the reverse (a block's
 * first and last address), so ACL entries read back from a device can be compared.
 */
import { bigIntToIp, ipToBigInt, type IpAddress, type IpRange, type IpVersion } from '../values/ip.js';
import type { HighAlertPool } from '../inventory/types.js';

/** One ACL source block: `host A` when `prefix` is the full length, else `A W`. */
export interface PoolBlock {
  readonly address: IpAddress;
  /** IOS wildcard bits (inverse mask), e.g. `0.0.0.7`; null for a single host. */
  readonly wildcard: IpAddress | null;
  readonly prefix: number;
}

function width(version: IpVersion): number {
  return version === 4 ? 32 : 128;
}

/** Number of trailing zero bits of `v` (v > 0), capped at `max`. */
function trailingZeros(v: bigint, max: number): number {
  let n = 0;
  while (n < max && ((v >> BigInt(n)) & 1n) === 0n) n++;
  return n;
}

/**
 * The minimal prefix cover of `range`: from the first address, always the largest aligned block
 * that does not pass the last address. This greedy cover is optimal among prefix blocks (each
 * block of any cover must fit inside one of these maximal aligned runs).
 */
export function rangeToBlocks(range: IpRange): PoolBlock[] {
  const bits = width(range.version);
  let start = ipToBigInt(range.first);
  const end = ipToBigInt(range.last);
  if (start > end) throw new RangeError(`empty range ${range.first} - ${range.last}`);
  const blocks: PoolBlock[] = [];
  while (start <= end) {
    let size = start === 0n ? bits : trailingZeros(start, bits);
    while (size > 0 && start + (1n << BigInt(size)) - 1n > end) size--;
    const hostBits = (1n << BigInt(size)) - 1n;
    blocks.push({
      address: bigIntToIp(start, range.version),
      wildcard: size === 0 ? null : bigIntToIp(hostBits, range.version),
      prefix: bits - size,
    });
    start += hostBits + 1n;
  }
  return blocks;
}

/** First and last address of a block. */
export function blockRange(block: PoolBlock, version: IpVersion): IpRange {
  const base = ipToBigInt(block.address);
  const wild = block.wildcard === null ? 0n : ipToBigInt(block.wildcard);
  return { first: bigIntToIp(base, version), last: bigIntToIp(base | wild, version), version };
}

/** The blocks an ACL must match for a High-Alert pool: the range, or the whole dedicated subnet. */
export function poolBlocks(pool: HighAlertPool): PoolBlock[] {
  if (pool.kind === 'subnet') {
    const bits = width(pool.subnet.version);
    const hostBits = (1n << BigInt(bits - pool.subnet.prefix)) - 1n;
    return [
      {
        address: pool.subnet.network,
        wildcard: hostBits === 0n ? null : bigIntToIp(hostBits, pool.subnet.version),
        prefix: pool.subnet.prefix,
      },
    ];
  }
  return rangeToBlocks(pool.range);
}

/** A block as IOS prints it as an ACL source: `host 10.0.0.1` or `10.0.0.240 0.0.0.7`. */
export function blockText(block: PoolBlock): string {
  return block.wildcard === null ? `host ${block.address}` : `${block.address} ${block.wildcard}`;
}
