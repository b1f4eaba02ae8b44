/**
 * `highalert audit [--fix]` against the lab over SSH: each kind of drift injected straight into a
 * device is found (exit 1, named), `--fix` repairs it (journalled), and a second audit is clean.
 * The fix leaves the devices byte-identical to before the drift.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { audit, type AuditRequest } from '../../src/audit/run.js';
import type { Finding } from '../../src/audit/types.js';
import { setupFromCli } from '../../src/gateway/cli.js';
import type { Lab } from '../../src/lab/index.js';
import { openState } from '../../src/state/index.js';
import { configs, labWithState, quarantineIn } from './quarantine-helpers.js';

describe('audit against the lab', () => {
  let lab: Lab;
  let statePath: string;
  let mac: string;
  let hex: string;
  let haIp: string;
  let clean: Record<string, string>;

  const run = (extra: Partial<AuditRequest> = {}) =>
    audit({
      inventoryPath: lab.inventoryPath,
      statePath,
      operator: 'test',
      commandLine: 'highalert audit',
      fix: false,
      dryRun: false,
      confirm: async () => true,
      ...extra,
    });

  before(async () => {
    ({ lab, statePath } = await labWithState({ hostsPerSwitch: 4 }));
    await setupFromCli({
      inventoryPath: lab.inventoryPath,
      statePath,
      dryRun: false,
      yes: true,
      json: true,
      commandLine: 'highalert setup --yes',
      say: () => {},
    });
    const host = lab.hosts()[0]!;
    const q = await quarantineIn(lab, statePath, host.mac);
    assert.equal(q.outcome, 'quarantined');
    if (q.outcome !== 'quarantined') return;
    mac = host.mac;
    hex = mac.replaceAll(':', '');
    haIp = q.quarantine.highAlertIp!;
    clean = configs(lab);
  });
  after(async () => lab.stop());
  beforeEach(() => assert.deepEqual(configs(lab), clean, 'each case starts from the clean lab'));

  test('a freshly quarantined, set-up lab audits clean (exit 0, no findings)', async () => {
    const r = await run();
    assert.equal(r.exitCode, 0);
    assert.deepEqual(r.findings, []);
    assert.deepEqual(r.checked, { quarantines: 1, gateways: 1, devices: 2 });
  });

  const cases: Array<{
    name: string;
    inject: () => void;
    kind: Finding['kind'];
    device: string;
    names: RegExp;
  }> = [
    {
      name: 'a bound ACL removed from the port',
      inject: () =>
        lab.device('lab-sw1').configure(['interface Gi1/0/1', `no ip access-group HA-IP-${hex} in`]),
      kind: 'acl-unbound',
      device: 'lab-sw1',
      names: /HA-IP-\w+ is not bound inbound on lab-sw1 GigabitEthernet1\/0\/1/,
    },
    {
      name: 'an ACL entry changed',
      inject: () =>
        lab
          .device('lab-sw1')
          .configure([
            `ip access-list extended HA-IP-${hex}`,
            `no permit ip host ${haIp} any`,
            'permit ip any any',
          ]),
      kind: 'acl-entries',
      device: 'lab-sw1',
      names:
        /HA-IP-\w+ on lab-sw1 differs .*missing: permit ip host 10\.10\.0\.\d+ any; unexpected: permit ip any any/,
    },
    {
      name: 'the MAC ACL deleted',
      inject: () => lab.device('lab-sw1').configure([`no mac access-list extended HA-MAC-${hex}`]),
      kind: 'acl-missing',
      device: 'lab-sw1',
      names: /MAC ACL HA-MAC-\w+ .* is missing on lab-sw1/,
    },
    {
      name: 'the reservation removed from the IOS DHCP server',
      inject: () => lab.device('lab-gw').configure([`no ip dhcp pool HA-${hex}`]),
      kind: 'reservation-missing',
      device: 'lab-dhcp',
      names: /lab-dhcp has no reservation 02:00:00:01:00:01 → 10\.10\.0\.\d+/,
    },
    {
      name: 'the policy route removed from the SVI',
      inject: () => lab.device('lab-gw').configure(['interface Vlan10', 'no ip policy route-map HA-PBR-10']),
      kind: 'policy-routing',
      device: 'lab-gw',
      names:
        /policy routing .* lab\/10 is incomplete on lab-gw \(missing: interface Vlan10 \/ ip policy route-map HA-PBR-10\)/,
    },
    {
      name: 'an orphan highalert ACL',
      inject: () =>
        lab
          .device('lab-sw1')
          .configure(['mac access-list extended HA-MAC-0200deadbeef', ' permit host 0200.dead.beef any']),
      kind: 'orphan-acl',
      device: 'lab-sw1',
      names: /lab-sw1 has highalert ACL HA-MAC-0200deadbeef but no active quarantine owns it/,
    },
    {
      name: 'an orphan binding of a highalert ACL on another port',
      inject: () =>
        lab.device('lab-sw1').configure(['interface Gi1/0/2', ' ip access-group HA-IP-0200deadbeef in']),
      kind: 'orphan-binding',
      device: 'lab-sw1',
      names: /lab-sw1 GigabitEthernet1\/0\/2 has ip access-group HA-IP-0200deadbeef in/,
    },
    {
      name: 'an orphan High-Alert reservation',
      inject: () =>
        lab
          .device('lab-gw')
          .configure([
            'ip dhcp pool HA-0200deadbeef',
            ' host 10.10.0.249 255.255.255.0',
            ' client-identifier 0102.00de.adbe.ef',
          ]),
      kind: 'orphan-reservation',
      device: 'lab-dhcp',
      names: /lab-dhcp reserves 10\.10\.0\.249 for 02:00:de:ad:be:ef/,
    },
  ];

  for (const c of cases) {
    test(`${c.name}: audit exits 1 and names it; --fix repairs it; a second audit exits 0`, async () => {
      c.inject();
      const found = await run();
      assert.equal(found.exitCode, 1);
      const f = found.findings.find((x) => x.kind === c.kind);
      assert.ok(f, `a ${c.kind} finding in ${JSON.stringify(found.findings)}`);
      assert.equal(f.device, c.device);
      assert.equal(f.severity, 'error');
      assert.match(f.message, c.names);
      assert.ok(f.fix, 'it says what --fix does');

      const fixed = await run({ fix: true });
      assert.equal(fixed.fix?.applied, true);
      assert.deepEqual(fixed.remaining, []);
      assert.equal(fixed.exitCode, 0);
      const again = await run();
      assert.equal(again.exitCode, 0, JSON.stringify(again.findings));
      assert.deepEqual(configs(lab), clean, 'the devices are byte-identical to before the drift');
    });
  }

  test('--fix --dry-run shows the exact lines and sends nothing; the repair sends exactly them', async () => {
    lab.device('lab-sw1').configure(['interface Gi1/0/1', `no mac access-group HA-MAC-${hex} in`]);
    const drifted = configs(lab);
    lab.devices.forEach((d) => d.clearReceived());
    const dry = await run({ fix: true, dryRun: true });
    assert.equal(dry.exitCode, 1);
    assert.equal(dry.fix?.dryRun, true);
    assert.equal(dry.fix?.applied, false);
    assert.deepEqual(configs(lab), drifted, 'nothing changed');
    const sent = (d: string) =>
      lab
        .device(d)
        .received()
        .filter((l) => !/^(show |terminal |enable|exit)/.test(l));
    assert.deepEqual(sent('lab-sw1'), []);
    const lines = dry.fix!.lines['lab-sw1']!;
    assert.deepEqual(lines.slice(0, 2), [
      `no mac access-list extended HA-MAC-${hex}`,
      `no ip access-list extended HA-IP-${hex}`,
    ]);
    const fixed = await run({ fix: true });
    assert.deepEqual(fixed.fix!.lines, dry.fix!.lines);
    const received = lab.device('lab-sw1').received();
    const start = received.findIndex((l) => /^conf(igure)? t(erminal)?/.test(l));
    assert.deepEqual(received.slice(start + 1, start + 1 + lines.length), lines);
    assert.deepEqual(configs(lab), clean);
  });

  test('a declined repair changes nothing', async () => {
    lab.device('lab-gw').configure([`no ip dhcp pool HA-${hex}`]);
    const drifted = configs(lab);
    const r = await run({ fix: true, confirm: async () => false });
    assert.equal(r.fix?.declined, true);
    assert.equal(r.exitCode, 1);
    assert.deepEqual(configs(lab), drifted);
    await run({ fix: true });
  });

  test('a repair that a device rejects is rolled back (exit 3) and the journal says so', async () => {
    lab.device('lab-sw1').configure(['interface Gi1/0/1', `no ip access-group HA-IP-${hex} in`]);
    const drifted = configs(lab);
    lab.device('lab-sw1').setFaults({ rejectPattern: /^ ?ip access-group HA-IP/ });
    try {
      await assert.rejects(run({ fix: true }), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'E_APPLY_FAILED');
        assert.match(err.message, /Rolled back/);
        return true;
      });
    } finally {
      lab.device('lab-sw1').clearFaults();
    }
    assert.deepEqual(configs(lab), drifted, 'back to exactly the drifted config');
    const state = openState(statePath);
    try {
      const op = state.db
        .prepare("SELECT id, status FROM operations WHERE kind = 'audit' ORDER BY id DESC LIMIT 1")
        .get() as { id: number; status: string };
      assert.equal(op.status, 'rolled-back');
      assert.ok(state.stepsOf(op.id).every((s) => s.status === 'undone'));
    } finally {
      state.close();
    }
    const fixed = await run({ fix: true });
    assert.equal(fixed.exitCode, 0);
  });

  test('a device that cannot be read: exit 3, named with the reason; the others are still audited', async () => {
    lab.device('lab-gw').configure(['interface Vlan10', 'no ip policy route-map HA-PBR-10']);
    lab.device('lab-sw1').setFaults({ refuseAuth: true });
    try {
      const r = await run();
      assert.equal(r.exitCode, 3);
      const down = r.findings.find((f) => f.kind === 'unreachable');
      assert.equal(down?.device, 'lab-sw1');
      assert.match(down?.message ?? '', /could not look: .+/);
      assert.ok(
        r.findings.some((f) => f.kind === 'policy-routing' && f.device === 'lab-gw'),
        'lab-gw still audited',
      );
    } finally {
      lab.device('lab-sw1').clearFaults();
    }
    await run({ fix: true });
  });

  test('ARP: a host seen at another address is drift when isolated, a warning when pending-renew', async () => {
    const sw = lab.device('lab-sw1');
    const bounce = () => sw.configure(['interface Gi1/0/1', 'shutdown', 'no shutdown']);
    // Without its reservation and IP ACL the host renews into the normal pool and talks from there.
    lab.device('lab-gw').configure([`no ip dhcp pool HA-${hex}`]);
    sw.configure(['interface Gi1/0/1', `no ip access-group HA-IP-${hex} in`]);
    bounce();
    const moved = lab.host(mac)!.ip;
    assert.notEqual(moved, haIp, 'the host left its High-Alert address');
    const sighting = async () =>
      (await run()).findings.find((f) => f.target === mac && f.device === 'lab-gw');
    const drift = await sighting();
    assert.equal(drift?.kind, 'address-mismatch');
    assert.equal(drift?.severity, 'error');
    assert.match(drift?.message ?? '', new RegExp(`lab-gw sees ${mac} at ${moved.replaceAll('.', '\\.')},`));

    const state = openState(statePath);
    try {
      const q = state.activeQuarantineForMac(mac as never)!;
      state.updateQuarantine(q.id, { status: 'pending-renew' });
      const pending = await sighting();
      assert.equal(pending?.kind, 'pending-renew');
      assert.equal(pending?.severity, 'warning');
      const fixed = await run({ fix: true });
      assert.ok(
        fixed.remaining!.every((f) => f.severity === 'warning'),
        JSON.stringify(fixed.remaining),
      );
      assert.equal(fixed.exitCode, 0, 'warnings alone are clean');
      bounce();
      assert.equal(lab.host(mac)!.ip, haIp, 'back at its High-Alert address after a renew');
      assert.deepEqual((await run()).findings, []);
      state.updateQuarantine(q.id, { status: 'isolated' });
    } finally {
      state.close();
    }
  });
});
