/** Pure Kea configuration edits: reservations, conflicts, the guarded High-Alert pool, previews. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addReservationToConfig,
  ensureGuardedPoolInConfig,
  HIGH_ALERT_CLASS,
  isConflict,
  listReservationsInConfig,
  locateSubnet,
  parsePool,
  previewLine,
  removeReservationFromConfig,
  type EditResult,
  type JsonObject,
} from '../../src/dhcp/kea-config.js';
import { parseIp, parseMac } from '../../src/values/index.js';
import type { DhcpScope, Reservation } from '../../src/dhcp/backend.js';

const SCOPE = { subnet: '10.77.0.0/24', subnetId: 77 };

/** Shaped like config-get's answer from Kea 2.2 (pools written without spaces). */
function config(reservations: unknown[] = []): JsonObject {
  return {
    Dhcp4: {
      authoritative: true,
      'client-classes': [{ name: HIGH_ALERT_CLASS, test: "'never' == 'dynamic'" }],
      subnet4: [
        { id: 10, subnet: '10.10.0.0/24', pools: [], reservations: [] },
        {
          id: 77,
          subnet: '10.77.0.0/24',
          pools: [
            { pool: '10.77.0.100-10.77.0.199', 'option-data': [] },
            { pool: '10.77.0.240-10.77.0.250', 'client-class': HIGH_ALERT_CLASS, 'option-data': [] },
          ],
          reservations,
        },
      ],
      'shared-networks': [
        {
          name: 'campus',
          subnet4: [
            {
              id: 90,
              subnet: '10.90.0.0/24',
              reservations: [{ 'hw-address': '02:00:00:00:00:90', 'ip-address': '10.90.0.5' }],
            },
          ],
        },
      ],
    },
  };
}

function r(mac: string, ip: string, scope: DhcpScope = SCOPE, label?: string): Reservation {
  return { mac: parseMac(mac), ip: parseIp(ip), scope, ...(label === undefined ? {} : { label }) };
}

function ok(v: EditResult | { ok: false; message: string }): EditResult {
  if (isConflict(v)) assert.fail(`unexpected conflict: ${v.message}`);
  return v as EditResult;
}

function reservationsOf(c: JsonObject, index = 1): unknown {
  return ((c.Dhcp4 as JsonObject).subnet4 as JsonObject[])[index]!.reservations;
}

test('locateSubnet: by id, else by prefix; a mismatch or absence is a conflict', () => {
  const c = config();
  const byId = locateSubnet(c, SCOPE);
  assert.ok(!isConflict(byId) && byId.id === 77 && byId.path === 'subnet4[1]');
  const byText = locateSubnet(c, { subnet: '10.77.0.0/24' });
  assert.ok(!isConflict(byText) && byText.id === 77);
  const unknownIdFallsBack = locateSubnet(c, { subnet: '10.77.0.0/24', subnetId: 5 });
  assert.ok(!isConflict(unknownIdFallsBack) && unknownIdFallsBack.id === 77);
  const shared = locateSubnet(c, { subnet: '10.90.0.0/24', subnetId: 90 });
  assert.ok(!isConflict(shared) && shared.path === 'shared-networks[0].subnet4[0]');
  const mismatch = locateSubnet(c, { subnet: '10.77.0.0/24', subnetId: 10 });
  assert.ok(isConflict(mismatch) && mismatch.code === 'E_KEA_SUBNET_MISMATCH', JSON.stringify(mismatch));
  const missing = locateSubnet(c, { subnet: '10.99.0.0/24', subnetId: 99 });
  assert.ok(isConflict(missing) && missing.code === 'E_KEA_SUBNET_NOT_FOUND');
  assert.match(missing.message, /subnets: 10 \(10\.10\.0\.0\/24\), 77 \(10\.77\.0\.0\/24\), 90/);
  assert.ok(isConflict(locateSubnet({}, SCOPE)));
});

test('addReservationToConfig adds, is idempotent, and never modifies its input', () => {
  const c = config();
  const snapshot = structuredClone(c);
  const res = ok(addReservationToConfig(c, r('AA-BB-CC-00-00-01', '10.77.0.240', SCOPE, 'ticket 42')));
  assert.equal(res.changed, true);
  assert.equal(res.subnetId, 77);
  assert.deepEqual(c, snapshot, 'input untouched');
  assert.deepEqual(reservationsOf(res.config), [
    {
      'hw-address': 'aa:bb:cc:00:00:01',
      'ip-address': '10.77.0.240',
      'user-context': { highalert: { label: 'ticket 42' } },
    },
  ]);
  const again = ok(addReservationToConfig(res.config, r('aabb.cc00.0001', '10.77.0.240')));
  assert.equal(again.changed, false);
  assert.deepEqual(again.config, res.config);
});

test('addReservationToConfig matches MACs written in any notation in the config', () => {
  const c = config([{ 'hw-address': 'AA:BB:CC:00:00:01', 'ip-address': '10.77.0.240' }]);
  assert.equal(ok(addReservationToConfig(c, r('aa:bb:cc:00:00:01', '10.77.0.240'))).changed, false);
});

test('addReservationToConfig refuses an IP reserved for another client, or a MAC with another address', () => {
  const c = config([
    { 'hw-address': 'aa:bb:cc:00:00:01', 'ip-address': '10.77.0.240' },
    { 'client-id': '01:02:03:04:05:06:07', 'ip-address': '10.77.0.245' },
  ]);
  const ipTaken = addReservationToConfig(c, r('aa:bb:cc:00:00:02', '10.77.0.240'));
  assert.ok(isConflict(ipTaken) && ipTaken.code === 'E_KEA_IP_RESERVED');
  assert.match(
    ipTaken.message,
    /10\.77\.0\.240 is already reserved in subnet 10\.77\.0\.0\/24 for hw-address aa:bb:cc:00:00:01/,
  );
  const byClientId = addReservationToConfig(c, r('aa:bb:cc:00:00:02', '10.77.0.245'));
  assert.ok(isConflict(byClientId) && /client-id 01:02/.test(byClientId.message));
  const macTaken = addReservationToConfig(c, r('aa:bb:cc:00:00:01', '10.77.0.241'));
  assert.ok(isConflict(macTaken) && macTaken.code === 'E_KEA_MAC_RESERVED');
  const outside = addReservationToConfig(c, r('aa:bb:cc:00:00:03', '10.78.0.1'));
  assert.ok(isConflict(outside) && outside.code === 'E_KEA_IP_OUTSIDE_SUBNET');
  for (const ip of ['10.77.0.0', '10.77.0.255']) {
    const notHost = addReservationToConfig(c, r('aa:bb:cc:00:00:03', ip));
    assert.ok(isConflict(notHost) && notHost.code === 'E_KEA_IP_NOT_HOST', ip);
  }
  // The same IP in another subnet's reservations is not a conflict here.
  const other = config();
  ((other.Dhcp4 as JsonObject).subnet4 as JsonObject[])[0]!.reservations = [
    { 'hw-address': 'aa:bb:cc:00:00:09', 'ip-address': '10.77.0.240' },
  ];
  assert.equal(ok(addReservationToConfig(other, r('aa:bb:cc:00:00:01', '10.77.0.240'))).changed, true);
});

test('addReservationToConfig creates the reservations list when the subnet has none', () => {
  const c = config();
  delete ((c.Dhcp4 as JsonObject).subnet4 as JsonObject[])[1]!.reservations;
  const res = ok(addReservationToConfig(c, r('aa:bb:cc:00:00:01', '10.77.0.241')));
  assert.equal((reservationsOf(res.config) as unknown[]).length, 1);
});

test('removeReservationFromConfig removes only that entry; absent is a no-op; another address is refused', () => {
  const keep = { 'hw-address': 'aa:bb:cc:00:00:02', 'ip-address': '10.77.0.241' };
  const c = config([{ 'hw-address': 'aa:bb:cc:00:00:01', 'ip-address': '10.77.0.240' }, keep]);
  const res = ok(removeReservationFromConfig(c, r('aa:bb:cc:00:00:01', '10.77.0.240')));
  assert.equal(res.changed, true);
  assert.deepEqual(reservationsOf(res.config), [keep]);
  const absent = ok(removeReservationFromConfig(res.config, r('aa:bb:cc:00:00:01', '10.77.0.240')));
  assert.equal(absent.changed, false);
  const wrongIp = removeReservationFromConfig(c, r('aa:bb:cc:00:00:02', '10.77.0.249'));
  assert.ok(isConflict(wrongIp) && wrongIp.code === 'E_KEA_MAC_RESERVED');
});

test('listReservationsInConfig returns MAC/IP reservations with labels, skipping other identifiers', () => {
  const c = config([
    {
      'hw-address': 'AA:BB:CC:00:00:01',
      'ip-address': '10.77.0.240',
      'user-context': { highalert: { label: 'x' } },
    },
    { 'client-id': '01:02', 'ip-address': '10.77.0.245' },
    { 'hw-address': 'aa:bb:cc:00:00:03' },
  ]);
  assert.deepEqual(listReservationsInConfig(c, SCOPE), [
    { mac: 'aa:bb:cc:00:00:01', ip: '10.77.0.240', scope: SCOPE, label: 'x' },
  ]);
});

test('parsePool reads Kea pool spellings', () => {
  assert.deepEqual(parsePool('10.77.0.240 - 10.77.0.250'), {
    first: '10.77.0.240',
    last: '10.77.0.250',
    version: 4,
  });
  assert.deepEqual(parsePool('10.77.0.240-10.77.0.250'), {
    first: '10.77.0.240',
    last: '10.77.0.250',
    version: 4,
  });
  assert.deepEqual(parsePool('10.77.0.240/29'), { first: '10.77.0.240', last: '10.77.0.247', version: 4 });
  assert.equal(parsePool('10.77.0.250 - 10.77.0.240'), undefined);
  assert.equal(parsePool('nonsense'), undefined);
});

const range = (a: string, b: string) => ({ first: parseIp(a), last: parseIp(b), version: 4 as const });

test('ensureGuardedPoolInConfig: already guarded → unchanged', () => {
  const res = ok(ensureGuardedPoolInConfig(config(), SCOPE, range('10.77.0.240', '10.77.0.250')));
  assert.equal(res.changed, false);
});

test('ensureGuardedPoolInConfig adds class, pool and authoritative, then is idempotent', () => {
  const bare: JsonObject = {
    Dhcp4: { subnet4: [{ id: 77, subnet: '10.77.0.0/24', pools: [{ pool: '10.77.0.100 - 10.77.0.199' }] }] },
  };
  const res = ok(ensureGuardedPoolInConfig(bare, SCOPE, range('10.77.0.240', '10.77.0.250')));
  assert.equal(res.changed, true);
  const d = res.config.Dhcp4 as JsonObject;
  assert.deepEqual(d['client-classes'], [{ name: HIGH_ALERT_CLASS, test: "'never' == 'dynamic'" }]);
  const subnet = (d.subnet4 as JsonObject[])[0]!;
  assert.deepEqual(subnet.pools, [
    { pool: '10.77.0.100 - 10.77.0.199' },
    { pool: '10.77.0.240 - 10.77.0.250', 'client-class': HIGH_ALERT_CLASS },
  ]);
  assert.equal(subnet.authoritative, true);
  assert.equal(
    ok(ensureGuardedPoolInConfig(res.config, SCOPE, range('10.77.0.240', '10.77.0.250'))).changed,
    false,
  );
});

test('ensureGuardedPoolInConfig guards an existing unguarded pool of that exact range', () => {
  const c: JsonObject = {
    Dhcp4: {
      authoritative: true,
      subnet4: [{ id: 77, subnet: '10.77.0.0/24', pools: [{ pool: '10.77.0.240-10.77.0.250' }] }],
    },
  };
  const res = ok(ensureGuardedPoolInConfig(c, SCOPE, range('10.77.0.240', '10.77.0.250')));
  assert.equal(res.changed, true);
  const subnet = ((res.config.Dhcp4 as JsonObject).subnet4 as JsonObject[])[0]!;
  assert.deepEqual(subnet.pools, [{ pool: '10.77.0.240-10.77.0.250', 'client-class': HIGH_ALERT_CLASS }]);
  assert.equal(subnet.authoritative, undefined, 'global authoritative is enough');
});

test('ensureGuardedPoolInConfig refuses overlaps, foreign classes, a changed class test, ranges outside', () => {
  const overlap = ensureGuardedPoolInConfig(config(), SCOPE, range('10.77.0.190', '10.77.0.210'));
  assert.ok(isConflict(overlap) && overlap.code === 'E_KEA_POOL_OVERLAP');
  const foreign: JsonObject = {
    Dhcp4: {
      subnet4: [
        {
          id: 77,
          subnet: '10.77.0.0/24',
          pools: [{ pool: '10.77.0.240 - 10.77.0.250', 'client-class': 'VOIP' }],
        },
      ],
    },
  };
  const f = ensureGuardedPoolInConfig(foreign, SCOPE, range('10.77.0.240', '10.77.0.250'));
  assert.ok(isConflict(f) && f.code === 'E_KEA_POOL_CLASS');
  const changed = config();
  ((changed.Dhcp4 as JsonObject)['client-classes'] as JsonObject[])[0]!.test = 'true';
  const ch = ensureGuardedPoolInConfig(changed, SCOPE, range('10.77.0.240', '10.77.0.250'));
  assert.ok(isConflict(ch) && ch.code === 'E_KEA_CLASS_CHANGED');
  const outside = ensureGuardedPoolInConfig(config(), SCOPE, range('10.77.1.240', '10.77.1.250'));
  assert.ok(isConflict(outside) && outside.code === 'E_KEA_RANGE_OUTSIDE_SUBNET');
});

test('previewLine is one readable line in Kea spelling', () => {
  assert.equal(
    previewLine('add', r('aa:bb:cc:00:00:01', '10.77.0.240', { subnet: '10.77.0.0/24', subnetId: 10 })),
    '+ subnet 10 (10.77.0.0/24) reservation { "hw-address": "aa:bb:cc:00:00:01", "ip-address": "10.77.0.240" }',
  );
  assert.equal(
    previewLine('remove', r('aa:bb:cc:00:00:01', '10.77.0.240', { subnet: '10.77.0.0/24' }, 'case 7')),
    '- subnet 10.77.0.0/24 reservation { "hw-address": "aa:bb:cc:00:00:01", "ip-address": "10.77.0.240", "user-context": { "highalert": { "label": "case 7" } } }',
  );
});
