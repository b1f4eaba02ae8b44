import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { blockRange, blockText, poolBlocks, rangeToBlocks } from '../../src/gateway/pool-acl.js';
import { bigIntToIp, ipToBigInt, parseCidr, parseIp, type IpRange } from '../../src/values/ip.js';

const r4 = (first: string, last: string): IpRange => ({
  first: parseIp(first),
  last: parseIp(last),
  version: 4,
});

test('the lab pool .240-.250 is three entries', () => {
  assert.deepEqual(rangeToBlocks(r4('10.10.0.240', '10.10.0.250')).map(blockText), [
    '10.10.0.240 0.0.0.7',
    '10.10.0.248 0.0.0.1',
    'host 10.10.0.250',
  ]);
});

test('a single address is a host entry; an aligned block is one entry', () => {
  assert.deepEqual(rangeToBlocks(r4('10.0.0.5', '10.0.0.5')).map(blockText), ['host 10.0.0.5']);
  assert.deepEqual(rangeToBlocks(r4('10.20.0.0', '10.20.0.255')).map(blockText), ['10.20.0.0 0.0.0.255']);
  assert.deepEqual(rangeToBlocks(r4('0.0.0.0', '255.255.255.255')).map(blockText), [
    '0.0.0.0 255.255.255.255',
  ]);
});

test('an unaligned range splits at alignment boundaries, both ends', () => {
  assert.deepEqual(rangeToBlocks(r4('10.0.0.1', '10.0.0.6')).map(blockText), [
    'host 10.0.0.1',
    '10.0.0.2 0.0.0.1',
    '10.0.0.4 0.0.0.1',
    'host 10.0.0.6',
  ]);
  assert.deepEqual(rangeToBlocks(r4('10.0.0.255', '10.0.1.0')).map(blockText), [
    'host 10.0.0.255',
    'host 10.0.1.0',
  ]);
});

test('a dedicated subnet pool is the subnet itself', () => {
  const subnet = parseCidr('10.99.0.0/28');
  const blocks = poolBlocks({
    kind: 'subnet',
    subnet,
    gatewayIp: parseIp('10.99.0.1'),
    range: r4('10.99.0.2', '10.99.0.14'),
    size: 13,
  });
  assert.deepEqual(blocks.map(blockText), ['10.99.0.0 0.0.0.15']);
});

test('an empty range is refused', () => {
  assert.throws(() => rangeToBlocks(r4('10.0.0.9', '10.0.0.1')), RangeError);
});

/** Random IPv4 ranges, biased towards small and boundary-crossing ones like real pools. */
const range4 = fc
  .tuple(
    fc.bigInt({ min: 0n, max: 0xffffffffn }),
    fc.oneof(fc.bigInt({ min: 0n, max: 600n }), fc.bigInt({ min: 0n, max: 0xffffffffn })),
  )
  .map(([a, len]) => {
    const first = a;
    const last = a + len > 0xffffffffn ? 0xffffffffn : a + len;
    return { first: bigIntToIp(first, 4), last: bigIntToIp(last, 4), version: 4 as const };
  });

const matches = (b: { address: string; wildcard: string | null }, ip: bigint): boolean => {
  const w = b.wildcard === null ? 0n : ipToBigInt(b.wildcard);
  return (ip & ~w & 0xffffffffn) === ipToBigInt(b.address);
};

test('property: blocks are aligned, contiguous, in order, and cover exactly the range', () => {
  fc.assert(
    fc.property(range4, (r) => {
      const blocks = rangeToBlocks(r);
      let next = ipToBigInt(r.first);
      for (const b of blocks) {
        const w = b.wildcard === null ? 0n : ipToBigInt(b.wildcard);
        // contiguous wildcard (2^k - 1) and an aligned base: `A W` is exactly [A, A|W]
        assert.equal(w & (w + 1n), 0n);
        assert.equal(ipToBigInt(b.address) & w, 0n);
        const br = blockRange(b, 4);
        assert.equal(ipToBigInt(br.first), next);
        next = ipToBigInt(br.last) + 1n;
      }
      assert.equal(next - 1n, ipToBigInt(r.last));
    }),
    { numRuns: 2000 },
  );
});

test('property: an address matches some entry exactly when it is in the range', () => {
  fc.assert(
    fc.property(range4, fc.bigInt({ min: -3n, max: 3n }), fc.nat(), (r, edge, pick) => {
      const first = ipToBigInt(r.first);
      const last = ipToBigInt(r.last);
      const blocks = rangeToBlocks(r);
      const probes = [first + edge, last + edge, first + (BigInt(pick) % (last - first + 1n))];
      for (const ip of probes) {
        if (ip < 0n || ip > 0xffffffffn) continue;
        const inRange = ip >= first && ip <= last;
        assert.equal(
          blocks.filter((b) => matches(b, ip)).length,
          inRange ? 1 : 0,
          `${bigIntToIp(ip, 4)} in ${r.first}-${r.last}`,
        );
      }
    }),
    { numRuns: 2000 },
  );
});

test('property: minimal among prefix covers (no two neighbours merge; at most 2*32-2 entries)', () => {
  fc.assert(
    fc.property(range4, (r) => {
      const blocks = rangeToBlocks(r);
      assert.ok(blocks.length <= 62);
      for (let i = 0; i + 1 < blocks.length; i++) {
        const a = blocks[i]!;
        const b = blocks[i + 1]!;
        // Two equal-size neighbours that form an aligned block of twice the size would be mergeable.
        if (a.prefix === b.prefix && a.prefix > 0) {
          const size = 1n << BigInt(32 - a.prefix);
          assert.notEqual(ipToBigInt(a.address) % (2n * size), 0n, `${blockText(a)} + ${blockText(b)} merge`);
        }
      }
    }),
    { numRuns: 2000 },
  );
});

test('property: minimal count equals a brute-force optimum on small ranges', () => {
  // Optimal prefix cover by dynamic programming over a 6-bit space.
  const best = (lo: number, hi: number): number => {
    const dp = new Array<number>(hi + 2).fill(Infinity);
    dp[lo] = 0;
    for (let s = lo; s <= hi; s++) {
      if (dp[s] === Infinity) continue;
      for (let k = 0; k <= 6; k++) {
        const size = 1 << k;
        if (s % size !== 0 || s + size - 1 > hi) continue;
        dp[s + size] = Math.min(dp[s + size]!, dp[s]! + 1);
      }
    }
    return dp[hi + 1]!;
  };
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 63 }), (a, b) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      const r = r4(`10.0.0.${lo}`, `10.0.0.${hi}`);
      assert.equal(rangeToBlocks(r).length, best(lo, hi));
    }),
  );
});
