/** `highalert status` logic: filters, targets, TTL left, holds, queued reports. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HighAlertError } from '../../src/errors.js';
import { groupStatus, ttlLeftSeconds } from '../../src/group/index.js';
import { renderStatus, formatDuration } from '../../src/group/render.js';
import { T0, seed, storeWithClock } from './group-fixtures.js';

const HOUR = 3600_000;

function ids(rows: readonly { id: number }[]): number[] {
  return rows.map((r) => r.id);
}

describe('ttlLeftSeconds', () => {
  const now = new Date(T0);
  it('is null without a TTL', () => assert.equal(ttlLeftSeconds(null, now), null));
  it('counts whole seconds down to expiry', () => {
    assert.equal(ttlLeftSeconds(new Date(T0 + 90_500).toISOString(), now), 90);
  });
  it('is 0 at and after expiry, never negative', () => {
    assert.equal(ttlLeftSeconds(new Date(T0).toISOString(), now), 0);
    assert.equal(ttlLeftSeconds(new Date(T0 - 5000).toISOString(), now), 0);
  });
  it('formats for people', () => {
    assert.deepEqual([45, 60, 9000, 90061].map(formatDuration), ['45s', '1m', '2h30m', '1d1h']);
  });
});

describe('groupStatus', () => {
  function world() {
    const { store, c } = storeWithClock();
    const q1 = seed(store, c, 1, { at: T0 - 2 * HOUR, ttlS: 3600 }); // expired an hour ago
    const q2 = seed(store, c, 2, { at: T0 - HOUR / 2, ttlS: 3600, status: 'pending-renew' }); // 30 min left
    const q3 = seed(store, c, 3, { ttlS: null, site: 'branch' }); // no TTL
    const q4 = seed(store, c, 4, { status: 'released' });
    const q5 = seed(store, c, 5, { status: 'rolled-back', site: 'branch' });
    return { store, c, q1, q2, q3, q4, q5, now: new Date(T0) };
  }

  it('lists active quarantines by default, with TTL left and expiry', () => {
    const { store, q1, q2, q3, now } = world();
    const s = groupStatus(store, {}, now);
    assert.deepEqual(ids(s.quarantines), [q1.id, q2.id, q3.id]);
    const [r1, r2, r3] = s.quarantines;
    assert.deepEqual([r1!.ttlLeftS, r1!.expired], [0, true]);
    assert.deepEqual([r2!.ttlLeftS, r2!.expired], [1800, false]);
    assert.deepEqual([r3!.ttlLeftS, r3!.expired], [null, false]);
    assert.equal(r1!.since, new Date(T0 - 2 * HOUR).toISOString());
    assert.equal(r1!.highAlertIp, '10.1.20.241');
    assert.equal(r1!.user, 'user1');
    assert.equal(s.now, now.toISOString());
    assert.equal(s.pendingReports, 0);
  });

  it('--all adds released, rolled-back and failed ones', () => {
    const { store, now } = world();
    assert.equal(groupStatus(store, { all: true }, now).quarantines.length, 5);
  });

  it('--status, --site and --user narrow it; --status reaches released ones', () => {
    const { store, q2, q3, q4, q5, now } = world();
    assert.deepEqual(ids(groupStatus(store, { status: ['pending-renew'] }, now).quarantines), [q2.id]);
    assert.deepEqual(ids(groupStatus(store, { status: ['released', 'rolled-back'] }, now).quarantines), [
      q4.id,
      q5.id,
    ]);
    assert.deepEqual(ids(groupStatus(store, { site: 'branch' }, now).quarantines), [q3.id]);
    assert.deepEqual(ids(groupStatus(store, { site: 'branch', all: true }, now).quarantines), [q3.id, q5.id]);
    assert.deepEqual(ids(groupStatus(store, { user: 'user2' }, now).quarantines), [q2.id]);
    assert.deepEqual(ids(groupStatus(store, { user: 'user4' }, now).quarantines), []);
  });

  it('a target is a MAC in any notation, an IP, a user id or a quarantine id', () => {
    const { store, q2, q4, now } = world();
    for (const t of [
      '02:00:00:00:00:02',
      '0200.0000.0002',
      '02-00-00-00-00-02',
      '10.1.20.242',
      '10.1.20.12',
      'user2',
      String(q2.id),
    ]) {
      assert.deepEqual(ids(groupStatus(store, { target: t }, now).quarantines), [q2.id], t);
    }
    // A released one is shown when named, even without --all.
    assert.deepEqual(ids(groupStatus(store, { target: 'user4' }, now).quarantines), [q4.id]);
  });

  it('an unknown target is exit 2 with a clear message', () => {
    const { store, now } = world();
    assert.throws(
      () => groupStatus(store, { target: 'nobody' }, now),
      (e: unknown) =>
        e instanceof HighAlertError &&
        e.code === 'E_TARGET_NOT_FOUND' &&
        e.exitCode === 2 &&
        /no quarantine matches "nobody"/.test(e.message),
    );
  });

  it('shows the active hold and marks quarantines whose report is queued', () => {
    const { store, q1, q2, now } = world();
    store.startHold({ message: 'Incident 4711: on hold', operator: 'bob' });
    const r = store.enqueueReport(q1.id, { verdict: 'malicious' });
    store.enqueueReport(q2.id, { verdict: 'malicious' });
    let s = groupStatus(store, {}, now);
    assert.equal(s.holds.length, 1);
    assert.equal(s.holds[0]!.message, 'Incident 4711: on hold');
    assert.deepEqual(
      s.quarantines.map((q) => q.reportQueued),
      [true, true, false],
    );
    assert.equal(s.pendingReports, 2);
    const text = renderStatus(s);
    assert.match(text, /ON HOLD \(all\).*Incident 4711: on hold/);
    assert.match(text, /report queued/);
    assert.match(text, /2 reports queued for the decision controller/);
    assert.match(text, /acc-sw1 Gi1\/0\/5/);
    assert.match(text, /expired/);

    store.markReportDelivered(r.id);
    s = groupStatus(store, {}, now);
    assert.deepEqual(
      s.quarantines.map((q) => q.reportQueued),
      [false, true, false],
    );
    store.endHold('bob');
    assert.equal(groupStatus(store, {}, now).holds.length, 0);
  });

  it('an empty group says so', () => {
    const { store } = storeWithClock();
    assert.match(renderStatus(groupStatus(store)), /No quarantine/);
  });
});
