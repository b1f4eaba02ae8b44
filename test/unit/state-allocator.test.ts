import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { EXIT, HighAlertError } from '../../src/errors.js';
import { PoolExhaustedError, openState } from '../../src/state/index.js';
import { parseInterface } from '../../src/values/interface.js';
import { parseIp } from '../../src/values/ip.js';
import { freshStore, mac, pool } from './state-fixtures.js';

const none = new Set<string>();

test('allocates the first free candidate, in order, skipping excluded addresses', () => {
  const store = freshStore();
  const candidates = pool(5);
  const exclude = new Set(['10.1.20.240', '10.1.20.242']);
  assert.equal(store.allocateHighAlertIp({ pool: 'hq/20', candidates, exclude, mac: mac(1) }), '10.1.20.241');
  assert.equal(store.allocateHighAlertIp({ pool: 'hq/20', candidates, exclude, mac: mac(2) }), '10.1.20.243');
  // Pools are independent.
  assert.equal(
    store.allocateHighAlertIp({ pool: 'br/30', candidates, exclude: none, mac: mac(1) }),
    '10.1.20.240',
  );
});

test('the same MAC gets its existing allocation back; release frees it', () => {
  const store = freshStore();
  const req = { pool: 'hq/20', candidates: pool(3), exclude: none };
  const ip = store.allocateHighAlertIp({ ...req, mac: mac(1) });
  assert.equal(store.allocateHighAlertIp({ ...req, mac: mac(1), quarantineId: undefined }), ip);
  assert.equal(store.allocations('hq/20').length, 1);
  assert.equal(store.previewHighAlertIp({ ...req, mac: mac(2) }), '10.1.20.241');
  assert.equal(store.allocations('hq/20').length, 1, 'preview writes nothing');
  assert.equal(store.releaseAllocation('hq/20', mac(1)), true);
  assert.equal(store.releaseAllocation('hq/20', mac(1)), false);
  assert.equal(store.allocateHighAlertIp({ ...req, mac: mac(2) }), ip);
});

test('the allocation is linked to its quarantine', () => {
  const store = freshStore();
  const req = { pool: 'hq/20', candidates: pool(3), exclude: none, mac: mac(1) };
  store.allocateHighAlertIp(req);
  assert.equal(store.allocationFor('hq/20', mac(1))!.quarantineId, null);
  const q = store.recordQuarantine({
    target: 'x',
    mac: mac(1),
    site: 'hq',
    vlan: 20,
    switch: 'acc-sw1',
    port: parseInterface('Gi1/0/5'),
    operator: 'alice',
  });
  store.allocateHighAlertIp({ ...req, quarantineId: q.id });
  assert.equal(store.allocationFor('hq/20', mac(1))!.quarantineId, q.id);
});

test('pool exhausted: E_POOL_EXHAUSTED, exit 2, nothing written', () => {
  const store = freshStore();
  const candidates = pool(11);
  const exclude = new Set(['10.1.20.250']);
  for (let i = 0; i < 10; i++) store.allocateHighAlertIp({ pool: 'hq/20', candidates, exclude, mac: mac(i) });
  const before = store.allocations();
  assert.throws(
    () => store.allocateHighAlertIp({ pool: 'hq/20', candidates, exclude, mac: mac(99) }),
    (err: unknown) => {
      assert.ok(err instanceof PoolExhaustedError && err instanceof HighAlertError);
      assert.equal(err.code, 'E_POOL_EXHAUSTED');
      assert.equal(err.exitCode, EXIT.USAGE);
      assert.match(err.message, /High-Alert pool hq\/20 is full: all 11 addresses/);
      assert.deepEqual(err.details, { pool: 'hq/20', size: 11, allocated: 10, excluded: 1 });
      assert.ok(err.suggestions.some((s) => s.includes('highalert status')));
      assert.ok(err.suggestions.some((s) => s.includes('highalert release')));
      return true;
    },
  );
  assert.deepEqual(store.allocations(), before);
  assert.throws(
    () => store.previewHighAlertIp({ pool: 'hq/20', candidates, exclude, mac: mac(99) }),
    PoolExhaustedError,
  );
});

test('IPv6 candidates work the same', () => {
  const store = freshStore();
  const candidates = [parseIp('2001:db8:20::f0'), parseIp('2001:db8:20::f1')];
  assert.equal(
    store.allocateHighAlertIp({ pool: 'v6', candidates, exclude: none, mac: mac(1) }),
    '2001:db8:20::f0',
  );
});

type Cmd =
  | { op: 'alloc'; pool: number; mac: number; exclude: number[] }
  | { op: 'release'; pool: number; mac: number };

test('property: any sequence of allocate/release keeps addresses unique per pool and within candidates', () => {
  const candidates = pool(6);
  const cmd: fc.Arbitrary<Cmd> = fc.oneof(
    fc.record({
      op: fc.constant('alloc' as const),
      pool: fc.nat(1),
      mac: fc.nat(8),
      exclude: fc.uniqueArray(fc.nat(5), { maxLength: 3 }),
    }),
    fc.record({ op: fc.constant('release' as const), pool: fc.nat(1), mac: fc.nat(8) }),
  );
  fc.assert(
    fc.property(fc.array(cmd, { maxLength: 40 }), (cmds) => {
      const store = openState(':memory:');
      try {
        // Model: pool → mac → ip.
        const model = [new Map<number, string>(), new Map<number, string>()];
        for (const c of cmds) {
          const m = model[c.pool]!;
          if (c.op === 'release') {
            assert.equal(store.releaseAllocation(`p${c.pool}`, mac(c.mac)), m.delete(c.mac));
            continue;
          }
          const exclude = new Set(c.exclude.map((i) => candidates[i]!));
          const taken = new Set(m.values());
          const expected = m.get(c.mac) ?? candidates.find((ip) => !taken.has(ip) && !exclude.has(ip));
          const req = { pool: `p${c.pool}`, candidates, exclude, mac: mac(c.mac) };
          if (expected === undefined) {
            assert.throws(() => store.allocateHighAlertIp(req), PoolExhaustedError);
          } else {
            const ip = store.allocateHighAlertIp(req);
            assert.equal(ip, expected);
            m.set(c.mac, ip);
          }
        }
        for (const [i, m] of model.entries()) {
          const rows = store.allocations(`p${i}`);
          const ips = rows.map((r) => r.ip);
          assert.equal(new Set(ips).size, ips.length, 'unique addresses');
          assert.ok(
            ips.every((ip) => candidates.includes(ip)),
            'within candidates',
          );
          assert.deepEqual(new Map(rows.map((r) => [Number.parseInt(r.mac.slice(-2), 16), r.ip])), m);
        }
      } finally {
        store.close();
      }
    }),
    { numRuns: 200 },
  );
});
