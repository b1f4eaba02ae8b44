/**
 * End to end: a real Kea 2.x DHCPv4 server and a real dhcpcd client in network namespaces.
 *
 * The client gets a normal-pool address; a reservation in the High-Alert range plus a link bounce
 * moves it there (read on the client side); removing the reservation and bouncing brings it back.
 * Over kea-ctrl-agent (HTTP, basic auth) and over the unix control socket; plus persistence across
 * a restart, unreachable servers, rejected configurations, and two processes writing at once.
 *
 * Needs root (ip netns) and the Debian packages kea-dhcp4-server, kea-ctrl-agent, dhcpcd-base.
 * Without them the test is skipped loudly; with CI=true it fails instead.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KeaBackend } from '../../src/dhcp/kea.js';
import { DhcpBackendError } from '../../src/errors.js';
import type { KeaTransport, KeaResponse } from '../../src/dhcp/kea-transport.js';
import { HttpTransport } from '../../src/dhcp/kea-transport.js';
import { parseIp, parseMac, type IpAddress, type Mac } from '../../src/values/index.js';
import type { Reservation } from '../../src/dhcp/backend.js';
import {
  bounce,
  canUseNetns,
  createTopology,
  interfaceMac,
  onExit,
  requireCapability,
  type Topology,
} from '../helpers/netns.js';
import {
  canRunKea,
  freeLoopbackPort,
  inPool,
  startDhcpClient,
  startKea,
  waitForClientAddress,
  type DhcpClient,
  type KeaServer,
} from '../helpers/kea.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const NORMAL_POOL = '10.77.0.100 - 10.77.0.199';
const SCOPE = { subnet: '10.77.0.0/24', subnetId: 77 };
const USER = 'highalert';
const PASSWORD = 'pw-e2e-Zq81!x';

function reservation(mac: string, ip: string): Reservation {
  return { mac: parseMac(mac), ip: parseIp(ip), scope: SCOPE, label: 'e2e' };
}

async function rejects(p: Promise<unknown>, code: string): Promise<DhcpBackendError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof DhcpBackendError, `expected a DhcpBackendError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.equal(err.exitCode, 3);
    return err;
  }
  assert.fail(`expected ${code}, but it succeeded`);
}

/**
 * A transport that forwards to the real one, but answers chosen commands itself, or changes the
 * arguments of chosen commands before the real server sees them.
 */
class InterceptingTransport implements KeaTransport {
  readonly description: string;
  readonly sent: string[] = [];
  constructor(
    private readonly inner: KeaTransport,
    private readonly fake: Record<string, KeaResponse>,
    private readonly mutate: Record<string, (args: Record<string, unknown>) => Record<string, unknown>> = {},
  ) {
    this.description = `${inner.description} (intercepting)`;
  }
  async send(command: string, args?: Record<string, unknown>): Promise<KeaResponse> {
    this.sent.push(command);
    const m = this.mutate[command];
    return this.fake[command] ?? this.inner.send(command, m && args ? m(structuredClone(args)) : args);
  }
  async close(): Promise<void> {}
}

/** Adds a reservation outside the subnet to what is sent: Kea's own config-test refuses it. */
function corrupt(args: Record<string, unknown>): Record<string, unknown> {
  const subnet = ((args.Dhcp4 as Record<string, unknown>).subnet4 as Array<Record<string, unknown>>)[0]!;
  subnet.reservations = [
    ...(subnet.reservations as unknown[]),
    { 'hw-address': '02:00:00:00:00:aa', 'ip-address': '10.78.0.5' },
  ];
  return args;
}

interface Measured {
  what: string;
  ms: number;
}
const measured: Measured[] = [];

test('Kea backend against a real kea-dhcp4 and a real DHCP client', { timeout: 120_000 }, async (t) => {
  const cap = await canUseNetns();
  if (!requireCapability(t, cap, 'Kea e2e test')) return;
  const kcap = await canRunKea();
  if (!requireCapability(t, kcap, 'Kea e2e test')) return;

  let topo: Topology | undefined;
  let kea: KeaServer | undefined;
  let client: DhcpClient | undefined;
  const lockDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ha-kea-locks-'));
  const forgetLockDir = onExit(() => rmSync(lockDir, { recursive: true, force: true }));
  try {
    topo = await createTopology('10.77.0.1/24');
    kea = await startKea({
      ns: topo.serverNs,
      ifname: topo.serverIf,
      ctrlAgent: { username: USER, password: PASSWORD },
    });
    client = await startDhcpClient(topo.clientNs, topo.clientIf);
    const mac = parseMac(await interfaceMac(topo.clientNs, topo.clientIf));
    const k = kea;
    const tp = topo;

    const viaHttp = new KeaBackend({
      name: 'kea-e2e',
      url: k.url!,
      username: USER,
      password: PASSWORD,
      lockDir,
    });
    const viaSocket = new KeaBackend({ name: 'kea-e2e', socketPath: k.socketPath, lockDir });

    /** add → bounce → reserved address (client side) → remove → bounce → normal pool. */
    const moveAndBack = async (backend: KeaBackend, ip: string, label: string): Promise<void> => {
      const r = reservation(mac, ip);
      const added = await backend.addReservation(r);
      assert.equal(added.changed, true);
      assert.deepEqual(added.preview, [
        `+ subnet 77 (10.77.0.0/24) reservation { "hw-address": "${mac}", "ip-address": "${ip}", "user-context": { "highalert": { "label": "e2e" } } }`,
      ]);
      const again = await backend.addReservation(r);
      assert.equal(again.changed, false, 'adding the same reservation twice changes nothing');
      assert.ok(
        (await backend.listReservations(SCOPE)).some(
          (x) => x.mac === mac && x.ip === ip && x.label === 'e2e',
        ),
      );

      const t0 = Date.now();
      await bounce(tp.clientNs, tp.clientIf);
      const moved = await waitForClientAddress(tp.clientNs, tp.clientIf, ip, 10_000);
      measured.push({ what: `${label}: bounce start → High-Alert address`, ms: Date.now() - t0 });
      measured.push({ what: `${label}: link up → High-Alert address`, ms: moved.elapsedMs });
      assert.equal(moved.ip, ip);
      const lease = await backend.leaseForMac(mac, SCOPE);
      assert.equal(lease?.ip, ip);
      assert.ok((await backend.listLeases(SCOPE)).some((l) => l.mac === mac && l.ip === ip));

      const removed = await backend.removeReservation(r);
      assert.equal(removed.changed, true);
      assert.match(removed.preview[0]!, /^- subnet 77 \(10\.77\.0\.0\/24\) reservation \{ "hw-address"/);
      const removedAgain = await backend.removeReservation(r);
      assert.equal(removedAgain.changed, false, 'removing an absent reservation is a no-op');

      const t1 = Date.now();
      await bounce(tp.clientNs, tp.clientIf);
      const back = await waitForClientAddress(tp.clientNs, tp.clientIf, inPool(NORMAL_POOL), 10_000);
      measured.push({ what: `${label}: bounce start → normal-pool address`, ms: Date.now() - t1 });
      measured.push({ what: `${label}: link up → normal-pool address`, ms: back.elapsedMs });
      assert.ok(inPool(NORMAL_POOL)(back.ip));
    };

    await t.test('the client gets a normal-pool address', async () => {
      const got = await waitForClientAddress(tp.clientNs, tp.clientIf, inPool(NORMAL_POOL), 15_000);
      measured.push({ what: 'first lease after dhcpcd start', ms: got.elapsedMs });
      const lease = await viaSocket.leaseForMac(mac, SCOPE);
      assert.equal(lease?.ip, got.ip);
      assert.equal(lease?.state, 'default');
    });

    await t.test('over HTTP (kea-ctrl-agent, basic auth): move to High-Alert and back', async () => {
      assert.equal((await viaHttp.capabilities()).hostCmds, false, "Debian's Kea 2.2 has no host_cmds");
      await moveAndBack(viaHttp, '10.77.0.240', 'http');
    });

    await t.test('over the unix control socket: move to High-Alert and back', async () => {
      await moveAndBack(viaSocket, '10.77.0.241', 'socket');
    });

    await t.test('conflicts are refused with a clear error', async () => {
      const r = reservation(mac, '10.77.0.242');
      await viaSocket.addReservation(r);
      try {
        const other = await rejects(
          viaSocket.addReservation(reservation('02:00:00:00:00:99', '10.77.0.242')),
          'E_KEA_IP_RESERVED',
        );
        assert.match(other.message, /kea-e2e.*10\.77\.0\.242 is already reserved.*for hw-address/);
        const second = await rejects(
          viaSocket.addReservation(reservation(mac, '10.77.0.243')),
          'E_KEA_MAC_RESERVED',
        );
        assert.match(second.message, /already has a reservation.*10\.77\.0\.242/);
        await rejects(viaSocket.removeReservation(reservation(mac, '10.77.0.243')), 'E_KEA_MAC_RESERVED');
      } finally {
        await viaSocket.removeReservation(r);
      }
    });

    await t.test('a reservation survives a Kea restart (config-write)', async () => {
      const r = reservation(mac, '10.77.0.244');
      await viaSocket.addReservation(r);
      const onDisk = JSON.stringify(await k.readConfigFile());
      assert.ok(onDisk.includes('10.77.0.244'), 'config-write put the reservation into the file');

      // While kea-dhcp4 is down: the agent answers, the server does not.
      await k.stopDhcp4();
      const viaAgent = await rejects(viaHttp.listReservations(SCOPE), 'E_KEA_UNREACHABLE');
      assert.match(viaAgent.message, /kea-e2e.*cannot reach kea-dhcp4/);
      const viaSock = await rejects(viaSocket.listReservations(SCOPE), 'E_KEA_UNREACHABLE');
      assert.match(viaSock.message, /kea-e2e/);
      assert.ok(viaSock.suggestions.length > 0);
      await k.startDhcp4();

      const fresh = new KeaBackend({ name: 'kea-e2e', socketPath: k.socketPath, lockDir });
      assert.ok((await fresh.listReservations(SCOPE)).some((x) => x.mac === mac && x.ip === '10.77.0.244'));
      const t0 = Date.now();
      await bounce(tp.clientNs, tp.clientIf);
      await waitForClientAddress(tp.clientNs, tp.clientIf, '10.77.0.244', 10_000);
      measured.push({ what: 'after restart: bounce → High-Alert address', ms: Date.now() - t0 });
      await fresh.removeReservation(r);
      await bounce(tp.clientNs, tp.clientIf);
      await waitForClientAddress(tp.clientNs, tp.clientIf, inPool(NORMAL_POOL), 10_000);
    });

    await t.test(
      'unreachable server and wrong credentials give clear errors, never the password',
      async () => {
        const missing = new KeaBackend({
          name: 'kea-gone',
          socketPath: path.join(k.dir, 'no-such.sock'),
          lockDir,
        });
        const e1 = await rejects(missing.listReservations(SCOPE), 'E_KEA_UNREACHABLE');
        assert.match(e1.message, /cannot reach Kea server kea-gone at .*no-such\.sock/);
        assert.match(e1.suggestions.join(' '), /control-socket/);

        const port = await freeLoopbackPort();
        const refused = new KeaBackend({ name: 'kea-gone', url: `http://127.0.0.1:${port}/`, lockDir });
        const e2 = await rejects(
          refused.addReservation(reservation(mac, '10.77.0.245')),
          'E_KEA_UNREACHABLE',
        );
        assert.match(e2.message, /ECONNREFUSED/);
        assert.match(e2.suggestions.join(' '), /kea-ctrl-agent/);

        const wrong = new KeaBackend({
          name: 'kea-e2e',
          url: k.url!,
          username: USER,
          password: 'not-the-password',
          lockDir,
        });
        const e3 = await rejects(wrong.listReservations(SCOPE), 'E_KEA_AUTH');
        assert.match(e3.message, /HTTP 401/);
        const none = new KeaBackend({ name: 'kea-e2e', url: k.url!, lockDir });
        const e4 = await rejects(none.listReservations(SCOPE), 'E_KEA_AUTH');
        assert.match(e4.suggestions.join(' '), /user and a password/);

        // Credentials in the URL are used, and dropped from every message.
        const inUrl = new KeaBackend({
          name: 'kea-e2e',
          url: k.url!.replace('http://', `http://${USER}:${PASSWORD}@`),
          lockDir,
        });
        assert.ok(Array.isArray(await inUrl.listReservations(SCOPE)));
        for (const text of [
          inUrl.endpoint,
          viaHttp.endpoint,
          JSON.stringify(e3),
          e3.message,
          JSON.stringify(viaHttp),
          new HttpTransport(k.url!, { server: 'x', username: USER, password: PASSWORD }).description,
        ]) {
          assert.ok(!text.includes(PASSWORD), `password leaked into: ${text}`);
        }
      },
    );

    await t.test('a rejected configuration leaves Kea unchanged', async () => {
      const before = await viaSocket.getConfig();
      const fileBefore = await fs.readFile(k.configPath, 'utf8');

      // An address outside the subnet is refused before anything is sent.
      await rejects(viaSocket.addReservation(reservation(mac, '10.78.0.5')), 'E_KEA_IP_OUTSIDE_SUBNET');

      // Kea's own config-test, really run on a configuration it must refuse.
      const corrupting = new InterceptingTransport(
        new HttpTransport(k.url!, { server: 'kea-e2e', username: USER, password: PASSWORD }),
        {},
        { 'config-test': corrupt, 'config-set': corrupt },
      );
      const real = await rejects(
        new KeaBackend({ name: 'kea-e2e', transport: corrupting, lockDir }).addReservation(
          reservation(mac, '10.77.0.246'),
        ),
        'E_KEA_CONFIG_REJECTED',
      );
      assert.match(
        real.message,
        /kea-e2e rejected the new configuration \(config-test\).*'10\.78\.0\.5' is not within the IPv4 subnet/,
      );
      assert.deepEqual(corrupting.sent, ['list-commands', 'config-get', 'config-test']);

      // Simulated refusals of config-test and config-set.
      for (const [command, code] of [
        ['config-test', 'E_KEA_CONFIG_REJECTED'],
        ['config-set', 'E_KEA_COMMAND_FAILED'],
      ] as const) {
        const transport = new InterceptingTransport(
          new HttpTransport(k.url!, { server: 'kea-e2e', username: USER, password: PASSWORD }),
          {
            [command]: { result: 1, text: `simulated ${command} rejection` },
          },
        );
        const b = new KeaBackend({ name: 'kea-e2e', transport, lockDir });
        const err = await rejects(b.addReservation(reservation(mac, '10.77.0.246')), code);
        assert.match(err.message, new RegExp(`kea-e2e.*${command}.*simulated ${command} rejection`));
        assert.ok(!transport.sent.includes('config-write'), 'nothing was written');
      }

      // config-write failing after config-set: the old configuration is set again.
      const failingWrite = new InterceptingTransport(
        new HttpTransport(k.url!, { server: 'kea-e2e', username: USER, password: PASSWORD }),
        {
          'config-write': { result: 1, text: 'simulated disk full' },
        },
      );
      const bw = new KeaBackend({ name: 'kea-e2e', transport: failingWrite, lockDir });
      const ew = await rejects(bw.addReservation(reservation(mac, '10.77.0.246')), 'E_KEA_COMMAND_FAILED');
      assert.match(ew.message, /config-write.*simulated disk full.*previous configuration was set again/);

      assert.deepEqual(await viaSocket.getConfig(), before, 'running configuration unchanged');
      assert.equal(await fs.readFile(k.configPath, 'utf8'), fileBefore, 'configuration file unchanged');
    });

    await t.test('two processes adding at once lose nothing (lock file)', async () => {
      const startAt = Date.now() + 1500;
      const items = (n: number): Array<{ mac: string; ip: string }> =>
        [0, 1, 2].map((i) => ({ mac: `02:00:00:00:0${n}:0${i}`, ip: `10.77.0.${247 - (n - 1) * 3 - i}` }));
      const child = (input: Record<string, unknown>): Promise<{ code: number; out: string }> =>
        new Promise((resolve, reject) => {
          const p = spawn(
            process.execPath,
            ['--import', 'tsx', path.join(HERE, 'kea-add-child.ts'), JSON.stringify(input)],
            {
              cwd: ROOT,
              stdio: ['ignore', 'pipe', 'pipe'],
            },
          );
          let out = '';
          p.stdout.on('data', (d: Buffer) => (out += d.toString()));
          p.stderr.on('data', (d: Buffer) => (out += d.toString()));
          p.on('error', reject);
          p.on('close', (code) => resolve({ code: code ?? -1, out }));
        });
      const common = { name: 'kea-e2e', lockDir, subnet: SCOPE.subnet, subnetId: SCOPE.subnetId, startAt };
      const [a, b] = await Promise.all([
        child({ ...common, socketPath: k.socketPath, items: items(1) }),
        child({ ...common, url: k.url, username: USER, password: PASSWORD, items: items(2) }),
      ]);
      assert.equal(a.code, 0, a.out);
      assert.equal(b.code, 0, b.out);
      const all = await viaSocket.listReservations(SCOPE);
      const wanted = [...items(1), ...items(2)];
      for (const w of wanted) {
        assert.ok(
          all.some((x) => x.mac === (w.mac as Mac) && x.ip === (w.ip as IpAddress)),
          `${w.mac} → ${w.ip} lost; have ${all.map((x) => `${x.mac}→${x.ip}`).join(', ')}`,
        );
      }
      const file = JSON.stringify(await k.readConfigFile());
      for (const w of wanted) assert.ok(file.includes(w.ip), `${w.ip} written to the file`);
      for (const w of wanted) await viaSocket.removeReservation(reservation(w.mac, w.ip));
    });

    await t.test('ensureGuardedPool is idempotent on a real server', async () => {
      const existing = await viaSocket.ensureGuardedPool(SCOPE, {
        first: parseIp('10.77.0.240'),
        last: parseIp('10.77.0.250'),
        version: 4,
      });
      assert.equal(existing.changed, false);
      const range = { first: parseIp('10.77.0.220'), last: parseIp('10.77.0.229'), version: 4 as const };
      const added = await viaSocket.ensureGuardedPool(SCOPE, range);
      assert.equal(added.changed, true);
      assert.equal((await viaSocket.ensureGuardedPool(SCOPE, range)).changed, false);
      await rejects(
        viaSocket.ensureGuardedPool(SCOPE, {
          first: parseIp('10.77.0.190'),
          last: parseIp('10.77.0.205'),
          version: 4,
        }),
        'E_KEA_POOL_OVERLAP',
      );
    });
  } finally {
    await client?.stop().catch(() => undefined);
    await kea?.stop().catch(() => undefined);
    await topo?.destroy().catch(() => undefined);
    await fs.rm(lockDir, { recursive: true, force: true });
    forgetLockDir();
    if (measured.length > 0) {
      console.log(`\nKea e2e timings:\n${measured.map((m) => `  ${m.what}: ${m.ms} ms`).join('\n')}`);
    }
  }
});
