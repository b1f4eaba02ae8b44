/**
 * Issue 6 acceptance: `highalert quarantine` / `release` (the built CLI) with a real Kea DHCPv4
 * server, real dhcpcd clients and the lab access switch.
 *
 * Topology: one namespace runs kea-dhcp4 on a bridge (the VLAN, 10.10.0.0/24, gateway 10.10.0.1),
 * configured as `highalert setup` leaves it (normal pool .100-.199, High-Alert pool .240-.250
 * guarded by an impossible client class, authoritative); kea-ctrl-agent serves it on 127.0.0.1
 * with basic auth. Each lab host (lab-sw1 Gi1/0/1-3) has its own namespace with a veth carrying
 * the host's MAC and a real dhcpcd. The lab's DHCP hook ties the switch port to that link:
 * `shutdown` / `no shutdown` on the lab port takes the client link down / up, and the lab learns
 * the address the client then holds, which highalert's verify step sees in `show ip arp`.
 * Addresses are always checked ON THE CLIENT (`ip addr` in its namespace), not in Kea.
 *
 * Needs root (ip netns) and kea-dhcp4-server, kea-ctrl-agent, dhcpcd-base; skipped loudly without
 * them, a failure with CI=true. Needs the built CLI: `npx tsc -p tsconfig.json`.
 */
import assert from 'node:assert/strict';
import { existsSync, promises as fs, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { KeaBackend } from '../../src/dhcp/kea.js';
import { UnixSocketTransport } from '../../src/dhcp/kea-transport.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { BIN, ROOT, runCli, type CliResult } from '../helpers/cli.js';
import {
  canRunKea,
  clientAddress,
  freeLoopbackPort,
  inPool,
  startKea,
  waitForClientAddress,
  type KeaServer,
} from '../helpers/kea.js';
import {
  bounceLabPort,
  createVlanTopology,
  startEndpoints,
  startKeaProxy,
  wireLab,
  writeKeaInventory,
  type BounceRecord,
  type Endpoint,
  type KeaProxy,
  type VlanTopology,
} from '../helpers/kea-lab.js';
import { canUseNetns, onExit, requireCapability } from '../helpers/netns.js';
import { configLinesReceived, configs } from '../integration/quarantine-helpers.js';

const SUBNET = '10.10.0.0/24';
const SUBNET_ID = 10;
const NORMAL_POOL = '10.10.0.100 - 10.10.0.199';
const HIGH_ALERT_POOL = '10.10.0.240 - 10.10.0.250';
const SCOPE = { subnet: SUBNET, subnetId: SUBNET_ID };
const SERVER = 'kea-e2e';
const USER = 'highalert';
const PASSWORD = 'pw-e2e-Kq73!v';
/** The variables the HTTP inventories name in username_env / password_env. */
const CREDS = { HA_E2E_KEA_USER: USER, HA_E2E_KEA_PASSWORD: PASSWORD };
const HTTP_AUTH = { usernameEnv: 'HA_E2E_KEA_USER', passwordEnv: 'HA_E2E_KEA_PASSWORD' };

const normal = inPool(NORMAL_POOL);
const highAlert = inPool(HIGH_ALERT_POOL);

interface QuarantineJson {
  outcome: string;
  quarantine: { highAlertIp: string; status: string };
  renew: { verified: boolean; elapsedMs: number };
}
interface ReleaseJson {
  outcome: string;
  renew: { verified: boolean; elapsedMs: number };
}

/** Everything the subtests share. */
interface World {
  lab: Lab;
  topo: VlanTopology;
  kea: KeaServer;
  proxy: KeaProxy;
  wiring: ReturnType<typeof wireLab>;
  statePath: string;
  inv: { http: string; socket: string; proxy: string; dead: string };
  /** Reads what Kea holds, over the unix socket (never used to decide where a client is). */
  check: KeaBackend;
  /** Stops everything started, in reverse order. */
  stop(): Promise<void>;
}

interface Measure {
  what: string;
  cliMs: number;
  verifyMs?: number;
  bounce?: BounceRecord;
}

async function startWorld(): Promise<World> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const undo = async (): Promise<void> => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    const lab = await startLab({ switches: 1, hostsPerSwitch: 3 });
    const forgetLabDir = onExit(() => rmSync(lab.dir, { recursive: true, force: true }));
    cleanups.push(async () => {
      await lab.stop();
      forgetLabDir();
      await fs.rm(lab.dir, { recursive: true, force: true });
    });
    const raw = await createVlanTopology(
      lab.hosts().map((h) => h.mac),
      '10.10.0.1/24',
    );
    cleanups.push(() => raw.destroy());
    const kea = await startKea({
      ns: raw.serverNs,
      ifname: raw.bridge,
      subnet: SUBNET,
      subnetId: SUBNET_ID,
      normalPool: NORMAL_POOL,
      highAlertPool: HIGH_ALERT_POOL,
      ctrlAgent: { username: USER, password: PASSWORD },
    });
    cleanups.push(() => kea.stop());
    const topo = await startEndpoints(raw);
    cleanups.push(() => topo.destroy());
    for (const e of topo.endpoints) await waitForClientAddress(e.ns, e.ifname, normal, 15_000);
    const wiring = wireLab(lab, topo);
    // Line the lab up with what Kea handed out: each lab host takes its client's address.
    for (const e of topo.endpoints) {
      const ip = await bounceLabPort(lab, wiring, e.mac);
      assert.equal(ip, await clientAddress(e.ns, e.ifname));
    }
    const proxy = await startKeaProxy(kea.url!);
    cleanups.push(() => proxy.close());
    const deadPort = await freeLoopbackPort();
    const inv = {
      http: await writeKeaInventory(lab, 'kea-http.yaml', SERVER, { url: kea.url!, ...HTTP_AUTH }, SUBNET_ID),
      socket: await writeKeaInventory(lab, 'kea-socket.yaml', SERVER, { socket: kea.socketPath }, SUBNET_ID),
      proxy: await writeKeaInventory(
        lab,
        'kea-proxy.yaml',
        SERVER,
        { url: proxy.url, ...HTTP_AUTH },
        SUBNET_ID,
      ),
      dead: await writeKeaInventory(
        lab,
        'kea-dead.yaml',
        SERVER,
        { url: `http://127.0.0.1:${deadPort}/`, ...HTTP_AUTH },
        SUBNET_ID,
      ),
    };
    const lockDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ha-e2e-locks-'));
    const forget = onExit(() => rmSync(lockDir, { recursive: true, force: true }));
    cleanups.push(async () => {
      forget();
      await fs.rm(lockDir, { recursive: true, force: true });
    });
    const check = new KeaBackend({ name: 'kea-e2e-check', socketPath: kea.socketPath, lockDir });
    cleanups.push(() => check.close());
    return {
      lab,
      topo,
      kea,
      proxy,
      wiring,
      statePath: path.join(lab.dir, 'state.db'),
      inv,
      check,
      stop: undo,
    };
  } catch (err) {
    await undo();
    throw err;
  }
}

test(
  'issue 6: quarantine / release with a real Kea, real DHCP clients and the lab switch',
  { timeout: 120_000 },
  async (t) => {
    if (!requireCapability(t, await canUseNetns(), 'quarantine-kea e2e test')) return;
    if (!requireCapability(t, await canRunKea(), 'quarantine-kea e2e test')) return;
    if (!existsSync(path.join(ROOT, 'dist', 'commands', 'quarantine.js'))) {
      throw new Error(`the CLI is not built (${BIN} needs dist/): run \`npx tsc -p tsconfig.json\` first`);
    }

    const started = Date.now();
    const w = await startWorld();
    const setupMs = Date.now() - started;
    const measures: Measure[] = [];
    const [hostA, hostB, hostC] = w.topo.endpoints as [Endpoint, Endpoint, Endpoint];

    const cli = async (inventory: string, args: string[], env: Record<string, string> = CREDS) => {
      const t0 = Date.now();
      const r = await runCli([...args, '--inventory', inventory, '--state', w.statePath], {
        env,
        timeoutMs: 45_000,
      });
      return { ...r, ms: Date.now() - t0 };
    };
    const json = <T>(r: CliResult, what: string): T => {
      assert.equal(r.code, 0, `${what}: exit ${r.code}\n${r.stderr}`);
      return JSON.parse(r.stdout) as T;
    };
    const lastBounce = (mac: string, since: number): BounceRecord | undefined =>
      w.wiring.bounces.slice(since).findLast((b) => b.mac === mac);
    /** MAC → IP reservations of the subnet: Kea's running configuration and its config file. */
    const reservations = async () => {
      const running = (await w.check.listReservations(SCOPE)).map((r) => `${r.mac}=${r.ip}`).sort();
      const file = await w.kea.readConfigFile();
      const subnet = ((file.Dhcp4 as Record<string, unknown>).subnet4 as Array<Record<string, unknown>>)[0]!;
      const onDisk = ((subnet.reservations ?? []) as Array<Record<string, unknown>>)
        .filter((r) => typeof r['hw-address'] === 'string')
        .map((r) => `${String(r['hw-address'])}=${String(r['ip-address'])}`)
        .sort();
      return { running, onDisk };
    };
    const noReservations = async (why: string) =>
      assert.deepEqual(await reservations(), { running: [], onDisk: [] }, why);
    const noHookErrors = () => assert.deepEqual(w.wiring.errors, [], 'the lab ↔ client wiring worked');
    /** Edits Kea's configuration directly, as an operator or another tool would (not via highalert). */
    const editKea = async (edit: (subnet: Record<string, unknown>) => void) => {
      const sock = new UnixSocketTransport(w.kea.socketPath, { server: 'operator' });
      try {
        const got = await sock.send('config-get');
        const dhcp4 = (got.arguments as Record<string, unknown>).Dhcp4 as Record<string, unknown>;
        edit((dhcp4.subnet4 as Array<Record<string, unknown>>)[0]!);
        for (const [cmd, args] of [
          ['config-set', { Dhcp4: dhcp4 }],
          ['config-write', undefined],
        ] as const) {
          const res = await sock.send(cmd, args);
          assert.equal(res.result, 0, `${cmd}: ${res.text ?? ''}`);
        }
      } finally {
        await sock.close();
      }
    };

    /** quarantine → High-Alert address on the client → release → normal pool on the client. */
    const roundTrip = async (inventory: string, e: Endpoint, label: string): Promise<void> => {
      const before = await clientAddress(e.ns, e.ifname);
      assert.ok(before !== undefined && normal(before), `${e.mac} starts in the normal pool (${before})`);
      const switchBefore = configs(w.lab);

      let mark = w.wiring.bounces.length;
      const q = await cli(inventory, ['quarantine', e.mac, '--yes', '--json', '--reason', `e2e ${label}`]);
      const qo = json<QuarantineJson>(q, `quarantine over ${label}`);
      assert.equal(qo.outcome, 'quarantined');
      assert.equal(qo.quarantine.status, 'isolated', 'highalert verified the move');
      const ip = qo.quarantine.highAlertIp;
      assert.ok(highAlert(ip), `${ip} is in the High-Alert pool`);
      assert.equal(await clientAddress(e.ns, e.ifname), ip, 'the client itself holds the reserved address');
      assert.deepEqual((await reservations()).running, [`${e.mac}=${ip}`]);
      assert.deepEqual((await reservations()).onDisk, [`${e.mac}=${ip}`], 'config-write persisted it');
      measures.push({
        what: `quarantine (${label})`,
        cliMs: q.ms,
        verifyMs: qo.renew.elapsedMs,
        ...withBounce(lastBounce(e.mac, mark)),
      });

      mark = w.wiring.bounces.length;
      const r = await cli(inventory, ['release', e.mac, '--yes', '--json']);
      const ro = json<ReleaseJson>(r, `release over ${label}`);
      assert.equal(ro.outcome, 'released');
      assert.equal(ro.renew.verified, true);
      const after = await clientAddress(e.ns, e.ifname);
      assert.ok(after !== undefined && normal(after), `the client is back in the normal pool (${after})`);
      await noReservations('release removed the reservation, in memory and on disk');
      assert.deepEqual(configs(w.lab), switchBefore, 'the switch is exactly as before the quarantine');
      measures.push({
        what: `release (${label})`,
        cliMs: r.ms,
        verifyMs: ro.renew.elapsedMs,
        ...withBounce(lastBounce(e.mac, mark)),
      });
      noHookErrors();
    };

    /** A failed quarantine: exit 3, nothing changed on the switch or in Kea, the client unmoved. */
    const failsCleanly = async (
      r: CliResult,
      e: Endpoint,
      before: { switch: Record<string, string>; ip: string | undefined },
      expect: RegExp[],
    ): Promise<void> => {
      assert.equal(r.code, 3, `exit 3 (device/server failure): ${r.stderr}`);
      for (const re of expect) assert.match(r.stderr, re);
      assert.doesNotMatch(r.stderr, /INCOMPLETE/);
      assert.deepEqual(configs(w.lab), before.switch, 'every lab device is exactly as before');
      await noReservations('no reservation left in Kea');
      assert.equal(await clientAddress(e.ns, e.ifname), before.ip, 'the client was not moved');
    };
    const snapshot = async (e: Endpoint) => ({
      switch: configs(w.lab),
      ip: await clientAddress(e.ns, e.ifname),
    });

    try {
      await t.test('1a. over HTTP (kea-ctrl-agent, basic auth from the environment)', async () => {
        await roundTrip(w.inv.http, hostA, 'HTTP');
      });

      await t.test('1b. over the unix control socket', async () => {
        await roundTrip(w.inv.socket, hostA, 'socket');
      });

      await t.test('2. Kea restarted after a quarantine still holds the reservation', async () => {
        const q = json<QuarantineJson>(
          await cli(w.inv.socket, ['quarantine', hostA.mac, '--yes', '--json']),
          'quarantine',
        );
        const ip = q.quarantine.highAlertIp;
        assert.equal(await clientAddress(hostA.ns, hostA.ifname), ip);
        await w.kea.restart(); // kea-dhcp4 stops and starts again from its config file
        assert.deepEqual((await reservations()).running, [`${hostA.mac}=${ip}`], 'read back after restart');
        // A port bounce now: the client is served by the restarted Kea and gets the reservation again.
        const again = await bounceLabPort(w.lab, w.wiring, hostA.mac);
        assert.equal(again, ip);
        assert.equal(await clientAddress(hostA.ns, hostA.ifname), ip, 'client side, after the restart');
        const r = await cli(w.inv.socket, ['release', hostA.mac, '--yes', '--json']);
        assert.equal(json<ReleaseJson>(r, 'release after restart').outcome, 'released');
        assert.ok(normal((await clientAddress(hostA.ns, hostA.ifname)) ?? ''));
        await noReservations('released after the restart');
        noHookErrors();
      });

      await t.test('3a. Kea unreachable (nothing listening) → exit 3, nothing changed', async () => {
        const before = await snapshot(hostA);
        w.lab.devices.forEach((d) => d.clearReceived());
        const r = await cli(w.inv.dead, ['quarantine', hostA.mac, '--yes']);
        await failsCleanly(r, hostA, before, [
          new RegExp(`cannot reach Kea server ${SERVER}`),
          /ECONNREFUSED/,
        ]);
        assert.deepEqual(
          w.lab.devices.flatMap((d) => configLinesReceived(d.received())),
          [],
          'no config line reached any device',
        );
      });

      await t.test('3b. wrong kea-ctrl-agent password → exit 3, nothing changed', async () => {
        const before = await snapshot(hostA);
        const r = await cli(w.inv.http, ['quarantine', hostA.mac, '--yes'], {
          ...CREDS,
          HA_E2E_KEA_PASSWORD: 'not-the-password',
        });
        await failsCleanly(r, hostA, before, [new RegExp(`Kea server ${SERVER}`), /401|Unauthorized/]);
        assert.doesNotMatch(r.stderr + r.stdout, /not-the-password|Kq73/, 'no password in the output');
      });

      await t.test(
        '3c. kea-dhcp4 stops during the quarantine (at config-test, behind the agent) → exit 3, rolled back',
        async () => {
          const before = await snapshot(hostA);
          w.proxy.armBefore('config-test', () => w.kea.stopDhcp4());
          const r = await cli(w.inv.proxy, ['quarantine', hostA.mac, '--yes']);
          assert.ok(w.proxy.seen.includes('config-test'), 'the failure hit the write itself');
          await w.kea.startDhcp4();
          await failsCleanly(r, hostA, before, [
            new RegExp(`Kea server ${SERVER}`),
            /failed at step dhcp-reservation/,
            /config-test/,
            /unable to forward command to the dhcp4 service/,
            /Rolled back/,
          ]);
        },
      );

      await t.test(
        '3d. DHCP step done, a later switch step fails (ip access-group) → reservation removed, exit 3',
        async () => {
          const before = await snapshot(hostA);
          w.lab.device('lab-sw1').setFaults({ rejectPattern: /^\s*ip access-group /, once: true });
          try {
            const r = await cli(w.inv.http, ['quarantine', hostA.mac, '--yes']);
            await failsCleanly(r, hostA, before, [
              /lab-sw1/,
              /failed at step port-restrict/,
              /ip access-group HA-IP-/,
              /Rolled back: .*lab-sw1 port-restrict: undone; kea-e2e dhcp-reservation: undone/,
            ]);
            assert.match(r.stderr, /done kea-e2e: dhcp-reservation/, 'the reservation had been added');
          } finally {
            w.lab.device('lab-sw1').clearFaults();
          }
        },
      );

      await t.test(
        '3e. an address of the High-Alert pool reserved by client-id (not by MAC) is skipped',
        async () => {
          // Written straight into Kea by someone else: the first High-Alert address, for a client-id.
          await editKea((subnet) => {
            subnet.reservations = [
              ...((subnet.reservations ?? []) as unknown[]),
              { 'client-id': '01:02:00:00:0a:0a:0a', 'ip-address': '10.10.0.240' },
            ];
          });
          try {
            const q = json<QuarantineJson>(
              await cli(w.inv.http, ['quarantine', hostA.mac, '--yes', '--json']),
              'quarantine next to a client-id reservation',
            );
            assert.equal(q.quarantine.highAlertIp, '10.10.0.241');
            assert.equal(await clientAddress(hostA.ns, hostA.ifname), '10.10.0.241');
            const r = await cli(w.inv.http, ['release', hostA.mac, '--yes', '--json']);
            assert.equal(json<ReleaseJson>(r, 'release').outcome, 'released');
            assert.ok(normal((await clientAddress(hostA.ns, hostA.ifname)) ?? ''));
          } finally {
            await editKea((subnet) => {
              subnet.reservations = ((subnet.reservations ?? []) as Array<Record<string, unknown>>).filter(
                (r) => r['client-id'] === undefined,
              );
            });
          }
          await noReservations('released');
          noHookErrors();
        },
      );

      await t.test('4. two quarantines at once (HTTP and socket) → both reservations, distinct', async () => {
        const mark = w.wiring.bounces.length;
        const [qb, qc] = await Promise.all([
          cli(w.inv.http, ['quarantine', hostB.mac, '--yes', '--json']),
          cli(w.inv.socket, ['quarantine', hostC.mac, '--yes', '--json']),
        ]);
        const ipB = json<QuarantineJson>(qb, 'quarantine B').quarantine.highAlertIp;
        const ipC = json<QuarantineJson>(qc, 'quarantine C').quarantine.highAlertIp;
        assert.notEqual(ipB, ipC, 'distinct High-Alert addresses');
        assert.ok(highAlert(ipB) && highAlert(ipC));
        const held = await reservations();
        assert.deepEqual(
          held.running,
          [`${hostB.mac}=${ipB}`, `${hostC.mac}=${ipC}`].sort(),
          'no lost update',
        );
        assert.deepEqual(held.onDisk, held.running, 'both persisted');
        assert.equal(await clientAddress(hostB.ns, hostB.ifname), ipB, 'client B holds its address');
        assert.equal(await clientAddress(hostC.ns, hostC.ifname), ipC, 'client C holds its address');
        measures.push(
          { what: 'concurrent quarantine B', cliMs: qb.ms, ...withBounce(lastBounce(hostB.mac, mark)) },
          { what: 'concurrent quarantine C', cliMs: qc.ms, ...withBounce(lastBounce(hostC.mac, mark)) },
        );

        const [rb, rc] = await Promise.all([
          cli(w.inv.socket, ['release', hostB.mac, '--yes', '--json']),
          cli(w.inv.http, ['release', hostC.mac, '--yes', '--json']),
        ]);
        assert.equal(json<ReleaseJson>(rb, 'release B').outcome, 'released');
        assert.equal(json<ReleaseJson>(rc, 'release C').outcome, 'released');
        for (const e of [hostB, hostC]) {
          const ip = await clientAddress(e.ns, e.ifname);
          assert.ok(ip !== undefined && normal(ip), `${e.mac} back in the normal pool (${ip})`);
        }
        await noReservations('both released');
        noHookErrors();
      });
    } finally {
      await w.stop();
      report(t, setupMs, Date.now() - started, measures);
    }
  },
);

function withBounce(b: BounceRecord | undefined): { bounce?: BounceRecord } {
  return b ? { bounce: b } : {};
}

function report(t: TestContext, setupMs: number, totalMs: number, measures: Measure[]): void {
  t.diagnostic(`set-up ${setupMs} ms, whole test ${totalMs} ms`);
  for (const m of measures) {
    const b = m.bounce;
    t.diagnostic(
      `${m.what}: CLI ${m.cliMs} ms` +
        (m.verifyMs === undefined ? '' : `, verify ${m.verifyMs} ms`) +
        (b
          ? `, client ${b.before ?? '-'} → ${b.after ?? '-'}: link up → address ${b.upToAddressMs} ms, port shutdown → address ${b.totalMs} ms`
          : ''),
    );
  }
}
