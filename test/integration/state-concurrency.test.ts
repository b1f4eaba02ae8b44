/** Several real processes on one state file at once (DESIGN.md invariants 1 and 3). */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openState, type ClaimResult } from '../../src/state/index.js';
import { parseMac } from '../../src/values/mac.js';

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'state-worker.ts');

const dir = mkdtempSync(path.join(tmpdir(), 'highalert-state-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const newDb = (): string => path.join(dir, `state-${++files}.db`);

const mac = (n: number): string => `02:00:00:00:01:${n.toString(16).padStart(2, '0')}`;

interface Worker {
  child: ChildProcessWithoutNullStreams;
  /** Resolves with each line the worker prints, in order. */
  next: () => Promise<string>;
}

function startWorker(args: string[]): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], { stdio: 'pipe' });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const it = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const r = await it.next();
    if (r.done) throw new Error(`worker ${args.join(' ')} ended early: ${stderr}`);
    return r.value;
  };
  return { child, next };
}

const exited = (w: Worker): Promise<number | null> =>
  w.child.exitCode !== null ? Promise.resolve(w.child.exitCode) : new Promise((r) => w.child.once('exit', r));

/** Starts every worker, waits until all are ready, releases them at once, returns their results. */
async function race<T>(argsList: string[][]): Promise<{ results: T[]; workers: Worker[] }> {
  const workers = argsList.map(startWorker);
  try {
    for (const w of workers) assert.equal(await w.next(), 'ready');
    for (const w of workers) w.child.stdin.write('go\n');
    const results = await Promise.all(workers.map(async (w) => JSON.parse(await w.next()) as T));
    return { results, workers };
  } catch (err) {
    for (const w of workers) w.child.kill('SIGKILL');
    throw err;
  }
}

async function finish(workers: Worker[]): Promise<void> {
  for (const w of workers) w.child.stdin.end();
  const codes = await Promise.all(workers.map(exited));
  assert.deepEqual(
    codes,
    workers.map(() => 0),
  );
}

test('ten processes allocating at once from an 11-address pool get ten distinct addresses', async () => {
  const db = newDb(); // does not exist yet: the workers also race to create and migrate it
  const { results, workers } = await race<{ ip?: string; error?: unknown }>(
    Array.from({ length: 10 }, (_, i) => [db, 'allocate', mac(i)]),
  );
  await finish(workers);
  assert.deepEqual(
    results.filter((r) => r.error),
    [],
  );
  const ips = results.map((r) => r.ip!);
  assert.equal(new Set(ips).size, 10, `distinct: ${ips.join(' ')}`);
  const store = openState(db);
  try {
    assert.equal(store.allocations('hq/20').length, 10);
    assert.deepEqual(
      store
        .allocations('hq/20')
        .map((a) => a.ip)
        .sort(),
      [...ips].sort(),
    );
  } finally {
    store.close();
  }
});

test('pool exhausted across processes: the losers get E_POOL_EXHAUSTED and write nothing', async () => {
  const db = newDb();
  const { results, workers } = await race<{ ip?: string; error?: { code: string } }>(
    Array.from({ length: 5 }, (_, i) => [db, 'allocate', mac(i), '3']),
  );
  await finish(workers);
  assert.equal(results.filter((r) => r.ip).length, 3);
  assert.deepEqual(
    results.filter((r) => r.error).map((r) => r.error!.code),
    ['E_POOL_EXHAUSTED', 'E_POOL_EXHAUSTED'],
  );
  const store = openState(db);
  assert.equal(store.allocations().length, 3);
  store.close();
});

for (const n of [2, 6]) {
  test(`${n} processes claiming the same MAC: exactly one wins, the others learn who holds it`, async () => {
    const db = newDb();
    openState(db).close();
    const { results, workers } = await race<{ pid: number; opId: number; claim: ClaimResult }>(
      Array.from({ length: n }, () => [db, 'claim', mac(1)]),
    );
    try {
      const winners = results.filter((r) => r.claim.ok);
      assert.equal(winners.length, 1, JSON.stringify(results));
      for (const loser of results.filter((r) => !r.claim.ok)) {
        const c = loser.claim;
        assert.ok(!c.ok && c.reason === 'in-progress');
        assert.equal(c.operation.pid, winners[0]!.pid);
        assert.equal(c.operation.id, winners[0]!.opId);
        assert.equal(c.alive, true);
      }
    } finally {
      await finish(workers);
    }
  });
}

test('a process killed mid-operation leaves a journal that recover can find', async () => {
  const db = newDb();
  openState(db).close();
  const { results, workers } = await race<{ pid: number; opId: number; step: number }>([
    [db, 'journal', mac(7)],
  ]);
  const w = workers[0]!;
  w.child.kill('SIGKILL');
  await exited(w);
  const store = openState(db);
  try {
    const [op] = store.unfinishedOperations();
    assert.equal(op?.id, results[0]!.opId);
    assert.equal(op.pid, results[0]!.pid);
    assert.deepEqual(
      store.stepsOf(op.id).map((s) => [s.id, s.status]),
      [[results[0]!.step, 'pending']],
    );
    // The dead process still holds the MAC: a new run is told to recover, not allowed to start.
    const next = store.beginOperation({ kind: 'quarantine', target: mac(7), operator: 'alice' });
    const claim = store.claimTarget(parseMac(mac(7)), next.id);
    assert.ok(!claim.ok && claim.reason === 'in-progress' && !claim.alive);
  } finally {
    store.close();
  }
});
