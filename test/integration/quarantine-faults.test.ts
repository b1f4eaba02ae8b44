/**
 * The fault matrix: a line rejected, or the connection dropped, at each step of quarantine and of
 * release → every lab device's config and the DHCP reservations are exactly as before the
 * command, which fails with exit code 3 saying what failed and what it undid.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HighAlertError } from '../../src/errors.js';
import type { Lab } from '../../src/lab/index.js';
import type { ConfigStep, Plan } from '../../src/model/plan.js';
import { openState } from '../../src/state/index.js';
import { configs, labWithState, quarantineIn, releaseIn } from './quarantine-helpers.js';

type Op = 'quarantine' | 'release';

const STEPS: Record<Op, string[]> = {
  quarantine: ['dhcp-reservation', 'port-restrict', 'port-shutdown', 'port-no-shutdown'],
  release: ['port-restore', 'dhcp-reservation', 'port-shutdown', 'port-no-shutdown'],
};

/**
 * 1-based position, counted from the start of the run's session (its `enable`), of the first line
 * of the device's k-th config block.
 */
function blockStart(received: readonly string[], k: number): number {
  const start = received.indexOf('enable');
  let seen = -1;
  for (let i = start; i < received.length; i++) {
    if (/^conf(igure)? t(erminal)?$/.test(received[i]!) && ++seen === k) return i - start + 2;
  }
  throw new Error(`config block ${k} not found`);
}

function escape(line: string): RegExp {
  return new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

describe('fault matrix: nothing half-done', () => {
  let lab: Lab;
  let statePath: string;
  let mac: string;
  const reference: Record<Op, { plan: Plan; logs: Record<string, string[]> }> = {} as never;

  async function run(op: Op) {
    return op === 'quarantine' ? quarantineIn(lab, statePath, mac) : releaseIn(lab, statePath, mac);
  }

  before(async () => {
    ({ lab, statePath } = await labWithState({ switches: 1, hostsPerSwitch: 2 }));
    mac = lab.hosts()[0]!.mac;
    // Reference runs: the plans and what each device received, to aim the faults at each step.
    for (const op of ['quarantine', 'release'] as const) {
      lab.devices.forEach((d) => d.clearReceived());
      const outcome = await run(op);
      assert.ok(outcome.outcome === 'quarantined' || outcome.outcome === 'released');
      reference[op] = {
        plan: outcome.plan,
        logs: Object.fromEntries(lab.devices.map((d) => [d.name, d.received()])),
      };
    }
  });
  after(async () => lab.stop());

  for (const op of ['quarantine', 'release'] as const) {
    for (const stepId of STEPS[op]) {
      for (const fault of ['reject', 'drop'] as const) {
        test(`${op}: ${fault} at ${stepId}`, async () => {
          const { plan, logs } = reference[op];
          const step = plan.steps.find((s): s is ConfigStep => s.id === stepId && s.kind === 'config');
          assert.ok(step, `${op} has a ${stepId} step`);
          if (op === 'release')
            assert.equal((await quarantineIn(lab, statePath, mac)).outcome, 'quarantined');
          const before = configs(lab);
          const device = lab.device(step.device);
          const k = plan.steps.filter((s) => s.kind === 'config' && s.device === step.device).indexOf(step);
          lab.devices.forEach((d) => d.clearReceived());
          if (fault === 'reject')
            device.setFaults({ rejectPattern: escape(step.lines[step.lines.length - 1]!), once: true });
          else device.setFaults({ dropAfterLines: blockStart(logs[step.device]!, k), once: true });

          await assert.rejects(run(op), (err: unknown) => {
            assert.ok(err instanceof HighAlertError);
            assert.equal(err.code, 'E_APPLY_FAILED');
            assert.equal(err.exitCode, 3);
            assert.match(err.message, new RegExp(`failed at step ${stepId}`));
            assert.match(err.message, /Rolled back/);
            return true;
          });
          device.clearFaults();
          assert.deepEqual(configs(lab), before, 'every device as before');
          const state = openState(statePath);
          const active = state.activeQuarantineForMac(mac as never);
          state.close();
          assert.equal(active?.status ?? null, op === 'quarantine' ? null : 'isolated');
          if (op === 'release') assert.equal((await releaseIn(lab, statePath, mac)).outcome, 'released');
        });
      }
    }
  }

  test('the gateway drops while verifying: the quarantine stands (pending-renew), nothing is rolled back', async () => {
    const log = reference.quarantine.logs['lab-gw']!;
    const start = log.indexOf('enable');
    const verifyAt = log.indexOf('show ip arp', log.lastIndexOf('end')) - start + 1;
    lab.devices.forEach((d) => d.clearReceived());
    lab.device('lab-gw').setFaults({ dropAfterLines: verifyAt, once: true });
    const q = await quarantineIn(lab, statePath, mac);
    assert.equal(q.outcome, 'quarantined');
    if (q.outcome !== 'quarantined') return;
    assert.equal(q.quarantine.status, 'pending-renew');
    assert.match(q.renew.note, /verifying failed/);
    assert.match(
      lab.device(q.quarantine.switch).interfaceConfig(q.quarantine.port),
      /ip access-group HA-IP-/,
    );
    const state = openState(statePath);
    assert.equal(state.activeQuarantineForMac(mac as never)?.status, 'pending-renew');
    state.close();
    assert.equal((await releaseIn(lab, statePath, mac)).outcome, 'released');
  });
});
