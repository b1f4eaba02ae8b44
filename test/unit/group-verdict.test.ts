/** `highalert verdict`: malicious reports (webhook with retries and a queue, or a file) and benign releases. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DeviceError, HighAlertError } from '../../src/errors.js';
import {
  flushReports,
  groupStatus,
  postJson,
  runVerdict,
  verdictExitCode,
  type VerdictDeps,
  type VerdictRequest,
} from '../../src/group/index.js';
import { renderStatus } from '../../src/group/render.js';
import type { VerdictContext } from '../../src/group/verdict.js';
import type { DecisionController } from '../../src/inventory/types.js';
import type { StateStore } from '../../src/state/index.js';
import {
  closedPort,
  fakeRelease,
  fakeWebhook,
  recordingSleep,
  seed,
  storeWithClock,
  tempDir,
} from './group-fixtures.js';

const TOKEN = 's3cret-token-value';
const ENV = { TEST_DC_TOKEN: TOKEN };

function controller(url: string): DecisionController {
  return { url, authHeader: 'X-Api-Key', authEnv: 'TEST_DC_TOKEN' };
}

function request(target: string, overrides: Partial<VerdictRequest> = {}): VerdictRequest {
  return {
    inventoryPath: 'inventory.yaml',
    target,
    verdict: 'malicious',
    dryRun: false,
    yes: true,
    json: true,
    operator: 'alice',
    commandLine: `highalert verdict ${target} --malicious`,
    ...overrides,
  };
}

function throwsCode(code: string, exitCode = 2): (e: unknown) => boolean {
  return (e) => e instanceof HighAlertError && e.code === code && e.exitCode === exitCode;
}

/** Everything the state database file holds, as text: a secret must never be in it. */
function stateText(store: StateStore): string {
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  return readFileSync(store.path).toString('latin1');
}

describe('verdict --malicious to the webhook', () => {
  it('posts the report with the auth header from the environment, marks the record, audits', async () => {
    const { store, c } = storeWithClock();
    const q = seed(store, c, 1, { extra: { evidence: [{ source: 'suricata', sid: 2024897 }] } });
    store.appendAudit({
      operator: 'alice',
      commandLine: 'highalert quarantine user1',
      action: 'quarantine',
      target: 'user1',
      mac: q.mac,
      result: 'isolated',
    });
    const hook = await fakeWebhook();
    const ctx: VerdictContext = { store, decisionController: controller(hook.url) };
    const deps: VerdictDeps = { env: ENV, now: c.now };
    const r = await runVerdict(ctx, request('0200.0000.0001', { note: 'C2 beacon confirmed' }), deps);

    assert.equal(hook.received.length, 1);
    const got = hook.received[0]!;
    assert.equal(got.method, 'POST');
    assert.equal(got.url, '/hook');
    assert.equal(got.headers['x-api-key'], TOKEN);
    assert.equal(got.headers['content-type'], 'application/json');
    assert.equal(got.headers['idempotency-key'], `highalert-report-${r.report!.reportId}`);
    const body = got.body;
    assert.equal(body.schema, 'highalert.report/v1');
    assert.equal(body.verdict, 'malicious');
    assert.equal(body.reportId, r.report!.reportId);
    assert.equal(body.quarantineId, q.id);
    assert.equal(body.mac, '02:00:00:00:00:01');
    assert.deepEqual(body.user, { id: 'user1', name: null });
    assert.equal(body.switch, 'acc-sw1');
    assert.equal(body.port, 'GigabitEthernet1/0/5');
    assert.equal(body.highAlertIp, '10.1.20.241');
    assert.deepEqual(body.evidence, [{ source: 'suricata', sid: 2024897 }]);
    assert.equal(body.note, 'C2 beacon confirmed');
    assert.equal(body.operator, 'alice');
    assert.equal(body.time, c.now().toISOString());
    assert.deepEqual((body.state as { status: string }).status, 'isolated');
    const timeline = body.timeline as { action: string }[];
    assert.deepEqual(
      timeline.map((e) => e.action),
      ['quarantine'],
    );

    assert.equal(r.changed, true);
    assert.equal(r.verdict, 'malicious');
    assert.deepEqual(
      {
        via: r.report!.via,
        delivered: r.report!.delivered,
        queued: r.report!.queued,
        error: r.report!.error,
      },
      { via: 'webhook', delivered: true, queued: false, error: null },
    );
    assert.equal(verdictExitCode(r), 0);
    assert.equal(store.getQuarantine(q.id)!.verdict, 'malicious');
    assert.equal(store.pendingReports().length, 0);
    assert.equal(groupStatus(store).quarantines[0]!.reportQueued, false);
    const audit = store.history({ target: q.mac });
    assert.deepEqual(
      audit.map((e) => e.action),
      ['verdict', 'report', 'quarantine'],
    );
    assert.match(audit[0]!.result, /malicious; report \d+ delivered/);

    // The token is never in the result, the state or the audit trail.
    assert.ok(!JSON.stringify(r).includes(TOKEN));
    assert.ok(!stateText(store).includes(TOKEN));
  });

  it('webhook down: retried with backoff, queued, shown by status, delivered by a later run first', async () => {
    const { store, c } = storeWithClock();
    const q1 = seed(store, c, 1);
    const q2 = seed(store, c, 2);
    const port = await closedPort();
    const dc = controller(`http://127.0.0.1:${port}/hook`);
    const slept = recordingSleep();
    const deps: VerdictDeps = { env: ENV, now: c.now, post: { sleep: slept.sleep } };

    const first = await runVerdict({ store, decisionController: dc }, request('user1'), deps);
    assert.deepEqual(slept.delays, [500, 1000, 2000], '4 attempts: 0.5 s, 1 s, 2 s apart');
    assert.equal(first.report!.delivered, false);
    assert.equal(first.report!.queued, true);
    assert.match(first.report!.error!, /POST http:\/\/127\.0\.0\.1:\d+\/hook: .*ECONNREFUSED/);
    assert.equal(verdictExitCode(first), 1, 'queued is partial');
    assert.equal(store.getQuarantine(q1.id)!.verdict, 'malicious', 'the verdict stands');
    const status = groupStatus(store);
    assert.equal(status.pendingReports, 1);
    assert.deepEqual(
      status.quarantines.map((r) => [r.id, r.reportQueued]),
      [
        [q1.id, true],
        [q2.id, false],
      ],
    );
    const [pending] = store.pendingReports();
    assert.equal(pending!.attempts, 1);
    assert.match(pending!.lastError!, /ECONNREFUSED/);
    assert.match(store.history({ target: q1.mac })[0]!.result, /queued/);

    // The controller comes back (same address): the next verdict delivers the queued one first.
    const hook = await fakeWebhook(() => 200, port);
    const second = await runVerdict({ store, decisionController: dc }, request('user2'), deps);
    assert.deepEqual(
      hook.received.map((r) => r.body.quarantineId),
      [q1.id, q2.id],
      'oldest first',
    );
    assert.ok(hook.received.every((r) => r.headers['x-api-key'] === TOKEN));
    assert.equal(second.report!.delivered, true);
    assert.equal(second.flush.delivered, 2);
    assert.equal(second.flush.queued, 0);
    assert.equal(store.pendingReports().length, 0);
    assert.equal(groupStatus(store).quarantines[0]!.reportQueued, false);
  });

  it('after a failed flush of older reports, the new one is queued without waiting out the retries again', async () => {
    const { store, c } = storeWithClock();
    seed(store, c, 1);
    seed(store, c, 2);
    const dc = controller(`http://127.0.0.1:${await closedPort()}/hook`);
    const slept = recordingSleep();
    const deps: VerdictDeps = { env: ENV, post: { sleep: slept.sleep } };
    await runVerdict({ store, decisionController: dc }, request('user1'), deps);
    slept.delays.length = 0;
    const r = await runVerdict({ store, decisionController: dc }, request('user2'), deps);
    assert.deepEqual(slept.delays, [500, 1000, 2000], 'one round of retries, not two');
    assert.equal(r.report!.queued, true);
    assert.equal(r.flush.queued, 2);
    assert.equal(store.pendingReports().length, 2);
  });

  it('a 4xx answer is not retried; the report stays queued with the status', async () => {
    const { store, c } = storeWithClock();
    seed(store, c, 1);
    const hook = await fakeWebhook(() => 401);
    const slept = recordingSleep();
    const r = await runVerdict({ store, decisionController: controller(hook.url) }, request('user1'), {
      env: ENV,
      post: { sleep: slept.sleep },
    });
    assert.equal(hook.received.length, 1);
    assert.deepEqual(slept.delays, []);
    assert.equal(r.report!.queued, true);
    assert.match(r.report!.error!, /HTTP 401/);
  });

  it('a 503 is retried until it succeeds', async () => {
    const { store, c } = storeWithClock();
    seed(store, c, 1);
    const hook = await fakeWebhook((n) => (n < 3 ? 503 : 204));
    const slept = recordingSleep();
    const r = await runVerdict({ store, decisionController: controller(hook.url) }, request('user1'), {
      env: ENV,
      post: { sleep: slept.sleep },
    });
    assert.equal(hook.received.length, 3);
    assert.deepEqual(slept.delays, [500, 1000]);
    assert.equal(r.report!.delivered, true);
    assert.equal(r.flush.deliveries[0]!.attempts, 3);
  });

  it('the auth variable unset: nothing is posted, the report is queued, the message names the variable', async () => {
    const { store, c } = storeWithClock();
    seed(store, c, 1);
    const hook = await fakeWebhook();
    const r = await runVerdict({ store, decisionController: controller(hook.url) }, request('user1'), {
      env: {},
    });
    assert.equal(hook.received.length, 0);
    assert.equal(r.report!.queued, true);
    assert.match(r.report!.error!, /TEST_DC_TOKEN .* is not set/);
  });

  it('report flush delivers the queue later (no verdict needed)', async () => {
    const { store, c } = storeWithClock();
    const q = seed(store, c, 1, { verdict: 'malicious' });
    store.enqueueReport(q.id, { verdict: 'malicious', quarantineId: q.id });
    const hook = await fakeWebhook();
    const f = await flushReports(store, {
      decisionController: controller(hook.url),
      operator: 'cron',
      commandLine: 'highalert report flush',
      env: ENV,
    });
    assert.deepEqual([f.configured, f.delivered, f.queued], [true, 1, 0]);
    assert.equal(hook.received.length, 1);
    assert.equal(store.pendingReports().length, 0);
    const none = await flushReports(store, {
      decisionController: undefined,
      operator: 'x',
      commandLine: 'x',
    });
    assert.deepEqual([none.configured, none.queued], [false, 0]);
  });

  it('queued while the controller was down, then benign: the report is withdrawn, never delivered', async () => {
    const { store, c } = storeWithClock();
    const q1 = seed(store, c, 1);
    const q2 = seed(store, c, 2);
    const port = await closedPort();
    const dc = controller(`http://127.0.0.1:${port}/hook`);
    const deps: VerdictDeps = { env: ENV, now: c.now, post: { sleep: recordingSleep().sleep } };
    const bad = await runVerdict({ store, decisionController: dc }, request('user1'), deps);
    assert.equal(bad.report!.queued, true);
    assert.equal(groupStatus(store).quarantines[0]!.reportQueued, true);

    // The operator changes their mind while the controller is still down.
    const { release, calls } = fakeRelease(store);
    const progress: string[] = [];
    const good = await runVerdict(
      { store, decisionController: dc },
      request('user1', { verdict: 'benign', progress: (l) => progress.push(l) }),
      { ...deps, release },
    );
    assert.equal(calls.length, 1);
    assert.equal(good.flush.queued, 0);
    assert.deepEqual(good.flush.deliveries, [], 'nothing left to try');
    assert.equal(store.pendingReports().length, 0);
    assert.ok(progress.some((l) => l.includes(`report ${bad.report!.reportId} withdrawn`)));
    const status = groupStatus(store, { all: true });
    assert.equal(status.pendingReports, 0);
    assert.deepEqual(
      status.quarantines.map((r) => [r.id, r.reportQueued]),
      [
        [q1.id, false],
        [q2.id, false],
      ],
    );
    assert.doesNotMatch(renderStatus(status), /report queued/);
    assert.match(
      store.history({ target: q1.mac })[0]!.result,
      new RegExp(`benign; report ${bad.report!.reportId} withdrawn; releasing`),
    );

    // The controller comes back: a flush (or the next verdict) sends nothing about user1.
    const hook = await fakeWebhook(() => 200, port);
    const f = await flushReports(store, {
      decisionController: dc,
      operator: 'cron',
      commandLine: 'x',
      env: ENV,
    });
    assert.deepEqual([f.delivered, f.queued, f.deliveries.length], [0, 0, 0]);
    await runVerdict({ store, decisionController: dc }, request('user2'), deps);
    assert.deepEqual(
      hook.received.map((r) => r.body.quarantineId),
      [q2.id],
    );
  });

  it('flush withdraws (and does not send) a report whose quarantine is no longer malicious', async () => {
    const { store, c } = storeWithClock();
    const q1 = seed(store, c, 1, { verdict: 'malicious' });
    const q2 = seed(store, c, 2, { verdict: 'malicious' });
    const r1 = store.enqueueReport(q1.id, { verdict: 'malicious', quarantineId: q1.id });
    store.enqueueReport(q2.id, { verdict: 'malicious', quarantineId: q2.id });
    // Marked benign some other way (e.g. by a highalert from before reports could be withdrawn).
    store.updateQuarantine(q1.id, { verdict: 'benign' });
    const hook = await fakeWebhook();
    const progress: string[] = [];
    const f = await flushReports(store, {
      decisionController: controller(hook.url),
      operator: 'cron',
      commandLine: 'highalert report flush',
      env: ENV,
      progress: (l) => progress.push(l),
    });
    assert.deepEqual([f.delivered, f.queued], [1, 0]);
    assert.deepEqual(
      hook.received.map((r) => r.body.quarantineId),
      [q2.id],
    );
    assert.deepEqual(
      f.deliveries.map((d) => d.quarantineId),
      [q2.id],
    );
    assert.equal(store.pendingReports().length, 0);
    assert.match(progress[0]!, new RegExp(`report ${r1.id} \\(quarantine ${q1.id}\\): withdrawn`));
    assert.match(
      store.history({ target: q1.mac })[0]!.result,
      /withdrawn, not sent: .*no longer marked malicious/,
    );
  });

  it('giving the same verdict again changes nothing and sends nothing', async () => {
    const { store, c } = storeWithClock();
    seed(store, c, 1, { verdict: 'malicious' });
    const hook = await fakeWebhook();
    const r = await runVerdict({ store, decisionController: controller(hook.url) }, request('user1'), {
      env: ENV,
    });
    assert.equal(r.changed, false);
    assert.equal(r.report!.via, 'none');
    assert.equal(hook.received.length, 0);
    assert.equal(verdictExitCode(r), 0);
  });

  it('--dry-run builds the report but marks and sends nothing', async () => {
    const { store, c } = storeWithClock();
    const q = seed(store, c, 1);
    const hook = await fakeWebhook();
    const r = await runVerdict(
      { store, decisionController: controller(hook.url) },
      request('user1', { dryRun: true }),
      { env: ENV },
    );
    assert.equal(r.changed, false);
    assert.equal(r.report!.payload!.quarantineId, q.id);
    assert.equal(hook.received.length, 0);
    assert.equal(store.getQuarantine(q.id)!.verdict, null);
    assert.equal(store.pendingReports().length, 0);
  });
});

describe('verdict --malicious --report-file', () => {
  it('writes the report (0600) instead of posting, and marks the record', async () => {
    const { store, c } = storeWithClock();
    const q = seed(store, c, 1);
    const file = path.join(tempDir(), 'report.json');
    const r = await runVerdict(
      { store, decisionController: undefined },
      request('10.1.20.241', { reportFile: file, note: 'see ticket NOC-7' }),
    );
    const written = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    assert.equal(written.quarantineId, q.id);
    assert.equal(written.note, 'see ticket NOC-7');
    assert.equal(written.highAlertIp, '10.1.20.241');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(r.report!.via, 'file');
    assert.equal(r.report!.file, file);
    assert.equal(store.getQuarantine(q.id)!.verdict, 'malicious');
    assert.equal(store.pendingReports().length, 0, 'a file report is not queued');
    assert.equal(verdictExitCode(r), 0);
  });

  it('an existing file is refused (exit 2) and nothing is marked', async () => {
    const { store, c } = storeWithClock();
    const q = seed(store, c, 1);
    const file = path.join(tempDir(), 'report.json');
    writeFileSync(file, 'old report\n');
    await assert.rejects(
      runVerdict({ store, decisionController: undefined }, request('user1', { reportFile: file })),
      throwsCode('E_REPORT_FILE'),
    );
    assert.equal(readFileSync(file, 'utf8'), 'old report\n');
    assert.equal(store.getQuarantine(q.id)!.verdict, null);
    assert.equal(existsSync(path.join(path.dirname(file), '.report.json.tmp')), false);
  });
});

describe('verdict: refusals (exit 2, nothing changed)', () => {
  it('unknown target', async () => {
    const { store, c } = storeWithClock();
    seed(store, c, 1);
    await assert.rejects(
      runVerdict(
        { store, decisionController: controller('http://127.0.0.1:9/x') },
        request('02:00:00:00:00:99'),
      ),
      throwsCode('E_TARGET_NOT_FOUND'),
    );
  });

  it('malicious without a decision controller or --report-file', async () => {
    const { store, c } = storeWithClock();
    const q = seed(store, c, 1);
    await assert.rejects(
      runVerdict({ store, decisionController: undefined }, request('user1')),
      throwsCode('E_NO_DECISION_CONTROLLER'),
    );
    assert.equal(store.getQuarantine(q.id)!.verdict, null);
  });

  it('malicious on a released quarantine', async () => {
    const { store, c } = storeWithClock();
    seed(store, c, 1, { status: 'released' });
    await assert.rejects(
      runVerdict({ store, decisionController: controller('http://127.0.0.1:9/x') }, request('user1')),
      throwsCode('E_NOT_ACTIVE'),
    );
  });

  it('a note with control characters', async () => {
    const { store, c } = storeWithClock();
    seed(store, c, 1);
    await assert.rejects(
      runVerdict({ store, decisionController: undefined }, request('user1', { note: 'a\u001b[31mb' })),
      throwsCode('E_BAD_NOTE'),
    );
  });

  it('another operation holds the MAC', async () => {
    const { store, c } = storeWithClock();
    const q = seed(store, c, 1);
    const op = store.beginOperation({ kind: 'release', target: 'user1', operator: 'bob' });
    assert.ok(store.lockTarget(q.mac, op.id).ok);
    const file = path.join(tempDir(), 'r.json');
    await assert.rejects(
      runVerdict({ store, decisionController: undefined }, request('user1', { reportFile: file })),
      throwsCode('E_TARGET_BUSY'),
    );
    assert.equal(store.getQuarantine(q.id)!.verdict, null);
  });
});

describe('verdict --benign', () => {
  it('marks the record benign, then releases it through the release function', async () => {
    const { store, c } = storeWithClock();
    const q = seed(store, c, 1);
    const { release, calls } = fakeRelease(store);
    const r = await runVerdict(
      { store, decisionController: undefined },
      request('user1', { verdict: 'benign', renew: 'lease' }),
      { release },
    );
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.target, q.mac);
    assert.equal(calls[0]!.statePath, store.path);
    assert.equal(calls[0]!.yes, true);
    assert.equal(calls[0]!.dryRun, false);
    assert.equal(calls[0]!.renew, 'lease');
    assert.equal(calls[0]!.verify, true);
    assert.equal(r.changed, true);
    assert.equal(r.release!.ok, true);
    assert.equal(r.status, 'released');
    const after = store.getQuarantine(q.id)!;
    assert.deepEqual([after.verdict, after.status], ['benign', 'released']);
    assert.equal(verdictExitCode(r), 0);
    assert.equal(store.unfinishedOperations().length, 0);
  });

  it('asks first without --yes; "no" cancels with nothing changed', async () => {
    const { store, c } = storeWithClock();
    const q = seed(store, c, 1);
    const { release, calls } = fakeRelease(store);
    const asked: string[] = [];
    await assert.rejects(
      runVerdict(
        { store, decisionController: undefined },
        request('user1', { verdict: 'benign', yes: false }),
        {
          release,
          confirm: async (question) => (asked.push(question), false),
        },
      ),
      throwsCode('E_CANCELLED'),
    );
    assert.match(asked[0]!, /Release 02:00:00:00:00:01 \(user1\)/);
    assert.equal(calls.length, 0);
    assert.equal(store.getQuarantine(q.id)!.verdict, null);
  });

  it('a failed release keeps the benign verdict and exits with the release error code', async () => {
    const { store, c } = storeWithClock();
    const q = seed(store, c, 1);
    const { release } = fakeRelease(
      store,
      () => new DeviceError('E_APPLY_FAILED', 'acc-sw1 unreachable; rolled back'),
    );
    const r = await runVerdict(
      { store, decisionController: undefined },
      request('user1', { verdict: 'benign' }),
      {
        release,
      },
    );
    assert.equal(r.release!.ok, false);
    assert.equal(r.release!.error!.code, 'E_APPLY_FAILED');
    assert.equal(verdictExitCode(r), 3);
    const after = store.getQuarantine(q.id)!;
    assert.deepEqual([after.verdict, after.status], ['benign', 'isolated']);
  });

  it('on a released quarantine: nothing to release, exit 0', async () => {
    const { store, c } = storeWithClock();
    seed(store, c, 1, { status: 'released' });
    const { release, calls } = fakeRelease(store);
    const r = await runVerdict(
      { store, decisionController: undefined },
      request('user1', { verdict: 'benign' }),
      {
        release,
      },
    );
    assert.equal(r.changed, false);
    assert.equal(calls.length, 0);
    assert.equal(verdictExitCode(r), 0);
  });

  it('--dry-run previews the release and marks nothing', async () => {
    const { store, c } = storeWithClock();
    const q = seed(store, c, 1);
    const { release, calls } = fakeRelease(store);
    const r = await runVerdict(
      { store, decisionController: undefined },
      request('user1', { verdict: 'benign', dryRun: true, yes: false }),
      { release },
    );
    assert.equal(calls[0]!.dryRun, true);
    assert.equal(r.changed, false);
    assert.equal(store.getQuarantine(q.id)!.verdict, null);
  });
});

describe('postJson', () => {
  it('never echoes header values or URL credentials in its errors', async () => {
    const port = await closedPort();
    const r = await postJson(
      `http://user:pw@127.0.0.1:${port}/hook?k=v`,
      {},
      {
        headers: { authorization: 'Bearer xyz' },
        attempts: 1,
      },
    );
    assert.equal(r.ok, false);
    assert.equal(r.attempts, 1);
    assert.ok(!r.error!.includes('pw') && !r.error!.includes('xyz') && !r.error!.includes('k=v'), r.error!);
  });

  it('times out a server that never answers', async () => {
    const slow = await import('node:http').then(
      (http) =>
        new Promise<{ url: string; close: () => void }>((resolve) => {
          const s = http
            .createServer(() => undefined)
            .listen(0, '127.0.0.1', () => {
              const { port } = s.address() as { port: number };
              resolve({
                url: `http://127.0.0.1:${port}/`,
                close: () => (s.closeAllConnections(), s.close()),
              });
            });
        }),
    );
    const r = await postJson(slow.url, {}, { attempts: 1, timeoutMs: 100 });
    slow.close();
    assert.equal(r.ok, false);
    assert.match(r.error!, /timed out/);
  });
});
