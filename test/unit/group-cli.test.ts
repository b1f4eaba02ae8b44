/** status, history, verdict, expire and report flush as a user runs them (run `npm run build` first). */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openState } from '../../src/state/index.js';
import { parseInterface } from '../../src/values/interface.js';
import { parseIp } from '../../src/values/ip.js';
import { parseMac } from '../../src/values/mac.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { closedPort, fakeWebhook, tempDir } from './group-fixtures.js';

const TOKEN = 'cli-s3cret-token';
const ENV = {
  HIGHALERT_INVENTORY: undefined,
  HIGHALERT_STATE: undefined,
  HIGHALERT_OPERATOR: 'tester',
  TEST_DC_TOKEN: TOKEN,
};
const HOUR = 3600_000;

interface ErrorJson {
  error: { code: string; message: string; suggestions: string[] };
}

/** A temp inventory (valid-minimal + state + decision_controller) and a state with two quarantines. */
function setup(webhookUrl: string): { inventory: string; state: string } {
  const dir = tempDir();
  const state = path.join(dir, 'state.db');
  const base = readFileSync(path.join(ROOT, 'test/fixtures/inventory/valid-minimal.yaml'), 'utf8');
  const inventory = path.join(dir, 'inventory.yaml');
  writeFileSync(
    inventory,
    `${base}\nstate: ${state}\ndecision_controller:\n  url: ${webhookUrl}\n  auth_header: X-Api-Key\n  auth_env: TEST_DC_TOKEN\n`,
  );
  const store = openState(state, { now: () => new Date(Date.now() - 2 * HOUR) });
  const common = { site: 'hq', vlan: 20, switch: 'sw1', port: parseInterface('Gi1/0/5'), operator: 'alice' };
  const q = store.recordQuarantine({
    ...common,
    target: 'jdoe',
    userId: 'jdoe',
    mac: parseMac('00:1b:21:3a:4f:01'),
    previousIp: parseIp('10.20.0.117'),
    highAlertIp: parseIp('10.20.0.240'),
    ttlS: 3600, // expired an hour ago
    status: 'isolated',
    reason: 'suricata 2024897',
  });
  store.recordQuarantine({
    ...common,
    target: 'asmith',
    userId: 'asmith',
    mac: parseMac('00:1b:21:3a:4f:02'),
    highAlertIp: parseIp('10.20.0.241'),
    ttlS: 86400,
    status: 'pending-renew',
  });
  store.appendAudit({
    operator: 'alice',
    commandLine: 'highalert quarantine jdoe',
    action: 'quarantine',
    target: 'jdoe',
    mac: q.mac,
    result: 'isolated',
  });
  store.close();
  return { inventory, state };
}

function errorOf(stderr: string): ErrorJson['error'] {
  return (JSON.parse(stderr) as ErrorJson).error;
}

describe('highalert status / history (CLI)', () => {
  it('status --json: the group with TTL left', async () => {
    const { inventory } = setup('http://127.0.0.1:9/unused');
    const r = await runCli(['status', '-i', inventory, '--json'], { env: ENV });
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { quarantines: { user: string; expired: boolean; ttlLeftS: number }[] };
    assert.deepEqual(
      s.quarantines.map((q) => [q.user, q.expired]),
      [
        ['jdoe', true],
        ['asmith', false],
      ],
    );
    assert.ok(s.quarantines[1]!.ttlLeftS > 21 * 3600);
  });

  it('status for people: a table', async () => {
    const { state } = setup('http://127.0.0.1:9/unused');
    const r = await runCli(['status', '--state', state], { env: ENV });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /00:1b:21:3a:4f:01 .* sw1 Gi1\/0\/5 .* 10\.20\.0\.240 .* expired .* isolated/);
    assert.match(r.stdout, /2 quarantines/);
  });

  it('status --json with an unknown target: exit 2, error JSON on stderr', async () => {
    const { state } = setup('http://127.0.0.1:9/unused');
    const r = await runCli(['status', 'nobody', '--state', state, '--json'], { env: ENV });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(errorOf(r.stderr).code, 'E_TARGET_NOT_FOUND');
  });

  it('status --status with a bad value: exit 2', async () => {
    const { state } = setup('http://127.0.0.1:9/unused');
    const r = await runCli(['status', '--state', state, '--status', 'sleeping', '--json'], { env: ENV });
    assert.equal(r.code, 2);
    assert.equal(errorOf(r.stderr).code, 'E_USAGE');
  });

  it('history --json: newest first', async () => {
    const { state } = setup('http://127.0.0.1:9/unused');
    const r = await runCli(['history', '0010.0000.0000', '--state', state, '--json'], { env: ENV });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { entries: unknown[] }).entries, []);
    const all = await runCli(['history', 'jdoe', '--state', state, '--json', '--limit', '5'], { env: ENV });
    assert.equal(all.code, 0, all.stderr);
    const h = JSON.parse(all.stdout) as { entries: { action: string }[] };
    assert.deepEqual(
      h.entries.map((e) => e.action),
      ['quarantine'],
    );
    const bad = await runCli(['history', '--state', state, '--json', '--limit', '0'], { env: ENV });
    assert.equal(bad.code, 2);
  });
});

describe('highalert verdict (CLI)', () => {
  it('--malicious --json: delivered with the header from the environment', async () => {
    const hook = await fakeWebhook();
    const { inventory, state } = setup(hook.url);
    const r = await runCli(
      ['verdict', 'jdoe', '--malicious', '--note', 'confirmed', '-i', inventory, '--json'],
      {
        env: ENV,
      },
    );
    assert.equal(r.code, 0, r.stderr);
    const v = JSON.parse(r.stdout) as { verdict: string; changed: boolean; report: { delivered: boolean } };
    assert.deepEqual([v.verdict, v.changed, v.report.delivered], ['malicious', true, true]);
    assert.equal(hook.received.length, 1);
    assert.equal(hook.received[0]!.headers['x-api-key'], TOKEN);
    assert.equal(hook.received[0]!.body.note, 'confirmed');
    assert.ok(!r.stdout.includes(TOKEN) && !r.stderr.includes(TOKEN));
    const s = await runCli(['status', 'jdoe', '--state', state, '--json'], { env: ENV });
    assert.equal(
      (JSON.parse(s.stdout) as { quarantines: { verdict: string }[] }).quarantines[0]!.verdict,
      'malicious',
    );
  });

  it('webhook down: exit 1, queued, status says so, report flush delivers it later', async () => {
    const port = await closedPort();
    const { inventory, state } = setup(`http://127.0.0.1:${port}/hook`);
    const r = await runCli(['verdict', '00:1b:21:3a:4f:01', '--malicious', '-i', inventory, '--json'], {
      env: ENV,
    });
    assert.equal(r.code, 1, r.stderr);
    const v = JSON.parse(r.stdout) as { report: { queued: boolean; error: string } };
    assert.equal(v.report.queued, true);
    assert.match(v.report.error, /ECONNREFUSED/);

    const s = await runCli(['status', '--state', state, '--json'], { env: ENV });
    const status = JSON.parse(s.stdout) as {
      pendingReports: number;
      quarantines: { reportQueued: boolean }[];
    };
    assert.equal(status.pendingReports, 1);
    assert.deepEqual(
      status.quarantines.map((q) => q.reportQueued),
      [true, false],
    );
    const human = await runCli(['status', '--state', state], { env: ENV });
    assert.match(human.stdout, /malicious, report queued/);

    const hook = await fakeWebhook(() => 200, port);
    const f = await runCli(['report', 'flush', '-i', inventory, '--json'], { env: ENV });
    assert.equal(f.code, 0, f.stderr);
    assert.deepEqual((JSON.parse(f.stdout) as { delivered: number; queued: number }).queued, 0);
    assert.equal(hook.received.length, 1);
    const after = await runCli(['status', '--state', state, '--json'], { env: ENV });
    assert.equal((JSON.parse(after.stdout) as { pendingReports: number }).pendingReports, 0);
  });

  it('--report-file writes the report', async () => {
    const { inventory } = setup('http://127.0.0.1:9/unused');
    const file = path.join(tempDir(), 'jdoe.json');
    const r = await runCli(
      ['verdict', '10.20.0.240', '--malicious', '--report-file', file, '-i', inventory, '--json'],
      {
        env: ENV,
      },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { mac: string }).mac, '00:1b:21:3a:4f:01');
  });

  it('usage errors: no flag, both flags, unknown target, --benign without --yes off a terminal', async () => {
    const { inventory, state } = setup('http://127.0.0.1:9/unused');
    const none = await runCli(['verdict', 'jdoe', '-i', inventory, '--json'], { env: ENV });
    assert.equal(none.code, 2);
    assert.equal(errorOf(none.stderr).code, 'E_USAGE');
    const both = await runCli(['verdict', 'jdoe', '--malicious', '--benign', '-i', inventory, '--json'], {
      env: ENV,
    });
    assert.equal(both.code, 2);
    const unknown = await runCli(['verdict', 'nobody', '--benign', '--yes', '-i', inventory, '--json'], {
      env: ENV,
    });
    assert.equal(unknown.code, 2);
    assert.equal(errorOf(unknown.stderr).code, 'E_TARGET_NOT_FOUND');
    const benign = await runCli(['verdict', 'jdoe', '--benign', '-i', inventory, '--json'], { env: ENV });
    assert.equal(benign.code, 2);
    assert.equal(errorOf(benign.stderr).code, 'E_CONFIRM_REQUIRED');
    const s = await runCli(['status', 'jdoe', '--state', state, '--json'], { env: ENV });
    assert.equal(
      (JSON.parse(s.stdout) as { quarantines: { verdict: null }[] }).quarantines[0]!.verdict,
      null,
    );
  });
});

describe('highalert expire (CLI)', () => {
  it('--dry-run --json lists exactly the expired ones', async () => {
    const { inventory } = setup('http://127.0.0.1:9/unused');
    const r = await runCli(['expire', '--dry-run', '-i', inventory, '--json'], { env: ENV });
    assert.equal(r.code, 0, r.stderr);
    const e = JSON.parse(r.stdout) as { dryRun: boolean; expired: { user: string; result: string }[] };
    assert.deepEqual(
      e.expired.map((x) => [x.user, x.result]),
      [['jdoe', 'would-release']],
    );
  });

  it('without --yes off a terminal: exit 2, nothing released', async () => {
    const { inventory, state } = setup('http://127.0.0.1:9/unused');
    const r = await runCli(['expire', '-i', inventory, '--json'], { env: ENV });
    assert.equal(r.code, 2);
    assert.equal(errorOf(r.stderr).code, 'E_CONFIRM_REQUIRED');
    const s = await runCli(['status', '--state', state, '--json'], { env: ENV });
    assert.equal((JSON.parse(s.stdout) as { quarantines: unknown[] }).quarantines.length, 2);
  });

  it('a missing inventory: exit 2', async () => {
    const r = await runCli(['expire', '--dry-run', '-i', path.join(tempDir(), 'nope.yaml'), '--json'], {
      env: ENV,
    });
    assert.equal(r.code, 2, r.stderr);
    assert.ok(errorOf(r.stderr).code);
  });
});
