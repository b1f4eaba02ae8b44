/**
 * quarantine / release through the built CLI, as cron or an operator runs them: refusals exit 2 and
 * send nothing; ten processes at once get ten distinct High-Alert addresses; two at once on one
 * target give one quarantine and one "already quarantined"; a full pool is a clear error.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse, stringify } from 'yaml';
import type { Lab } from '../../src/lab/index.js';
import { runCli } from '../helpers/cli.js';
import { configLinesReceived, configs, labWithState } from './quarantine-helpers.js';

describe('quarantine CLI against the lab', () => {
  let lab: Lab;
  let statePath: string;
  const cli = (...args: string[]) =>
    runCli([...args, '--inventory', lab.inventoryPath, '--state', statePath]);
  const sentAnything = () => lab.devices.some((d) => d.received().length > 0);

  before(async () => {
    ({ lab, statePath } = await labWithState({ switches: 2, hostsPerSwitch: 6 }));
    // One protected MAC, for the refusal test.
    const doc = parse(await readFile(lab.inventoryPath, 'utf8')) as { protected: { macs?: string[] } };
    doc.protected.macs = [lab.hosts()[11]!.mac];
    await writeFile(lab.inventoryPath, stringify(doc));
  });
  after(async () => lab.stop());

  test('malformed or injecting targets and reasons exit 2 before anything is sent', async () => {
    const host = lab.hosts()[0]!;
    lab.devices.forEach((d) => d.clearReceived());
    const cases: string[][] = [
      ['quarantine', 'not-a-target', '--yes'],
      ['quarantine', `${host.mac}\nshutdown`, '--yes'],
      ['quarantine', `${host.ip} extra words`, '--yes'],
      ['quarantine', host.mac, '--yes', '--reason', 'bad\nline vty 0 4'],
      ['quarantine', host.mac, '--yes', '--reason', 'what?'],
      ['quarantine', host.mac, '--yes', '--ttl', 'forever'],
      ['release', 'zz:zz', '--yes'],
    ];
    for (const args of cases) {
      const r = await cli(...args, '--json');
      assert.equal(r.code, 2, `${JSON.stringify(args)} → exit 2 (${r.stderr})`);
      assert.equal(r.stdout, '');
      assert.ok((JSON.parse(r.stderr) as { error: { code: string } }).error.code.startsWith('E_'));
    }
    assert.equal(sentAnything(), false, 'no line reached any device');
  });

  test('protected MAC, protected IP, uplink and trunk ports are refused with exit 2, no config sent', async () => {
    const trunkHost = lab.hosts()[5]!;
    lab.device(trunkHost.switch).configure([`interface ${trunkHost.port}`, 'switchport mode trunk']);
    const before = configs(lab);
    lab.devices.forEach((d) => d.clearReceived());
    for (const target of [lab.hosts()[11]!.mac, '10.10.0.1', trunkHost.mac]) {
      const r = await cli('quarantine', target, '--yes', '--json');
      assert.equal(r.code, 2, `${target}: ${r.stderr}`);
      assert.match(
        (JSON.parse(r.stderr) as { error: { code: string } }).error.code,
        /E_PROTECTED|E_TRUNK_PORT/,
      );
    }
    assert.deepEqual(
      lab.devices.flatMap((d) => configLinesReceived(d.received())),
      [],
    );
    assert.deepEqual(configs(lab), before);
    lab.device(trunkHost.switch).configure([`interface ${trunkHost.port}`, 'switchport mode access']);
  });

  test('without a terminal and without --yes nothing is changed', async () => {
    lab.devices.forEach((d) => d.clearReceived());
    const r = await cli('quarantine', lab.hosts()[0]!.mac);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /pass --yes/);
    assert.deepEqual(
      lab.devices.flatMap((d) => configLinesReceived(d.received())),
      [],
    );
  });

  test('--dry-run prints a plain diff (no colour in a pipe) and sends nothing; no secret in any output', async () => {
    lab.devices.forEach((d) => d.clearReceived());
    const r = await cli('quarantine', lab.hosts()[0]!.mac, '--dry-run');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!(r.stdout + r.stderr).includes('\u001b['), 'no ANSI escape');
    assert.match(r.stdout, /^\+ ip access-group HA-IP-\w+ in$/m);
    assert.match(r.stdout, /Lines an apply sends/);
    assert.deepEqual(
      lab.devices.flatMap((d) => configLinesReceived(d.received())),
      [],
    );
    const json = await cli('quarantine', lab.hosts()[0]!.mac, '--dry-run', '--json');
    const plan = (JSON.parse(json.stdout) as { plan: { steps: unknown[] } }).plan;
    assert.ok(plan.steps.length >= 3);
    for (const out of [r.stdout, r.stderr, json.stdout, json.stderr, await readFile(statePath, 'latin1')]) {
      assert.ok(!out.includes(lab.password) && !out.includes(lab.enableSecret), 'no secret in any output');
    }
  });

  test('ten processes at once on ten targets get ten distinct High-Alert addresses', async () => {
    const targets = lab.hosts().slice(0, 10);
    const results = await Promise.all(targets.map((h) => cli('quarantine', h.mac, '--yes', '--json')));
    const ips = results.map((r, i) => {
      assert.equal(r.code, 0, `${targets[i]!.mac}: ${r.stderr}`);
      return (JSON.parse(r.stdout) as { quarantine: { highAlertIp: string } }).quarantine.highAlertIp;
    });
    assert.equal(new Set(ips).size, 10, `distinct: ${ips.join(' ')}`);
    for (const [i, h] of targets.entries()) assert.equal(lab.host(h.mac)!.ip, ips[i]);
  });

  test('two at once on one target: one quarantine, one "already quarantined"', async () => {
    const host = lab.hosts()[10]!;
    const [a, b] = await Promise.all([
      cli('quarantine', host.mac, '--yes', '--json'),
      cli('quarantine', host.mac, '--yes', '--json'),
    ]);
    const outcomes = [a, b].map((r) => {
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout) as { outcome: string }).outcome;
    });
    assert.deepEqual(outcomes.sort(), ['already-quarantined', 'quarantined']);
  });

  test('a full pool is a clear error and nothing changes', async () => {
    // 11 addresses, 11 quarantined: release one protected MAC from the list and try it.
    const doc = parse(await readFile(lab.inventoryPath, 'utf8')) as { protected: { macs?: string[] } };
    doc.protected.macs = [];
    const open = path.join(lab.dir, 'inventory-open.yaml');
    await writeFile(open, stringify(doc));
    const before = configs(lab);
    lab.devices.forEach((d) => d.clearReceived());
    const r = await runCli([
      'quarantine',
      lab.hosts()[11]!.mac,
      '--yes',
      '--json',
      '--inventory',
      open,
      '--state',
      statePath,
    ]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal((JSON.parse(r.stderr) as { error: { code: string } }).error.code, 'E_POOL_EXHAUSTED');
    assert.deepEqual(
      lab.devices.flatMap((d) => configLinesReceived(d.received())),
      [],
    );
    assert.deepEqual(configs(lab), before);
  });
});
