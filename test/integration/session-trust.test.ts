/** `highalert trust` end to end (built CLI) against the lab's own inventory and known_hosts. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { withSession } from '../../src/devices/connect.js';
import { connectionParamsFor } from '../../src/devices/inventory-params.js';
import { loadInventory } from '../../src/inventory/index.js';
import { startLab } from '../../src/lab/index.js';
import { runCli } from '../helpers/cli.js';

type Lab = Awaited<ReturnType<typeof startLab>>;
let lab: Lab;

before(async () => {
  lab = await startLab({ switches: 1, hostsPerSwitch: 1 });
  writeFileSync(lab.knownHostsPath, ''); // nothing trusted yet
});
after(async () => {
  await lab?.stop();
});

const sw = (): Lab['devices'][number] => lab.devices[lab.devices.length - 1]!;

describe('highalert trust', () => {
  it('refuses with exit 2 when there is no terminal and no --yes', async () => {
    const r = await runCli(['trust', sw().name, '-i', lab.inventoryPath, '--json']);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(JSON.parse(r.stderr).error.code, 'E_CONFIRM_REQUIRED');
    assert.equal(readFileSync(lab.knownHostsPath, 'utf8'), '');
  });

  it('an unknown device name is exit 2 naming the known ones', async () => {
    const r = await runCli(['trust', 'no-such-switch', '--yes', '-i', lab.inventoryPath]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown device: no-such-switch/);
    assert.match(r.stderr, new RegExp(sw().name));
  });

  it('--yes records the key (shown with its fingerprint); a session then connects; again is a no-op', async () => {
    const d = sw();
    const r = await runCli(['trust', d.name, '--yes', '-i', lab.inventoryPath, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      devices: { device: string; status: string; fingerprint: string; line: number }[];
    };
    assert.deepEqual(
      out.devices.map((x) => [x.device, x.status, x.fingerprint, x.line]),
      [[d.name, 'added', d.hostKeyFingerprint, 1]],
    );
    assert.match(
      readFileSync(lab.knownHostsPath, 'utf8'),
      new RegExp(`^\\[127\\.0\\.0\\.1\\]:${d.port} ecdsa-sha2-`),
    );

    const { inventory } = await loadInventory(lab.inventoryPath);
    const device = inventory.devices.find((x) => x.name === d.name)!;
    await withSession(connectionParamsFor(device), async (s) => {
      assert.equal((await s.send('show privilege')).output, 'Current privilege level is 15');
    });

    const again = await runCli(['trust', d.name, '--yes', '-i', lab.inventoryPath]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already trusted .*; nothing changed/);
  });

  it('a changed key is refused, naming the file and line', async () => {
    const d = sw();
    d.setFaults({ alternateHostKey: true });
    try {
      const r = await runCli(['trust', d.name, '--yes', '-i', lab.inventoryPath]);
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /has changed/);
      assert.ok(r.stderr.includes(`${lab.knownHostsPath}:1`), r.stderr);
    } finally {
      d.clearFaults();
    }
  });
});
