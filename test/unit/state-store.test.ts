import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { HighAlertError } from '../../src/errors.js';
import { isPidAlive } from '../../src/state/index.js';
import { parseIp } from '../../src/values/ip.js';
import { freshStore, mac, sampleQuarantine } from './state-fixtures.js';

/** A fixed, steppable clock so times and orders are predictable. */
function clock(start = Date.parse('2026-12-04T16:30:00.000Z')): {
  now: () => Date;
  tick: (ms?: number) => void;
} {
  let t = start;
  return { now: () => new Date(t), tick: (ms = 1000) => void (t += ms) };
}

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  assert.ok(r.pid && !isPidAlive(r.pid));
  return r.pid;
}

function throwsCode(fn: () => unknown, code: string): void {
  assert.throws(fn, (err: unknown) => err instanceof HighAlertError && err.code === code);
}

test('quarantine round trip: record, get by id / MAC / IP, update', () => {
  const c = clock();
  const store = freshStore({ now: c.now });
  const input = sampleQuarantine();
  const q = store.recordQuarantine(input);
  assert.equal(q.status, 'applying');
  assert.equal(q.verdict, null);
  assert.equal(q.highAlertIp, null);
  assert.equal(q.createdAt, '2026-12-04T16:30:00.000Z');
  assert.equal(q.expiresAt, '2026-12-04T17:30:00.000Z');
  assert.deepEqual(q.snapshot, input.snapshot);
  assert.deepEqual(q.evidence, input.evidence);
  assert.deepEqual(q.details, input.details);

  assert.deepEqual(store.getQuarantine(q.id), q);
  assert.deepEqual(store.getQuarantine(String(q.id)), q);
  assert.deepEqual(store.getQuarantine('0200.0000.0001'), q);
  assert.deepEqual(store.getQuarantine('10.1.20.17'), q);
  assert.deepEqual(store.activeQuarantineForMac(mac(1)), q);
  assert.equal(store.getQuarantine('no-such-thing'), undefined);

  c.tick();
  const u = store.updateQuarantine(q.id, {
    status: 'isolated',
    highAlertIp: parseIp('10.1.20.240'),
    ttlS: 60,
  });
  assert.equal(u.status, 'isolated');
  assert.equal(u.highAlertIp, '10.1.20.240');
  assert.equal(u.updatedAt, '2026-12-04T16:30:01.000Z');
  assert.equal(u.expiresAt, '2026-12-04T16:31:00.000Z', 'ttl counts from creation');
  assert.equal(u.reason, q.reason, 'untouched fields stay');
  assert.deepEqual(store.getQuarantine('10.1.20.240'), u);
  throwsCode(() => store.updateQuarantine(999, { status: 'released' }), 'E_STATE_NO_QUARANTINE');
});

test('one active quarantine per MAC; released ones do not count', () => {
  const store = freshStore();
  const first = store.recordQuarantine(sampleQuarantine());
  throwsCode(() => store.recordQuarantine(sampleQuarantine()), 'E_ALREADY_QUARANTINED');

  for (const status of ['released', 'rolled-back', 'failed'] as const) {
    const active = store.activeQuarantineForMac(mac(1))!;
    store.updateQuarantine(active.id, { status });
    assert.equal(store.activeQuarantineForMac(mac(1)), undefined);
    store.recordQuarantine(sampleQuarantine());
  }
  assert.equal(store.listQuarantines({ mac: mac(1), includeReleased: true }).length, 4);
  const active = store.activeQuarantineForMac(mac(1))!;
  // Re-activating an old one while another is active breaks the invariant: refused.
  throwsCode(() => store.updateQuarantine(first.id, { status: 'isolated' }), 'E_ALREADY_QUARANTINED');
  // By MAC, the active one wins over newer-or-older inactive ones.
  assert.equal(store.getQuarantine(mac(1))!.id, active.id);
});

test('listQuarantines filters by status, site, user, MAC', () => {
  const store = freshStore();
  const a = store.recordQuarantine(sampleQuarantine({ mac: mac(1), site: 'hq', userId: 'jdoe' }));
  const b = store.recordQuarantine(sampleQuarantine({ mac: mac(2), site: 'branch', userId: 'asmith' }));
  const c = store.recordQuarantine(sampleQuarantine({ mac: mac(3), site: 'hq', userId: null }));
  store.updateQuarantine(c.id, { status: 'released' });
  const ids = (list: { id: number }[]): number[] => list.map((q) => q.id);
  assert.deepEqual(ids(store.listQuarantines()), [a.id, b.id]);
  assert.deepEqual(ids(store.listQuarantines({ includeReleased: true })), [a.id, b.id, c.id]);
  assert.deepEqual(ids(store.listQuarantines({ site: 'hq' })), [a.id]);
  assert.deepEqual(ids(store.listQuarantines({ site: 'hq', includeReleased: true })), [a.id, c.id]);
  assert.deepEqual(ids(store.listQuarantines({ user: 'asmith' })), [b.id]);
  assert.deepEqual(ids(store.listQuarantines({ status: 'released' })), [c.id]);
  assert.deepEqual(ids(store.listQuarantines({ status: ['applying', 'released'] })), [a.id, b.id, c.id]);
  assert.deepEqual(ids(store.listQuarantines({ mac: mac(2) })), [b.id]);
});

test('journal lifecycle: pending before it runs, then done/failed, undone/undo-failed', () => {
  const store = freshStore();
  const op = store.beginOperation({ kind: 'quarantine', target: '10.1.20.17', operator: 'alice' });
  assert.equal(op.status, 'running');
  assert.equal(op.pid, process.pid);

  const s1 = store.journalStep(op.id, {
    device: 'acc-sw1',
    kind: 'device-config',
    do: { lines: ['interface GigabitEthernet1/0/5', ' ip access-group HA-IN in'] },
    undo: { lines: ['interface GigabitEthernet1/0/5', ' no ip access-group HA-IN in'] },
  });
  const s2 = store.journalStep(op.id, {
    device: 'kea1',
    kind: 'dhcp-reservation',
    do: { add: { mac: mac(1), ip: '10.1.20.240' } },
    undo: { remove: { mac: mac(1) } },
  });
  const s3 = store.journalStep(op.id, {
    device: 'acc-sw1',
    kind: 'renew',
    do: { bounce: 'Gi1/0/5' },
    undo: null,
  });
  assert.deepEqual(
    store.stepsOf(op.id).map((s) => [s.seq, s.status]),
    [
      [1, 'pending'],
      [2, 'pending'],
      [3, 'pending'],
    ],
  );

  store.markStepDone(s1);
  store.markStepDone(s2);
  store.markStepFailed(s3, 'port did not come up');
  throwsCode(() => store.markStepDone(s1), 'E_STATE_JOURNAL'); // done → done is not a transition
  store.markStepUndoFailed(s2, 'kea1 unreachable');
  store.markStepUndone(s2); // retried by recover
  store.markStepUndone(s1);

  const steps = store.stepsOf(op.id);
  assert.deepEqual(
    steps.map((s) => [s.id, s.status, s.error]),
    [
      [s1, 'undone', null],
      [s2, 'undone', 'kea1 unreachable'],
      [s3, 'failed', 'port did not come up'],
    ],
  );
  assert.deepEqual(steps[0]!.do, { lines: ['interface GigabitEthernet1/0/5', ' ip access-group HA-IN in'] });
  assert.equal(steps[2]!.undo, null);

  store.finishOperation(op.id, 'rolled-back');
  const done = store.getOperation(op.id)!;
  assert.equal(done.status, 'rolled-back');
  assert.ok(done.finishedAt);
  throwsCode(
    () => store.journalStep(op.id, { device: 'x', kind: 'renew', do: {}, undo: null }),
    'E_STATE_OPERATION_DONE',
  );
  throwsCode(() => store.finishOperation(op.id, 'done'), 'E_STATE_OPERATION_DONE');
});

test('unfinishedOperations: running with a dead pid only', () => {
  const store = freshStore();
  const alive = store.beginOperation({ kind: 'quarantine', target: 'a', operator: 'alice' });
  const dead = store.beginOperation({ kind: 'release', target: 'b', operator: 'bob', pid: deadPid() });
  const finished = store.beginOperation({
    kind: 'quarantine',
    target: 'c',
    operator: 'alice',
    pid: deadPid(),
  });
  store.finishOperation(finished.id, 'done');
  assert.deepEqual(
    store.unfinishedOperations().map((o) => o.id),
    [dead.id],
  );
  assert.ok(isPidAlive(process.pid));
  assert.equal(isPidAlive(alive.pid), true);
  assert.equal(isPidAlive(0), false);
});

test('claimTarget: one claim per MAC; already-active; freed when the operation ends', () => {
  const store = freshStore();
  const op1 = store.beginOperation({ kind: 'quarantine', target: mac(1), operator: 'alice' });
  const op2 = store.beginOperation({ kind: 'quarantine', target: mac(1), operator: 'bob' });
  assert.deepEqual(store.claimTarget(mac(1), op1.id), { ok: true });
  assert.deepEqual(store.claimTarget(mac(1), op1.id), { ok: true }, 'claiming again is a no-op');
  const busy = store.claimTarget(mac(1), op2.id);
  assert.ok(!busy.ok && busy.reason === 'in-progress');
  assert.equal(busy.operation.id, op1.id);
  assert.equal(busy.operation.pid, process.pid);
  assert.equal(busy.alive, true);

  const q = store.recordQuarantine(sampleQuarantine());
  store.updateQuarantine(q.id, { status: 'isolated' });
  store.finishOperation(op1.id, 'done');
  const again = store.claimTarget(mac(1), op2.id);
  assert.ok(!again.ok && again.reason === 'already-active');
  assert.equal(again.quarantine.id, q.id);

  // Release takes the lock and gets the active quarantine.
  const rel = store.beginOperation({ kind: 'release', target: mac(1), operator: 'bob' });
  const lock = store.lockTarget(mac(1), rel.id);
  assert.ok(lock.ok);
  assert.equal(lock.active?.id, q.id);
  const op3 = store.beginOperation({ kind: 'quarantine', target: mac(1), operator: 'carol' });
  const during = store.claimTarget(mac(1), op3.id);
  assert.ok(!during.ok && during.reason === 'in-progress' && during.operation.id === rel.id);
});

test('a dead holder is reported as not alive (recover first)', () => {
  const store = freshStore();
  const dead = store.beginOperation({ kind: 'quarantine', target: mac(1), operator: 'a', pid: deadPid() });
  assert.ok(store.claimTarget(mac(1), dead.id).ok);
  const op = store.beginOperation({ kind: 'quarantine', target: mac(1), operator: 'b' });
  const r = store.claimTarget(mac(1), op.id);
  assert.ok(!r.ok && r.reason === 'in-progress' && r.alive === false);
});

test('history: newest first, by target / MAC / device, with limit', () => {
  const c = clock();
  const store = freshStore({ now: c.now });
  const base = { operator: 'alice', commandLine: 'highalert quarantine 10.1.20.17 --yes', result: 'ok' };
  store.appendAudit({ ...base, action: 'quarantine', target: '10.1.20.17', mac: mac(1) });
  c.tick();
  store.appendAudit({
    ...base,
    action: 'device-config',
    target: '10.1.20.17',
    mac: mac(1),
    device: 'acc-sw1',
    lines: { 'acc-sw1': ['interface GigabitEthernet1/0/5', ' ip access-group HA-IN in'] },
  });
  c.tick();
  store.appendAudit({ ...base, action: 'quarantine', target: 'jdoe2', mac: mac(2) });
  store.appendAudit({ ...base, action: 'release', target: 'jdoe2', mac: mac(2) }); // same second

  assert.deepEqual(
    store.history().map((e) => [e.action, e.target]),
    [
      ['release', 'jdoe2'],
      ['quarantine', 'jdoe2'],
      ['device-config', '10.1.20.17'],
      ['quarantine', '10.1.20.17'],
    ],
  );
  assert.equal(store.history({ limit: 1 })[0]!.action, 'release');
  assert.deepEqual(
    store.history({ target: '0200.0000.0001' }).map((e) => e.action),
    ['device-config', 'quarantine'],
  );
  assert.deepEqual(
    store.history({ target: 'acc-sw1' }).map((e) => e.lines),
    [{ 'acc-sw1': ['interface GigabitEthernet1/0/5', ' ip access-group HA-IN in'] }],
  );
});

test('no secrets: no credential column, and secret-looking JSON keys are refused', () => {
  const store = freshStore();
  const columns = store.db
    .prepare<[], string>(
      "SELECT p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
    )
    .pluck()
    .all();
  assert.ok(columns.length > 40);
  for (const c of columns) assert.doesNotMatch(c, /pass|secret|token|credential|private|api_?key/i, c);

  throwsCode(
    () => store.recordQuarantine(sampleQuarantine({ details: { password: 'hunter2' } })),
    'E_STATE_SECRET',
  );
  const op = store.beginOperation({ kind: 'quarantine', target: 'x', operator: 'alice' });
  throwsCode(
    () =>
      store.journalStep(op.id, {
        device: 'kea1',
        kind: 'dhcp-reservation',
        do: { auth: { token: 't' } },
        undo: null,
      }),
    'E_STATE_SECRET',
  );
  assert.equal(store.listQuarantines({ includeReleased: true }).length, 0);
  assert.equal(store.stepsOf(op.id).length, 0);
});

test('reports queue: pending until delivered, attempts counted', () => {
  const store = freshStore();
  const q = store.recordQuarantine(sampleQuarantine());
  const r = store.enqueueReport(q.id, { user: 'jdoe', verdict: 'malicious' });
  store.markReportFailed(r.id, 'HTTP 503');
  const [pending] = store.pendingReports();
  assert.equal(pending!.attempts, 1);
  assert.equal(pending!.lastError, 'HTTP 503');
  store.markReportDelivered(r.id);
  assert.deepEqual(store.pendingReports(), []);
  throwsCode(() => store.markReportDelivered(999), 'E_STATE_NO_REPORT');
});

test('reports queue: withdrawn reports are no longer pending, delivered ones are not withdrawn', () => {
  const store = freshStore();
  const q = store.recordQuarantine(sampleQuarantine());
  const sent = store.enqueueReport(q.id, { verdict: 'malicious' });
  store.markReportDelivered(sent.id);
  const a = store.enqueueReport(q.id, { verdict: 'malicious' });
  store.markReportFailed(a.id, 'HTTP 503');
  const b = store.enqueueReport(q.id, { verdict: 'malicious' });
  const withdrawn = store.withdrawReports(q.id, 'verdict benign');
  assert.deepEqual(
    withdrawn.map((r) => [r.id, r.lastError, r.withdrawnAt !== null, r.deliveredAt]),
    [
      [a.id, 'withdrawn: verdict benign', true, null],
      [b.id, 'withdrawn: verdict benign', true, null],
    ],
  );
  assert.deepEqual(store.pendingReports(), []);
  assert.deepEqual(store.withdrawReports(q.id, 'again'), [], 'only pending reports are withdrawn');
});

test('holds: one active per scope, end is idempotent', () => {
  const store = freshStore();
  const h = store.startHold({ message: 'maintenance', operator: 'alice', snapshot: { gw1: 'route-map HA' } });
  assert.equal(h.scope, 'all');
  throwsCode(() => store.startHold({ message: 'again', operator: 'bob' }), 'E_HOLD_ACTIVE');
  store.startHold({ scope: 'branch', message: 'branch only', operator: 'bob' });
  assert.equal(store.listHolds().length, 2);
  assert.equal(store.endHold('carol')!.endedBy, 'carol');
  assert.equal(store.endHold('carol'), undefined);
  assert.equal(store.activeHold(), undefined);
  assert.equal(store.listHolds({ includeEnded: true }).length, 2);
});
