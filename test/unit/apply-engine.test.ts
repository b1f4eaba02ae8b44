import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyPlan, type ApplyDeps } from '../../src/apply/engine.js';
import type { DhcpChange } from '../../src/dhcp/backend.js';
import { DeviceError } from '../../src/errors.js';
import type { Plan, PlanStep } from '../../src/model/plan.js';

/** A tiny "network" that records state changes, so undo can be checked against what was there. */
function world(failOn?: string) {
  const log: string[] = [];
  const journal: Array<{ id: number; step: string; status: string }> = [];
  const deps: ApplyDeps = {
    sleep: async () => {},
    config: {
      async configure(device, lines) {
        for (const l of lines) {
          if (failOn && l === failOn)
            throw new DeviceError('E_COMMAND_REJECTED', `rejected ${l}`, { device });
          log.push(`${device}:${l}`);
        }
      },
      async configureLenient(device, lines) {
        for (const l of lines) log.push(`${device}:${l}`);
        return [];
      },
    },
    dhcp: {
      async apply(step) {
        if (failOn === `dhcp:${step.action}`) throw new DeviceError('E_DHCP', 'kea down');
        log.push(`kea:${step.action}`);
        return {} as DhcpChange;
      },
      async undo(step) {
        log.push(`kea:undo-${step.action}`);
        return {} as DhcpChange;
      },
    },
    journal: {
      begin(step) {
        journal.push({ id: journal.length, step: step.id, status: 'pending' });
        return journal.length - 1;
      },
      done: (id) => void (journal[id]!.status = 'done'),
      failed: (id) => void (journal[id]!.status = 'failed'),
      undone: (id) => void (journal[id]!.status = 'undone'),
      undoFailed: (id) => void (journal[id]!.status = 'undo-failed'),
    },
  };
  return { deps, log, journal };
}

const steps: PlanStep[] = [
  {
    kind: 'dhcp',
    id: 'dhcp-reservation',
    server: 'kea',
    action: 'add',
    reservation: { mac: 'aa:bb:cc:dd:ee:01', ip: '10.0.0.240', subnet: '10.0.0.0/24' },
    preview: [],
  },
  {
    kind: 'config',
    id: 'port-restrict',
    device: 'sw1',
    purpose: 'port-restrict',
    lines: ['a', 'b'],
    undo: ['-a'],
  },
  {
    kind: 'config',
    id: 'port-shutdown',
    device: 'sw1',
    purpose: 'port-shutdown',
    lines: ['shut'],
    undo: ['noshut'],
    pauseAfterMs: 5,
  },
  {
    kind: 'config',
    id: 'port-no-shutdown',
    device: 'sw1',
    purpose: 'port-no-shutdown',
    lines: ['noshut'],
    undo: [],
  },
];
const plan = { steps } as unknown as Plan;

test('all steps run in order and are journalled done', async () => {
  const { deps, log, journal } = world();
  const result = await applyPlan(plan, deps);
  assert.equal(result.ok, true);
  assert.deepEqual(log, ['kea:add', 'sw1:a', 'sw1:b', 'sw1:shut', 'sw1:noshut']);
  assert.deepEqual(
    journal.map((j) => j.status),
    ['done', 'done', 'done', 'done'],
  );
});

test('a failure undoes the failed step and every completed one, newest first', async () => {
  const { deps, log, journal } = world('b');
  const result = await applyPlan(plan, deps);
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(result.failedStep, 'port-restrict');
  assert.equal(result.error.code, 'E_COMMAND_REJECTED');
  assert.deepEqual(log, ['kea:add', 'sw1:a', 'sw1:-a', 'kea:undo-add']);
  assert.deepEqual(
    result.undone.map((u) => u.step),
    ['port-restrict', 'dhcp-reservation'],
  );
  assert.deepEqual(
    journal.map((j) => j.status),
    ['undone', 'undone'],
  );
});

test('a failure on the first step still undoes it (it may be half done) and nothing after runs', async () => {
  const { deps, log } = world('dhcp:add');
  const result = await applyPlan(plan, deps);
  assert.equal(result.ok, false);
  assert.deepEqual(log, ['kea:undo-add']);
});

test('a completed step whose undo lines the device rejects is not counted as undone', async () => {
  const { deps, journal } = world('noshut');
  deps.config.configureLenient = async (_device, lines) => lines.filter((l) => l === '-a');
  const result = await applyPlan(plan, deps);
  assert.equal(result.ok, false);
  if (result.ok) return;
  const restrict = result.undone.find((u) => u.step === 'port-restrict')!;
  assert.equal(restrict.ok, false);
  assert.match(restrict.error ?? '', /rejected undo line/);
  assert.equal(journal[1]!.status, 'undo-failed');
});

test('the failed step itself may reject undo lines (it was cut short)', async () => {
  const { deps } = world('b');
  deps.config.configureLenient = async (_device, lines) => [...lines];
  const result = await applyPlan(plan, deps);
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(result.undone.find((u) => u.step === 'port-restrict')?.ok, true);
});
