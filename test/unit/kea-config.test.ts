/** Pure Kea configuration edits: reservations, conflicts, the guarded High-Alert pool, previews. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addReservationToConfig,
  classSpelling,
  ensureGuardedPoolInConfig,
  guardedPoolEntry,
  HIGH_ALERT_CLASS,
  HIGHALERT_DEFAULT_LABEL,
  isConflict,
  isHighalertReservation,
  listReservationsInConfig,
  locateSubnet,
  parsePool,
  poolClasses,
  previewLine,
  removeReservationFromConfig,
  reservationEntry,
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
    '+ subnet 10 (10.77.0.0/24) reservation { "hw-address": "aa:bb:cc:00:00:01", "ip-address": "10.77.0.240", "user-context": { "highalert": {} } }',
  );
  assert.equal(
    previewLine('remove', r('aa:bb:cc:00:00:01', '10.77.0.240', { subnet: '10.77.0.0/24' }, 'case 7')),
    '- subnet 10.77.0.0/24 reservation { "hw-address": "aa:bb:cc:00:00:01", "ip-address": "10.77.0.240", "user-context": { "highalert": { "label": "case 7" } } }',
  );
});

test('reservationEntry always writes highalert’s marker; only marked entries read back as highalert’s', () => {
  assert.deepEqual(reservationEntry(r('aa:bb:cc:00:00:01', '10.77.0.240')), {
    'hw-address': 'aa:bb:cc:00:00:01',
    'ip-address': '10.77.0.240',
    'user-context': { highalert: {} },
  });
  const c = config([
    reservationEntry(r('aa:bb:cc:00:00:01', '10.77.0.240', SCOPE, 'highalert case 7')),
    reservationEntry(r('aa:bb:cc:00:00:02', '10.77.0.241')),
    { 'hw-address': 'aa:bb:cc:00:00:03', 'ip-address': '10.77.0.242', 'user-context': { highalert: true } },
    { 'hw-address': 'aa:bb:cc:00:00:04', 'ip-address': '10.77.0.243' },
    { 'hw-address': 'aa:bb:cc:00:00:05', 'ip-address': '10.77.0.244', 'user-context': { owner: 'netops' } },
    { 'hw-address': 'aa:bb:cc:00:00:06', 'ip-address': '10.77.0.245', 'user-context': { highalert: 'no' } },
    { 'hw-address': 'aa:bb:cc:00:00:07', 'ip-address': '10.77.0.246', hostname: 'highalert' },
  ]);
  const list = listReservationsInConfig(c, SCOPE);
  assert.ok(!isConflict(list));
  assert.deepEqual(
    list.map((x) => [x.mac.slice(-2), x.label, isHighalertReservation(x)]),
    [
      ['01', 'highalert case 7', true],
      ['02', HIGHALERT_DEFAULT_LABEL, true],
      ['03', HIGHALERT_DEFAULT_LABEL, true],
      ['04', undefined, false],
      ['05', undefined, false],
      ['06', undefined, false],
      ['07', undefined, false],
    ],
  );
});

/** Subnet 77 with these pools (and extra subnet keys), the class defined, authoritative. */
function poolsConfig(pools: JsonObject[], extra: JsonObject = {}): JsonObject {
  return {
    Dhcp4: {
      authoritative: true,
      'client-classes': [{ name: HIGH_ALERT_CLASS, test: "'never' == 'dynamic'" }],
      subnet4: [{ id: 77, subnet: '10.77.0.0/24', pools, ...extra }],
    },
  };
}

const HA_RANGE = range('10.77.0.240', '10.77.0.250');

function poolsOf(c: JsonObject): JsonObject[] {
  return ((c.Dhcp4 as JsonObject).subnet4 as JsonObject[])[0]!.pools as JsonObject[];
}

test('classSpelling: client-classes when a pool, subnet or shared network uses the list, never for the class definitions', () => {
  assert.equal(classSpelling(poolsConfig([{ pool: '10.77.0.100-10.77.0.199' }])), 'client-class');
  assert.equal(
    classSpelling(poolsConfig([{ pool: '10.77.0.100-10.77.0.199', 'client-classes': [] }])),
    'client-classes',
  );
  assert.equal(
    classSpelling(poolsConfig([{ pool: '10.77.0.100-10.77.0.199' }], { 'client-classes': ['STAFF'] })),
    'client-classes',
  );
  assert.equal(
    classSpelling({ Dhcp4: { 'shared-networks': [{ name: 'n', 'client-classes': [], subnet4: [] }] } }),
    'client-classes',
  );
  assert.equal(classSpelling(config()), 'client-class', 'Dhcp4.client-classes are definitions');
});

test('ensureGuardedPoolInConfig writes client-classes: [class] where the config uses lists, never both spellings', () => {
  // A new pool on a Kea ≥ 2.7.5 configuration.
  const modern = poolsConfig([{ pool: '10.77.0.100-10.77.0.199', 'client-classes': [] }]);
  const added = ok(ensureGuardedPoolInConfig(modern, SCOPE, HA_RANGE));
  assert.equal(added.changed, true);
  assert.deepEqual(poolsOf(added.config)[1], {
    pool: '10.77.0.240 - 10.77.0.250',
    'client-classes': [HIGH_ALERT_CLASS],
  });
  assert.equal(ok(ensureGuardedPoolInConfig(added.config, SCOPE, HA_RANGE)).changed, false);
  assert.deepEqual(guardedPoolEntry(modern, HA_RANGE), {
    pool: '10.77.0.240 - 10.77.0.250',
    'client-classes': [HIGH_ALERT_CLASS],
  });
  // An unguarded pool of that range, in either spelling of "no class".
  for (const unguarded of [
    { pool: '10.77.0.240-10.77.0.250', 'client-classes': [] },
    { pool: '10.77.0.240-10.77.0.250', 'client-class': '', 'client-classes': [] },
  ]) {
    const res = ok(ensureGuardedPoolInConfig(poolsConfig([unguarded]), SCOPE, HA_RANGE));
    assert.equal(res.changed, true);
    assert.deepEqual(poolsOf(res.config), [
      { pool: '10.77.0.240-10.77.0.250', 'client-classes': [HIGH_ALERT_CLASS] },
    ]);
  }
  // Older Kea: the single name, and an empty client-class is replaced, not doubled.
  const old = ok(
    ensureGuardedPoolInConfig(
      poolsConfig([{ pool: '10.77.0.240-10.77.0.250', 'client-class': '' }]),
      SCOPE,
      HA_RANGE,
    ),
  );
  assert.deepEqual(poolsOf(old.config), [
    { pool: '10.77.0.240-10.77.0.250', 'client-class': HIGH_ALERT_CLASS },
  ]);
});

test('ensureGuardedPoolInConfig reads the guard in both spellings: already guarded → unchanged', () => {
  for (const pool of [
    { pool: '10.77.0.240-10.77.0.250', 'client-classes': [HIGH_ALERT_CLASS] },
    { pool: '10.77.0.240-10.77.0.250', 'client-class': HIGH_ALERT_CLASS },
    // Kea ≥ 2.7.5 may answer config-get with the list even where the single name was written.
    { pool: '10.77.0.240-10.77.0.250', 'client-class': '', 'client-classes': [HIGH_ALERT_CLASS] },
  ]) {
    const res = ok(ensureGuardedPoolInConfig(poolsConfig([pool]), SCOPE, HA_RANGE));
    assert.equal(res.changed, false, JSON.stringify(pool));
    assert.deepEqual(poolsOf(res.config), [pool], 'left as it is');
  }
});

test('ensureGuardedPoolInConfig refuses a pool of that range with a foreign class in either spelling', () => {
  for (const pool of [
    { pool: '10.77.0.240-10.77.0.250', 'client-classes': ['VOIP'] },
    { pool: '10.77.0.240-10.77.0.250', 'client-classes': [HIGH_ALERT_CLASS, 'VOIP'] },
    { pool: '10.77.0.240-10.77.0.250', 'client-class': HIGH_ALERT_CLASS, 'client-classes': ['VOIP'] },
    { pool: '10.77.0.240-10.77.0.250', 'client-class': 'VOIP', 'client-classes': [HIGH_ALERT_CLASS] },
    { pool: '10.77.0.240-10.77.0.250', 'client-class': 'VOIP' },
  ]) {
    const res = ensureGuardedPoolInConfig(poolsConfig([pool]), SCOPE, HA_RANGE);
    assert.ok(isConflict(res) && res.code === 'E_KEA_POOL_CLASS', JSON.stringify(pool));
    assert.match(res.message, /"VOIP"/);
  }
  assert.deepEqual(poolClasses({ 'client-class': 'A', 'client-classes': ['A', 'B', ''] }), ['A', 'B']);
});
