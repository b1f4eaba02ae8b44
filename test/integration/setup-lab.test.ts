/** `highalert setup` against the IOS lab over SSH, through the built CLI (npm run build first). */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startLab, type Lab } from '../../src/lab/index.js';
import { openState } from '../../src/state/index.js';
import { runCli } from '../helpers/cli.js';

let lab: Lab;
let statePath: string;
const configLines = (received: string[]) =>
  received.filter(
    (l) => !/^(exit|enable|terminal (length|width) \d+|show running-config|end|write memory)$/.test(l),
  );

const setup = (...args: string[]) =>
  runCli(['setup', '--inventory', lab.inventoryPath, '--state', statePath, ...args], {
    env: { HIGHALERT_STATE: undefined },
  });

describe('highalert setup (lab)', () => {
  before(async () => {
    lab = await startLab({ switches: 1, hostsPerSwitch: 2 });
    statePath = path.join(lab.dir, 'state.db');
  });
  after(async () => {
    await lab.stop();
  });
  beforeEach(() => lab.device('lab-gw').clearReceived());

  it('--dry-run prints the diff and the exact lines, and sends no config', async () => {
    const before = lab.device('lab-gw').runningConfig();
    const r = await setup('--dry-run');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\+ip access-list extended HA-POOL-lab-10/);
    assert.match(
      r.stdout,
      /Lines an apply sends, in order\n {2}lab-gw:\n {4}ip access-list extended HA-POOL-lab-10\n/,
    );
    assert.match(r.stdout, /Dry run: nothing was sent/);
    assert.deepEqual(configLines(lab.device('lab-gw').received()), []);
    assert.equal(lab.device('lab-gw').runningConfig(), before);
  });

  it('without a terminal and without --yes: exit 2, nothing sent', async () => {
    const before = lab.device('lab-gw').runningConfig();
    const r = await setup();
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /not a terminal: pass --yes to apply/);
    assert.equal(lab.device('lab-gw').runningConfig(), before);
    assert.deepEqual(configLines(lab.device('lab-gw').received()), []);
  });

  it('a rejected line rolls the gateway back to exactly what it was (exit 3, journal says rolled back)', async () => {
    const before = lab.device('lab-gw').runningConfig();
    lab.device('lab-gw').setFaults({ rejectPattern: /^ ?ip policy route-map/ });
    try {
      const r = await setup('--yes', '--json');
      assert.equal(r.code, 3, r.stderr);
      const err = JSON.parse(r.stderr) as { error: { code: string; message: string } };
      assert.equal(err.error.code, 'E_APPLY_FAILED');
      assert.match(err.error.message, /Rolled back/);
    } finally {
      lab.device('lab-gw').clearFaults();
    }
    assert.equal(lab.device('lab-gw').runningConfig(), before);
    const state = openState(statePath);
    try {
      const ops = state.db.prepare("SELECT status FROM operations WHERE kind = 'setup'").all() as {
        status: string;
      }[];
      assert.deepEqual(
        ops.map((o) => o.status),
        ['rolled-back'],
      );
    } finally {
      state.close();
    }
  });

  it('--yes applies exactly the dry-run lines; the gateway policy-routes the pool', async () => {
    const dry = JSON.parse((await setup('--dry-run', '--json')).stdout) as {
      lines: Record<string, string[]>;
    };
    lab.device('lab-gw').clearReceived();
    const r = await setup('--yes', '--json');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      changed: boolean;
      applied: boolean;
      lines: Record<string, string[]>;
    };
    assert.equal(out.changed, true);
    assert.deepEqual(out.lines, dry.lines);
    const sent = configLines(lab.device('lab-gw').received()).filter((l) => !/^configure terminal/.test(l));
    assert.deepEqual(sent, dry.lines['lab-gw']);
    const cfg = lab.device('lab-gw').runningConfig();
    assert.match(
      cfg,
      /interface Vlan10\n ip address 10\.10\.0\.1 255\.255\.255\.0\n ip policy route-map HA-PBR-10\n/,
    );
    assert.match(
      cfg,
      /ip access-list extended HA-POOL-lab-10\n permit ip 10\.10\.0\.240 0\.0\.0\.7 any\n permit ip 10\.10\.0\.248 0\.0\.0\.1 any\n permit ip host 10\.10\.0\.250 any\n/,
    );
    assert.match(
      cfg,
      /route-map HA-PBR-10 permit 10\n match ip address HA-POOL-lab-10\n set ip next-hop 10\.10\.0\.9\n/,
    );
    // The lab's IOS DHCP server already excludes the High-Alert range: nothing to add there.
    assert.equal(cfg.match(/ip dhcp excluded-address 10\.10\.0\.240 10\.10\.0\.250/g)?.length, 1);
  });

  it('a second run says "no changes" and sends no config line', async () => {
    const r = await setup('--yes');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /no changes; nothing sent/);
    const received = lab.device('lab-gw').received();
    assert.ok(received.includes('show running-config'));
    assert.deepEqual(configLines(received), []);
  });

  it('drift: a removed pool entry and exclusion are put back, and only those', async () => {
    lab
      .device('lab-gw')
      .configure([
        'ip access-list extended HA-POOL-lab-10',
        ' no permit ip host 10.10.0.250 any',
        'exit',
        'no ip dhcp excluded-address 10.10.0.240 10.10.0.250',
      ]);
    const r = await setup('--yes', '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { lines: unknown }).lines, {
      'lab-gw': [
        'ip dhcp excluded-address 10.10.0.240 10.10.0.250',
        'ip access-list extended HA-POOL-lab-10',
        ' permit ip host 10.10.0.250 any',
      ],
    });
  });

  it('refuses an SVI that already has another ip policy route-map, and sends nothing', async () => {
    lab.device('lab-gw').configure(['interface Vlan10', ' ip policy route-map CORP-PBR']);
    const before = lab.device('lab-gw').runningConfig();
    lab.device('lab-gw').clearReceived();
    try {
      const r = await setup('--yes');
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /Vlan10 already has ip policy route-map CORP-PBR; setup will not replace it/);
      assert.deepEqual(configLines(lab.device('lab-gw').received()), []);
      assert.equal(lab.device('lab-gw').runningConfig(), before);
    } finally {
      lab.device('lab-gw').configure(['interface Vlan10', ' ip policy route-map HA-PBR-10']);
    }
  });

  it('--site with an unknown site is a usage error', async () => {
    const r = await setup('--site', 'nowhere', '--dry-run');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /site "nowhere" is not in the inventory/);
  });
});
