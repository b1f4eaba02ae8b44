/** Many devices at once over real SSH: a concurrency limit, bounded wall time, failures isolated. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { withSession } from '../../src/devices/connect.js';
import { runOnDevices } from '../../src/devices/pool.js';
import { AuthError, DevicesFailedError } from '../../src/errors.js';
import { startLab } from '../../src/lab/index.js';
import { paramsFor } from './session-helpers.js';

type Lab = Awaited<ReturnType<typeof startLab>>;
let lab: Lab;
const LATENCY = 40;

before(async () => {
  lab = await startLab({ switches: 10, hostsPerSwitch: 1, latencyMs: LATENCY });
});
after(async () => {
  await lab?.stop();
});

describe('pool: 10 devices, limit 4', () => {
  it('runs at most 4 sessions at once, in bounded wall time, and isolates one failure', async () => {
    const devices = lab.devices.slice(0, 10);
    assert.equal(devices.length, 10);
    const bad = devices[3]!.name;
    let running = 0;
    let peak = 0;
    const perDevice: number[] = [];
    const agg = await runOnDevices(
      devices,
      async (d) => {
        running++;
        peak = Math.max(peak, running);
        const t0 = Date.now();
        try {
          const params = paramsFor(lab, d, d.name === bad ? { password: 'wrong-password' } : {});
          return await withSession(params, async (s) => {
            const m = await s.sendConfig(['interface GigabitEthernet1/0/1', ' description pool test']);
            return m.assertOk().responses.length;
          });
        } finally {
          perDevice.push(Date.now() - t0);
          running--;
        }
      },
      { limit: 4 },
    );
    assert.equal(peak, 4);
    assert.deepEqual(agg.failedDevices, [bad]);
    assert.equal(agg.okDevices.length, 9);
    assert.ok(agg.get(bad)?.error instanceof AuthError);
    for (const d of devices) if (d.name !== bad) assert.equal(agg.get(d.name)?.result, 2);
    // bounded by ceil(10/4) = 3 waves of the slowest device, far below the serial sum
    const serial = perDevice.reduce((a, b) => a + b, 0);
    const slowest = Math.max(...perDevice);
    assert.ok(agg.elapsedMs <= 3 * slowest + 500, `wall ${agg.elapsedMs} ms, slowest ${slowest} ms`);
    assert.ok(agg.elapsedMs < serial * 0.6, `wall ${agg.elapsedMs} ms vs serial ${serial} ms`);
    assert.throws(
      () => agg.raiseOnError(),
      (e: unknown) => e instanceof DevicesFailedError && e.exitCode === 1 && e.failures.has(bad),
    );
  });
});
