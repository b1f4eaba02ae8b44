/**
 * DESIGN.md invariant 1 with a real kill: a CLI quarantine (child process, devices slowed down by
 * lab latency) is SIGKILLed right after each journalled step — while that step is in flight, and
 * once every step is done — then `highalert recover --yes` undoes it: every lab device's running
 * config is byte-identical to before, no reservation is left, the record is rolled-back, the
 * address is free, and `audit` exits 0. Needs the built CLI (npx tsc -p tsconfig.json).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import type { Lab } from '../../src/lab/index.js';
import type { RecoverResult } from '../../src/recover/recover.js';
import { openState, type StateStore } from '../../src/state/index.js';
import type { StepRecord } from '../../src/state/types.js';
import { BIN, runCli } from '../helpers/cli.js';
import { configs, labWithState } from './quarantine-helpers.js';

const LATENCY_MS = 40;
/** dhcp-reservation, port-restrict, port-shutdown, port-no-shutdown (renew: port-bounce). */
const STEPS = 4;

describe('recover after a SIGKILLed quarantine', () => {
  let lab: Lab;
  let statePath: string;
  let state: StateStore;
  const cli = (...args: string[]) =>
    runCli([...args, '--inventory', lab.inventoryPath, '--state', statePath], {
      env: { HIGHALERT_STATE: undefined },
    });

  before(async () => {
    ({ lab, statePath } = await labWithState({ hostsPerSwitch: 8 }));
    const setup = await cli('setup', '--yes', '--json');
    assert.equal(setup.code, 0, setup.stderr);
    state = openState(statePath);
  });
  after(async () => {
    state.close();
    await lab.stop();
  });

  /** Starts `highalert quarantine <mac> --yes` and SIGKILLs it once `ready(steps)` holds. */
  async function quarantineKilledWhen(mac: string, ready: (steps: StepRecord[]) => boolean) {
    const lastOp = () =>
      (state.db.prepare('SELECT coalesce(max(id), 0) AS id FROM operations').get() as { id: number }).id;
    const opsBefore = lastOp();
    const child = spawn(
      process.execPath,
      [BIN, 'quarantine', mac, '--yes', '--json', '--inventory', lab.inventoryPath, '--state', statePath],
      { stdio: 'ignore', env: { ...process.env, HIGHALERT_STATE: undefined } },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, s) => resolve(s)));
    const started = Date.now();
    let seen: StepRecord[];
    for (;;) {
      const op = state.db
        .prepare("SELECT id FROM operations WHERE id > ? AND kind = 'quarantine' ORDER BY id LIMIT 1")
        .get(opsBefore) as { id: number } | undefined;
      seen = op ? state.stepsOf(op.id) : [];
      if (ready(seen)) break;
      if (child.exitCode !== null || Date.now() - started > 30_000)
        assert.fail(`the quarantine ended before the kill point (steps: ${JSON.stringify(seen)})`);
      await new Promise((r) => setTimeout(r, 2));
    }
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    return seen.map((s) => s.status);
  }

  /** The device has received `line` since the spawn (the step is partly applied). */
  const received = (device: string, line: RegExp) =>
    lab
      .device(device)
      .received()
      .some((l) => line.test(l));
  const points: Array<{ name: string; ready: (s: StepRecord[]) => boolean; leavesChange: boolean }> = [
    ...Array.from({ length: STEPS }, (_, i) => ({
      name: `right after step ${i + 1} of ${STEPS} is journalled`,
      ready: (s: StepRecord[]) => s.length === i + 1,
      leavesChange: i > 0,
    })),
    {
      name: 'after the first lines of step 1 reached lab-gw (partly sent)',
      ready: (s: StepRecord[]) => s.length === 1 && received('lab-gw', /^ ?host 10\.10\.0\./),
      // The device may not have applied the last line before the connection died.
      leavesChange: false,
    },
    {
      name: 'after the first lines of step 2 reached lab-sw1 (partly applied)',
      ready: (s: StepRecord[]) => s.length === 2 && received('lab-sw1', /^ ?permit host /),
      leavesChange: true,
    },
    {
      name: 'after every step is done (verifying)',
      ready: (s: StepRecord[]) => s.length === STEPS && s.every((x) => x.status === 'done'),
      leavesChange: true,
    },
  ];

  points.forEach((point, i) => {
    test(`killed ${point.name}: recover makes it whole, audit exits 0`, async () => {
      const host = lab.hosts()[i]!;
      const before = configs(lab);
      lab.devices.forEach((d) => d.clearReceived());
      lab.devices.forEach((d) => d.setFaults({ latencyMs: LATENCY_MS }));
      let statuses: string[];
      try {
        statuses = await quarantineKilledWhen(host.mac, point.ready);
      } finally {
        lab.devices.forEach((d) => d.clearFaults());
      }
      assert.ok(statuses.length > 0, 'something was journalled');
      if (point.leavesChange)
        assert.notDeepEqual(configs(lab), before, 'the kill left a (partial) change on a device');

      // The kill left something behind: audit says so and points at recover.
      const found = await cli('audit', '--json');
      assert.equal(found.code, 1, found.stderr);
      assert.ok(
        (JSON.parse(found.stdout) as { findings: { kind: string }[] }).findings.some(
          (f) => f.kind === 'unfinished-operation',
        ),
      );

      const dry = await cli('recover', '--dry-run', '--json');
      assert.equal(dry.code, 0, dry.stderr);
      const planned = JSON.parse(dry.stdout) as RecoverResult;
      assert.equal(planned.operations.length, 1);
      assert.equal(planned.operations[0]!.steps.length, statuses.length, 'every journalled step is undone');

      const r = await cli('recover', '--yes', '--json');
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as RecoverResult;
      assert.equal(out.operations.length, 1);
      const op = out.operations[0]!;
      assert.equal(op.outcome, 'rolled-back');
      assert.deepEqual(
        op.steps.map((s) => s.seq),
        statuses.map((_, k) => statuses.length - k),
        'undone in reverse journal order',
      );

      assert.deepEqual(configs(lab), before, 'every device is byte-identical to before the quarantine');
      assert.doesNotMatch(lab.device('lab-gw').runningConfig(), /ip dhcp pool HA-/);
      assert.equal(state.getOperation(op.id)?.status, 'rolled-back');
      assert.ok(state.stepsOf(op.id).every((s) => s.status === 'undone'));
      const record = state.listQuarantines({ mac: host.mac as never, includeReleased: true })[0];
      assert.equal(record?.status, 'rolled-back');
      assert.deepEqual(
        state.allocations().filter((a) => a.mac === host.mac),
        [],
        'the High-Alert address is free again',
      );
      const clean = await cli('audit', '--json');
      assert.equal(clean.code, 0, clean.stdout + clean.stderr);
      assert.equal((await cli('recover', '--yes')).code, 0, 'a second recover has nothing to do');
    });
  });

  test('recover without --yes off a terminal: exit 2, nothing undone; with nothing to do: exit 0', async () => {
    const none = await cli('recover', '--json');
    assert.equal(none.code, 0, none.stderr);
    assert.deepEqual((JSON.parse(none.stdout) as RecoverResult).operations, []);
    const host = lab.hosts()[7]!;
    lab.devices.forEach((d) => d.setFaults({ latencyMs: LATENCY_MS }));
    try {
      await quarantineKilledWhen(host.mac, (s) => s.length === 2);
    } finally {
      lab.devices.forEach((d) => d.clearFaults());
    }
    const after = configs(lab);
    const refused = await cli('recover');
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stdout, /Operation \d+: quarantine of/);
    assert.deepEqual(configs(lab), after);
    const fixed = await cli('audit', '--fix', '--yes', '--json');
    assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
    assert.equal((JSON.parse(fixed.stdout) as { fix: { recovered: number[] } }).fix.recovered.length, 1);
  });
});
