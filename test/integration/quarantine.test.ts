import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse, stringify } from 'yaml';
import { linesByDevice } from '../../src/model/plan.js';
import { openState } from '../../src/state/index.js';
import type { Lab } from '../../src/lab/index.js';
import { configLinesReceived, configs, labWithState, quarantineIn, releaseIn } from './quarantine-helpers.js';

describe('quarantine and release against the lab over SSH', () => {
  let lab: Lab;
  let statePath: string;
  before(async () => ({ lab, statePath } = await labWithState()));
  after(async () => lab.stop());

  test('quarantine isolates the host; release restores the port byte for byte', async () => {
    const host = lab.hosts().find((h) => h.port === 'GigabitEthernet1/0/3')!;
    const sw = lab.device(host.switch);
    const gw = lab.device('lab-gw');
    const portBefore = sw.interfaceConfig(host.port);
    const normalIp = host.ip;

    const q = await quarantineIn(lab, statePath, host.mac);
    assert.equal(q.outcome, 'quarantined');
    if (q.outcome !== 'quarantined') return;
    assert.equal(q.quarantine.status, 'isolated');
    assert.equal(q.quarantine.previousIp, normalIp);
    const haIp = q.quarantine.highAlertIp!;
    assert.match(haIp, /^10\.10\.0\.(24\d|250)$/);
    assert.equal(lab.host(host.mac)!.ip, haIp, 'the host itself holds the High-Alert address');
    const port = sw.interfaceConfig(host.port);
    assert.match(port, /^ ip access-group HA-IP-\w+ in$/m);
    assert.match(port, /^ mac access-group HA-MAC-\w+ in$/m);
    assert.match(sw.runningConfig(), new RegExp(`permit ip host ${haIp.replaceAll('.', '\\.')} any`));
    assert.match(
      gw.runningConfig(),
      /^ip dhcp pool HA-\w+\n host 10\.10\.0\.2\d\d 255\.255\.255\.0\n client-identifier 01/m,
    );

    const r = await releaseIn(lab, statePath, haIp);
    assert.equal(r.outcome, 'released');
    assert.equal(sw.interfaceConfig(host.port), portBefore, 'interface config identical to before');
    assert.doesNotMatch(sw.runningConfig(), /HA-(IP|MAC)-/);
    assert.doesNotMatch(gw.runningConfig(), /ip dhcp pool HA-/);
    const back = lab.host(host.mac)!.ip;
    assert.match(back, /^10\.10\.0\.1\d\d$/, `back in the normal pool (${back})`);
    const state = openState(statePath);
    assert.equal(state.activeQuarantineForMac(q.quarantine.mac), undefined);
    assert.equal(state.getQuarantine(q.quarantine.id)?.status, 'released');
    state.close();
  });

  test('idempotent: quarantining twice changes nothing the second time; releasing a free target too', async () => {
    const host = lab.hosts()[0]!;
    const first = await quarantineIn(lab, statePath, host.mac);
    assert.equal(first.outcome, 'quarantined');
    lab.devices.forEach((d) => d.clearReceived());
    const second = await quarantineIn(lab, statePath, host.mac.toUpperCase().replaceAll(':', '-'));
    assert.equal(second.outcome, 'already-quarantined');
    assert.deepEqual(
      lab.devices.flatMap((d) => configLinesReceived(d.received())),
      [],
      'nothing sent',
    );
    await releaseIn(lab, statePath, host.mac);
    lab.devices.forEach((d) => d.clearReceived());
    const again = await releaseIn(lab, statePath, host.mac);
    assert.equal(again.outcome, 'not-quarantined');
    assert.deepEqual(
      lab.devices.flatMap((d) => configLinesReceived(d.received())),
      [],
    );
  });

  test('unlessVerdict: a quarantine marked malicious before release locks the MAC is skipped, not released', async () => {
    const host = lab.hosts().find((h) => h.port === 'GigabitEthernet1/0/3')!;
    const q = await quarantineIn(lab, statePath, host.mac);
    assert.equal(q.outcome, 'quarantined');
    if (q.outcome !== 'quarantined') return;
    const quarantined = configs(lab);
    // The verdict lands after the caller's own check (as in `expire`), before release's lock.
    const state = openState(statePath);
    state.updateQuarantine(q.quarantine.id, { verdict: 'malicious' });
    lab.devices.forEach((d) => d.clearReceived());
    const r = await releaseIn(lab, statePath, host.mac, { unlessVerdict: 'malicious' });
    assert.equal(r.outcome, 'skipped');
    if (r.outcome === 'skipped') assert.match(r.reason, /is marked malicious; not released/);
    assert.deepEqual(
      lab.devices.flatMap((d) => configLinesReceived(d.received())),
      [],
      'nothing sent',
    );
    assert.deepEqual(configs(lab), quarantined);
    assert.equal(state.getQuarantine(q.quarantine.id)?.status, 'isolated');
    assert.equal(state.unfinishedOperations().length, 0, 'its operation is finished (abandoned)');
    state.close();
    // Without the condition it releases as usual.
    assert.equal((await releaseIn(lab, statePath, host.mac)).outcome, 'released');
  });

  test('the dry-run lines are exactly what an apply sends, per device (quarantine and release)', async () => {
    const host = lab.hosts()[1]!;
    const dry = await quarantineIn(lab, statePath, host.mac, { dryRun: true });
    assert.equal(dry.outcome, 'dry-run');
    if (dry.outcome !== 'dry-run') return;
    lab.devices.forEach((d) => d.clearReceived());
    const applied = await quarantineIn(lab, statePath, host.mac);
    assert.equal(applied.outcome, 'quarantined');
    for (const [device, lines] of linesByDevice(dry.plan)) {
      assert.deepEqual(
        configLinesReceived(lab.device(device).received()),
        lines,
        `quarantine lines on ${device}`,
      );
    }
    const dryRelease = await releaseIn(lab, statePath, host.mac, { dryRun: true });
    assert.equal(dryRelease.outcome, 'dry-run');
    if (dryRelease.outcome !== 'dry-run') return;
    lab.devices.forEach((d) => d.clearReceived());
    await releaseIn(lab, statePath, host.mac);
    for (const [device, lines] of linesByDevice(dryRelease.plan)) {
      assert.deepEqual(
        configLinesReceived(lab.device(device).received()),
        lines,
        `release lines on ${device}`,
      );
    }
  });

  test('a port that carries other MACs is refused unless --allow-shared-port keeps them permitted', async () => {
    const pc = lab.hosts().find((h) => h.port === 'GigabitEthernet1/0/4')!;
    const phone = lab.addHost({
      switch: pc.switch,
      port: pc.port,
      mac: '02:00:00:99:00:04',
      ip: '10.10.0.199',
    });
    const sw = lab.device(pc.switch);
    const before = sw.runningConfig();
    await assert.rejects(
      quarantineIn(lab, statePath, pc.mac),
      (err: Error & { code?: string; exitCode?: number }) => {
        assert.equal(err.code, 'E_SHARED_PORT');
        assert.equal(err.exitCode, 2);
        assert.match(err.message, new RegExp(phone.mac));
        return true;
      },
    );
    assert.equal(sw.runningConfig(), before, 'nothing changed');
    const q = await quarantineIn(lab, statePath, pc.mac, { allowSharedPort: true });
    assert.equal(q.outcome, 'quarantined');
    assert.match(sw.runningConfig(), /^ permit host 0200\.0099\.0004 any$/m, 'the phone stays permitted');
    // A release that fails after restoring the port rebuilds the ACLs with the phone still in them.
    const quarantined = sw.runningConfig();
    lab.device('lab-gw').setFaults({ rejectPattern: /^no ip dhcp pool HA-/, once: true });
    await assert.rejects(releaseIn(lab, statePath, pc.mac), /Rolled back/);
    assert.equal(sw.runningConfig(), quarantined, 'the shared port is as it was, phone included');
    await releaseIn(lab, statePath, pc.mac);
    assert.equal(sw.runningConfig(), before);
  });

  test('--renew notify posts the instructions to the decision controller and does not bounce the port', async () => {
    const got: string[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        got.push(`${req.headers['x-token']} ${body}`);
        res.end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const doc = parse(await readFile(lab.inventoryPath, 'utf8')) as Record<string, unknown>;
    const { port } = server.address() as AddressInfo;
    doc.decision_controller = {
      url: `http://127.0.0.1:${port}/notice`,
      auth_header: 'X-Token',
      auth_env: 'HA_TEST_TOKEN',
    };
    const inventoryPath = path.join(lab.dir, 'inventory-notify.yaml');
    await writeFile(inventoryPath, stringify(doc));
    process.env.HA_TEST_TOKEN = 'tok-123';
    try {
      const host = lab.hosts()[2]!;
      lab.devices.forEach((d) => d.clearReceived());
      const q = await quarantineIn(lab, statePath, host.mac, { inventoryPath, renew: 'notify' });
      assert.equal(q.outcome, 'quarantined');
      if (q.outcome !== 'quarantined') return;
      assert.equal(q.quarantine.status, 'pending-renew');
      assert.ok(q.renew.instructions?.some((l) => l.includes('ipconfig /release')));
      assert.match(q.renew.note, /posted to the decision controller/);
      assert.equal(got.length, 1);
      assert.match(got[0]!, /^tok-123 .*"event":"renew-notice"/);
      assert.ok(!configLinesReceived(lab.device(host.switch).received()).includes(' shutdown'), 'no bounce');
      assert.equal(lab.host(host.mac)!.ip, host.ip, 'the host keeps its address until it renews');
      const r = await releaseIn(lab, statePath, host.mac, { inventoryPath, renew: 'lease' });
      assert.equal(r.outcome, 'released');
    } finally {
      delete process.env.HA_TEST_TOKEN;
      server.close();
    }
  });
});
