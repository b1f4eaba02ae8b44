/**
 * `highalert audit` through the built CLI (npm run build / npx tsc -p tsconfig.json first), as cron
 * runs it: exit codes 0 / 1 / 3, the stable --json list of findings, --fix refusing without --yes
 * off a terminal, and --fix --yes repairing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AuditResult } from '../../src/audit/run.js';
import type { Lab } from '../../src/lab/index.js';
import { runCli } from '../helpers/cli.js';
import { configs, labWithState, quarantineIn } from './quarantine-helpers.js';

describe('audit CLI against the lab', () => {
  let lab: Lab;
  let statePath: string;
  let hex: string;
  const cli = (...args: string[]) =>
    runCli([...args, '--inventory', lab.inventoryPath, '--state', statePath], {
      env: { HIGHALERT_STATE: undefined },
    });

  before(async () => {
    ({ lab, statePath } = await labWithState({ hostsPerSwitch: 2 }));
    const setup = await cli('setup', '--yes', '--json');
    assert.equal(setup.code, 0, setup.stderr);
    const host = lab.hosts()[0]!;
    assert.equal((await quarantineIn(lab, statePath, host.mac)).outcome, 'quarantined');
    hex = host.mac.replaceAll(':', '');
  });
  after(async () => lab.stop());

  test('clean: exit 0, --json is {clean, exitCode, checked, findings: [], fix: null, remaining: null}', async () => {
    const r = await cli('audit', '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      clean: true,
      exitCode: 0,
      checked: { quarantines: 1, gateways: 1, devices: 2 },
      findings: [],
      fix: null,
      remaining: null,
    });
    const human = await cli('audit');
    assert.equal(human.code, 0);
    assert.match(human.stdout, /No findings/);
  });

  test('drift: exit 1 and a stable finding list; --fix without --yes off a terminal: exit 2, nothing sent', async () => {
    lab.device('lab-sw1').configure(['interface Gi1/0/1', `no ip access-group HA-IP-${hex} in`]);
    lab
      .device('lab-sw1')
      .configure(['mac access-list extended HA-MAC-0200deadbeef', ' permit host 0200.dead.beef any']);
    const r = await cli('audit', '--json');
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as AuditResult;
    assert.equal(out.clean, false);
    assert.deepEqual(
      out.findings.map((f) => [f.kind, f.severity, f.device, f.target]),
      [
        ['acl-unbound', 'error', 'lab-sw1', '02:00:00:01:00:01'],
        ['orphan-acl', 'error', 'lab-sw1', 'HA-MAC-0200deadbeef'],
      ],
    );
    for (const f of out.findings)
      assert.deepEqual(Object.keys(f), ['kind', 'severity', 'device', 'target', 'message', 'fix']);
    const table = await cli('audit');
    assert.equal(table.code, 1);
    assert.match(table.stdout, /acl-unbound/);
    assert.match(table.stdout, /HA-MAC-0200deadbeef/);
    assert.match(table.stdout, /Drift found \(exit 1\)/);

    const before = configs(lab);
    lab.devices.forEach((d) => d.clearReceived());
    const refused = await cli('audit', '--fix');
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /not a terminal: pass --yes/);
    assert.deepEqual(configs(lab), before);

    const dry = await cli('audit', '--fix', '--dry-run');
    assert.equal(dry.code, 1, dry.stderr);
    assert.match(
      dry.stdout,
      /Lines an apply sends, in order\n {2}lab-sw1:\n {4}no mac access-list extended HA-MAC-/,
    );
    assert.match(dry.stdout, /-mac access-list extended HA-MAC-0200deadbeef/);
    assert.match(dry.stdout, /Dry run: nothing was sent/);
    assert.deepEqual(configs(lab), before);
  });

  test('--fix --yes --json repairs: exit 0, remaining [], and a second audit exits 0', async () => {
    const r = await cli('audit', '--fix', '--yes', '--json');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as AuditResult;
    assert.equal(out.findings.length, 2);
    assert.equal(out.fix?.applied, true);
    assert.equal(typeof out.fix?.operationId, 'number');
    assert.deepEqual(out.remaining, []);
    assert.equal((await cli('audit')).code, 0);
  });

  test('a device that cannot be read: exit 3, the device and why in --json', async () => {
    lab.device('lab-sw1').setFaults({ refuseAuth: true });
    try {
      const r = await cli('audit', '--json');
      assert.equal(r.code, 3, r.stderr);
      const out = JSON.parse(r.stdout) as AuditResult;
      const down = out.findings.filter((f) => f.kind === 'unreachable');
      assert.equal(down.length, 1);
      assert.equal(down[0]!.device, 'lab-sw1');
      assert.match(down[0]!.message, /^could not look: /);
    } finally {
      lab.device('lab-sw1').clearFaults();
    }
  });
});
