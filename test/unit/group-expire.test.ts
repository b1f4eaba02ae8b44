/** `highalert expire`: exactly the expired, active, non-malicious quarantines are released. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeviceError, HighAlertError } from '../../src/errors.js';
import { expireExitCode, runExpire, selectExpired, type ExpireRequest } from '../../src/group/index.js';
import { renderExpire } from '../../src/group/render.js';
import { T0, fakeRelease, seed, storeWithClock } from './group-fixtures.js';

const HOUR = 3600_000;

function request(overrides: Partial<ExpireRequest> = {}): ExpireRequest {
  return {
    inventoryPath: 'inventory.yaml',
    dryRun: false,
    yes: true,
    json: true,
    operator: 'cron',
    commandLine: 'highalert expire --yes',
    ...overrides,
  };
}

/** Every combination that matters, at T0. */
function world() {
  const { store, c } = storeWithClock();
  const old = T0 - 3 * HOUR;
  const q = {
    expired: seed(store, c, 1, { at: old, ttlS: 3600 }),
    expiredRenew: seed(store, c, 2, { at: old, ttlS: 3600, status: 'pending-renew' }),
    expiredBenign: seed(store, c, 3, { at: old, ttlS: 3600, verdict: 'benign' }),
    expiredMalicious: seed(store, c, 4, { at: old, ttlS: 3600, verdict: 'malicious' }),
    notYet: seed(store, c, 5, { at: old, ttlS: 4 * 3600 }),
    noTtl: seed(store, c, 6, { at: old, ttlS: null }),
    expiredReleased: seed(store, c, 7, { at: old, ttlS: 3600, status: 'released' }),
    expiredFailed: seed(store, c, 8, { at: old, ttlS: 3600, status: 'failed' }),
  };
  return { store, c, q, now: () => new Date(T0) };
}

describe('selectExpired', () => {
  it('expired, active and not malicious — nothing else', () => {
    const { store, q, now } = world();
    assert.deepEqual(
      selectExpired(store, now()).map((r) => r.id),
      [q.expired.id, q.expiredRenew.id, q.expiredBenign.id],
    );
  });

  it('a TTL passing exactly now is not yet expired', () => {
    const { store, c } = storeWithClock();
    seed(store, c, 1, { at: T0 - HOUR, ttlS: 3600 });
    assert.equal(selectExpired(store, new Date(T0)).length, 0);
    assert.equal(selectExpired(store, new Date(T0 + 1)).length, 1);
  });
});

describe('runExpire', () => {
  it('--dry-run lists them and calls nothing', async () => {
    const { store, q, now } = world();
    const { release, calls } = fakeRelease(store);
    const r = await runExpire(store, request({ dryRun: true, yes: false }), { release, now });
    assert.equal(calls.length, 0);
    assert.deepEqual(
      r.expired.map((e) => [e.id, e.result]),
      [
        [q.expired.id, 'would-release'],
        [q.expiredRenew.id, 'would-release'],
        [q.expiredBenign.id, 'would-release'],
      ],
    );
    assert.equal(expireExitCode(r), 0);
    assert.match(renderExpire(r), /Dry run: 3 quarantines would be released; nothing changed\./);
  });

  it('releases each one through the release function, by MAC, with --yes passed on', async () => {
    const { store, q, now } = world();
    const { release, calls } = fakeRelease(store);
    const r = await runExpire(store, request({ verify: false }), { release, now });
    assert.deepEqual(
      calls.map((c) => c.target),
      [q.expired.mac, q.expiredRenew.mac, q.expiredBenign.mac],
    );
    assert.ok(calls.every((c) => c.yes && !c.dryRun && c.statePath === store.path && c.verify === false));
    assert.deepEqual([r.released, r.failed, r.skipped], [3, 0, 0]);
    assert.ok(r.expired.every((e) => e.result === 'released' && e.status === 'released'));
    assert.equal(expireExitCode(r), 0);
    assert.equal(store.getQuarantine(q.expiredMalicious.id)!.status, 'isolated', 'malicious ones stay');
    assert.equal(store.getQuarantine(q.notYet.id)!.status, 'isolated');
  });

  it('one failure does not stop the rest: partial, exit 1, with the error per target', async () => {
    const { store, q, now } = world();
    const { release, calls } = fakeRelease(store, (mac) =>
      mac === q.expiredRenew.mac ? new DeviceError('E_CONNECT', 'acc-sw1: connection refused') : undefined,
    );
    const r = await runExpire(store, request(), { release, now });
    assert.equal(calls.length, 3);
    assert.deepEqual(
      r.expired.map((e) => e.result),
      ['released', 'failed', 'released'],
    );
    assert.equal(r.expired[1]!.error!.code, 'E_CONNECT');
    assert.equal(expireExitCode(r), 1);
    assert.match(renderExpire(r), /2 released, 1 failed, 0 skipped/);
  });

  it('every release failing is exit 3', async () => {
    const { store, now } = world();
    const { release } = fakeRelease(store, () => new DeviceError('E_CONNECT', 'down'));
    const r = await runExpire(store, request(), { release, now });
    assert.equal(r.failed, 3);
    assert.equal(expireExitCode(r), 3);
  });

  it('skips quarantines an operation is working on, and ones marked malicious meanwhile', async () => {
    const { store, c } = storeWithClock();
    const busy = seed(store, c, 1, { at: T0 - 2 * HOUR, status: 'applying' });
    const fine = seed(store, c, 2, { at: T0 - 2 * HOUR });
    const later = seed(store, c, 3, { at: T0 - 2 * HOUR });
    const { release, calls } = fakeRelease(store);
    const racing: typeof release = async (req) => {
      // Another operator marks #3 malicious while #2 is being released.
      if (req.target === fine.mac) store.updateQuarantine(later.id, { verdict: 'malicious' });
      return release(req);
    };
    const r = await runExpire(store, request(), { release: racing, now: () => new Date(T0) });
    assert.deepEqual(
      r.expired.map((e) => [e.id, e.result, e.error?.code ?? null]),
      [
        [busy.id, 'skipped', 'E_TARGET_BUSY'],
        [fine.id, 'released', null],
        [later.id, 'skipped', 'E_CHANGED'],
      ],
    );
    assert.deepEqual(
      calls.map((x) => x.target),
      [fine.mac],
    );
    assert.equal(store.getQuarantine(later.id)!.status, 'isolated');
    assert.equal(expireExitCode(r), 1, 'skipped is not "all released"');
  });

  it('a malicious verdict landing after the check, before release locks the MAC: skipped, not released', async () => {
    const { store, c } = storeWithClock();
    const fine = seed(store, c, 1, { at: T0 - 2 * HOUR });
    const late = seed(store, c, 2, { at: T0 - 2 * HOUR });
    const { release, calls } = fakeRelease(store);
    // Like the real release: the verdict is read under the MAC's lock, after expire's own check.
    const lockingRelease: typeof release = async (req) => {
      if (req.target === late.mac) store.updateQuarantine(late.id, { verdict: 'malicious' });
      const locked = store.getQuarantine(req.target)!;
      if (req.unlessVerdict !== undefined && locked.verdict === req.unlessVerdict) {
        calls.push(req);
        const reason = `quarantine ${locked.id} is marked ${locked.verdict}; not released`;
        return { outcome: 'skipped', changed: false, target: req.target, reason };
      }
      return release(req);
    };
    const progress: string[] = [];
    const r = await runExpire(store, request({ progress: (l) => progress.push(l) }), {
      release: lockingRelease,
      now: () => new Date(T0),
    });
    assert.ok(
      calls.every((x) => x.unlessVerdict === 'malicious'),
      'expire asks release to re-check',
    );
    assert.deepEqual(
      r.expired.map((e) => [e.id, e.result, e.status, e.error?.code ?? null]),
      [
        [fine.id, 'released', 'released', null],
        [late.id, 'skipped', 'isolated', 'E_CHANGED'],
      ],
    );
    assert.match(r.expired[1]!.error!.message, /marked malicious; not released/);
    assert.deepEqual([r.released, r.failed, r.skipped], [1, 0, 1]);
    assert.equal(expireExitCode(r), 1);
    assert.ok(
      progress.includes(`${late.mac}: skipped (quarantine ${late.id} is marked malicious; not released)`),
    );
    assert.equal(store.getQuarantine(late.id)!.status, 'isolated');
  });

  it('nothing expired: no question, no release, exit 0', async () => {
    const { store, c } = storeWithClock();
    seed(store, c, 1, { ttlS: 3600 });
    const { release, calls } = fakeRelease(store);
    const r = await runExpire(store, request({ yes: false }), {
      release,
      now: () => new Date(T0),
      confirm: () => assert.fail('must not ask'),
    });
    assert.equal(r.expired.length, 0);
    assert.equal(calls.length, 0);
    assert.equal(expireExitCode(r), 0);
    assert.match(renderExpire(r), /No quarantine has expired/);
  });

  it('without --yes it asks; "no" cancels and releases nothing', async () => {
    const { store, now } = world();
    const { release, calls } = fakeRelease(store);
    const asked: string[] = [];
    await assert.rejects(
      runExpire(store, request({ yes: false }), {
        release,
        now,
        confirm: async (question) => (asked.push(question), false),
      }),
      (e: unknown) => e instanceof HighAlertError && e.code === 'E_CANCELLED' && e.exitCode === 2,
    );
    assert.deepEqual(asked, ['Release 3 expired quarantines from the High-Alert group?']);
    assert.equal(calls.length, 0);
  });
});
