/**
 * KeaBackend with a fake transport: host_cmds detection, the commands each path sends, Kea
 * result codes → errors, leases. Plus the transports against fake servers, and the lock file.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { KeaBackend, capabilitiesFrom } from '../../src/dhcp/kea.js';
import {
  HttpTransport,
  JsonCompletion,
  UnixSocketTransport,
  type KeaResponse,
  type KeaTransport,
} from '../../src/dhcp/kea-transport.js';
import { lockFileFor, withLock } from '../../src/dhcp/kea-lock.js';
import { DhcpBackendError } from '../../src/errors.js';
import { parseIp, parseMac } from '../../src/values/index.js';
import type { Reservation } from '../../src/dhcp/backend.js';
import { reservationEntry, type JsonObject } from '../../src/dhcp/kea-config.js';
import { highAlertScope } from '../../src/dhcp/index.js';
import { previewKeaGuard } from '../../src/gateway/setup.js';
import { checkAudit } from '../../src/audit/check.js';
import { loadInventory } from '../../src/inventory/index.js';

const SCOPE = { subnet: '10.77.0.0/24', subnetId: 77 };
const R: Reservation = { mac: parseMac('aa:bb:cc:00:00:01'), ip: parseIp('10.77.0.240'), scope: SCOPE };

type Handler = (args: Record<string, unknown> | undefined) => KeaResponse;

class FakeTransport implements KeaTransport {
  readonly description = 'fake';
  readonly sent: Array<{ command: string; args: Record<string, unknown> | undefined }> = [];
  constructor(readonly handlers: Record<string, Handler>) {}
  async send(command: string, args?: Record<string, unknown>): Promise<KeaResponse> {
    this.sent.push({ command, args });
    const h = this.handlers[command];
    return h ? h(args) : { result: 2, text: `'${command}' command not supported.` };
  }
  async close(): Promise<void> {}
  commands(): string[] {
    return this.sent.map((s) => s.command);
  }
}

const KEA22_COMMANDS = [
  'config-get',
  'config-set',
  'config-test',
  'config-write',
  'lease4-get-all',
  'lease4-get-by-hw-address',
  'list-commands',
];

/** A tiny in-memory Kea: config commands over one config object. */
function fakeKea(commands: string[], reservations: unknown[] = []): FakeTransport {
  let config: Record<string, unknown> = {
    Dhcp4: {
      subnet4: [
        { id: 77, subnet: '10.77.0.0/24', pools: [{ pool: '10.77.0.100-10.77.0.199' }], reservations },
      ],
    },
  };
  let hosts: Array<Record<string, unknown>> = [];
  return new FakeTransport({
    'list-commands': () => ({ result: 0, arguments: commands }),
    'config-get': () => ({ result: 0, arguments: { ...structuredClone(config), hash: 'abc' } }),
    'config-test': () => ({ result: 0, text: 'ok' }),
    'config-set': (a) => {
      assert.deepEqual(Object.keys(a ?? {}), ['Dhcp4'], 'config-set sends only Dhcp4 (no hash)');
      config = structuredClone(a!);
      return { result: 0 };
    },
    'config-write': () => ({ result: 0 }),
    'reservation-get-all': () =>
      hosts.length
        ? { result: 0, arguments: { hosts } }
        : { result: 3, text: '0 IPv4 host(s) found.', arguments: { hosts: [] } },
    'reservation-add': (a) => {
      hosts.push((a as { reservation: Record<string, unknown> }).reservation);
      return { result: 0, text: 'Host added.' };
    },
    'reservation-del': (a) => {
      hosts = hosts.filter((h) => h['hw-address'] !== a!.identifier);
      return { result: 0, text: 'Host deleted.' };
    },
    'lease4-get-by-hw-address': () => ({
      result: 0,
      arguments: {
        leases: [
          {
            'hw-address': 'aa:bb:cc:00:00:01',
            'ip-address': '10.77.0.120',
            'subnet-id': 77,
            cltt: 1000,
            'valid-lft': 600,
            state: 2,
          },
          {
            'hw-address': 'aa:bb:cc:00:00:01',
            'ip-address': '10.77.0.240',
            'subnet-id': 77,
            cltt: 2000,
            'valid-lft': 600,
            state: 0,
          },
          {
            'hw-address': 'aa:bb:cc:00:00:01',
            'ip-address': '10.10.0.9',
            'subnet-id': 10,
            cltt: 2000,
            'valid-lft': 600,
            state: 0,
          },
        ],
      },
    }),
    'lease4-get-all': () => ({ result: 3, text: '0 IPv4 lease(s) found.', arguments: { leases: [] } }),
  });
}

const tempDirs: string[] = [];
after(async () => {
  for (const d of tempDirs) await fs.rm(d, { recursive: true, force: true });
});

async function tmpLockDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ha-kea-unit-'));
  tempDirs.push(dir);
  return dir;
}

test('capabilitiesFrom: host_cmds only when reservation-add, -del and -get-all are all listed', () => {
  assert.equal(capabilitiesFrom(KEA22_COMMANDS).hostCmds, false);
  assert.equal(capabilitiesFrom([...KEA22_COMMANDS, 'reservation-add']).hostCmds, false);
  assert.equal(
    capabilitiesFrom([...KEA22_COMMANDS, 'reservation-add', 'reservation-del', 'reservation-get-all'])
      .hostCmds,
    true,
  );
  assert.equal(capabilitiesFrom(KEA22_COMMANDS).leaseCmds, true);
});

test('without host_cmds (Kea 2.2): config-get → config-test → config-set → config-write → config-get', async () => {
  const t = fakeKea(KEA22_COMMANDS);
  const b = new KeaBackend({ name: 'kea1', transport: t, lockDir: await tmpLockDir() });
  const change = await b.addReservation(R);
  assert.equal(change.changed, true);
  assert.deepEqual(t.commands(), [
    'list-commands',
    'config-get',
    'config-test',
    'config-set',
    'config-write',
    'config-get',
  ]);
  assert.deepEqual(change.preview, [
    '+ subnet 77 (10.77.0.0/24) reservation { "hw-address": "aa:bb:cc:00:00:01", "ip-address": "10.77.0.240", "user-context": { "highalert": {} } }',
  ]);
  t.sent.length = 0;
  const again = await b.addReservation(R);
  assert.equal(again.changed, false);
  assert.deepEqual(
    t.commands(),
    ['config-get'],
    'list-commands is asked once; nothing is written when unchanged',
  );
  assert.match(again.preview[0]!, /already present; nothing changed/);
  assert.deepEqual(
    await b.listReservations(SCOPE),
    [{ mac: R.mac, ip: R.ip, scope: SCOPE, label: 'highalert' }],
    'marked as highalert’s even without a label',
  );
  assert.equal((await b.removeReservation(R)).changed, true);
  assert.deepEqual(await b.listReservations(SCOPE), []);
});

test('with host_cmds (list-commands offers reservation-*): reservation-add/-del in the JSON config, then config-write', async () => {
  const t = fakeKea([...KEA22_COMMANDS, 'reservation-add', 'reservation-del', 'reservation-get-all']);
  const b = new KeaBackend({ name: 'kea3', transport: t, lockDir: await tmpLockDir() });
  assert.equal((await b.addReservation(R)).changed, true);
  const add = t.sent.find((s) => s.command === 'reservation-add');
  assert.deepEqual(add?.args, {
    reservation: {
      'subnet-id': 77,
      'hw-address': 'aa:bb:cc:00:00:01',
      'ip-address': '10.77.0.240',
      'user-context': { highalert: {} },
    },
    'operation-target': 'primary',
  });
  assert.ok(!t.commands().includes('config-set'), 'no whole-config edit');
  assert.ok(t.commands().includes('config-write'));
  assert.equal((await b.addReservation(R)).changed, false);
  await assert.rejects(b.addReservation({ ...R, mac: parseMac('aa:bb:cc:00:00:02') }), {
    code: 'E_KEA_IP_RESERVED',
  });
  assert.equal((await b.removeReservation(R)).changed, true);
  const del = t.sent.find((s) => s.command === 'reservation-del');
  assert.deepEqual(del?.args, {
    'subnet-id': 77,
    'identifier-type': 'hw-address',
    identifier: 'aa:bb:cc:00:00:01',
    'operation-target': 'primary',
  });
  assert.equal((await b.removeReservation(R)).changed, false);
});

test('with host_cmds, a failed config-write takes the reservation back out', async () => {
  const t = fakeKea([...KEA22_COMMANDS, 'reservation-add', 'reservation-del', 'reservation-get-all']);
  t.handlers['config-write'] = () => ({ result: 1, text: 'Unable to open file' });
  const b = new KeaBackend({ name: 'kea3', transport: t, lockDir: await tmpLockDir() });
  await assert.rejects(b.addReservation(R), {
    code: 'E_KEA_COMMAND_FAILED',
    message:
      'Kea server kea3 refused config-write (result 1): Unable to open file; the change was taken back, nothing changed',
  });
  assert.deepEqual(t.commands().slice(-2), ['config-write', 'reservation-del']);
  assert.deepEqual(await b.listReservations(SCOPE), []);
});

test('hostCmds: never forces config editing even when host_cmds is there', async () => {
  const t = fakeKea([...KEA22_COMMANDS, 'reservation-add', 'reservation-del', 'reservation-get-all']);
  const b = new KeaBackend({ name: 'kea3', transport: t, hostCmds: 'never', lockDir: await tmpLockDir() });
  await b.addReservation(R);
  assert.ok(t.commands().includes('config-set') && !t.commands().includes('reservation-add'));
});

test('Kea result codes map to DhcpBackendErrors naming the server, the command and Kea’s text', async () => {
  const t = fakeKea(KEA22_COMMANDS);
  t.handlers['config-test'] = () => ({
    result: 1,
    text: "specified reservation '10.78.0.5' is not within the IPv4 subnet",
  });
  const b = new KeaBackend({ name: 'kea1', transport: t, lockDir: await tmpLockDir() });
  await assert.rejects(b.addReservation(R), (err: unknown) => {
    assert.ok(err instanceof DhcpBackendError);
    assert.equal(err.code, 'E_KEA_CONFIG_REJECTED');
    assert.equal(err.exitCode, 3);
    assert.match(
      err.message,
      /Kea server kea1 rejected the new configuration \(config-test\).*not within the IPv4 subnet; nothing was changed/,
    );
    return true;
  });
  assert.ok(!t.commands().includes('config-set'));

  const unsupported = new KeaBackend({
    name: 'kea1',
    transport: new FakeTransport({}),
    lockDir: await tmpLockDir(),
  });
  await assert.rejects(unsupported.listLeases(SCOPE), (err: DhcpBackendError) => {
    assert.equal(err.code, 'E_KEA_UNSUPPORTED');
    assert.match(err.message, /kea1 does not support lease4-get-all/);
    assert.match(err.suggestions[0]!, /lease_cmds/);
    return true;
  });
  const failing = new KeaBackend({
    name: 'kea1',
    transport: new FakeTransport({ 'config-get': () => ({ result: 1, text: 'boom' }) }),
    hostCmds: 'never',
  });
  await assert.rejects(failing.listReservations(SCOPE), {
    code: 'E_KEA_COMMAND_FAILED',
    message: 'Kea server kea1 refused config-get (result 1): boom',
  });
  const agent = new KeaBackend({
    name: 'kea1',
    transport: new FakeTransport({
      'config-get': () => ({
        result: 1,
        text: 'unable to forward command to the dhcp4 service: No such file or directory',
      }),
    }),
    hostCmds: 'never',
  });
  await assert.rejects(agent.listReservations(SCOPE), { code: 'E_KEA_UNREACHABLE' });
});

test('leases: result 3 is empty; leaseForMac picks the live lease in the scope', async () => {
  const b = new KeaBackend({ name: 'kea1', transport: fakeKea(KEA22_COMMANDS), lockDir: await tmpLockDir() });
  assert.deepEqual(await b.listLeases(SCOPE), []);
  assert.deepEqual(await b.leaseForMac(R.mac, SCOPE), {
    mac: R.mac,
    ip: '10.77.0.240',
    expiresAt: 2600,
    state: 'default',
  });
});

test('a backend without an endpoint is refused', () => {
  assert.throws(() => new KeaBackend({ name: 'k' }), { code: 'E_KEA_NO_ENDPOINT' });
});

test('JsonCompletion finds the end of a value, ignoring braces inside strings', () => {
  const c = new JsonCompletion();
  assert.equal(c.push('{ "text": "a } \\" ]'), false);
  assert.equal(c.push('", "arguments": [1, {"x": "{"}]'), false);
  assert.equal(c.push(' }'), true);
});

test('UnixSocketTransport reads a reply split over chunks, even if the server keeps the connection open', async () => {
  const dir = await tmpLockDir();
  const sock = path.join(dir, 'kea.sock');
  const received: string[] = [];
  const server = net.createServer((s) => {
    s.on('data', (d) => {
      received.push(d.toString());
      const reply = JSON.stringify({ result: 0, text: 'ok }', arguments: { big: 'x'.repeat(100_000) } });
      s.write(reply.slice(0, 10));
      setTimeout(() => s.write(reply.slice(10)), 20);
    });
  });
  await new Promise<void>((r) => server.listen(sock, r));
  try {
    const t = new UnixSocketTransport(sock, { server: 'k' });
    const res = await t.send('config-get');
    assert.equal(res.result, 0);
    assert.equal(received.join(''), '{"command":"config-get"}');
    const missing = new UnixSocketTransport(path.join(dir, 'nope.sock'), { server: 'k' });
    await assert.rejects(missing.send('list-commands'), (err: DhcpBackendError) => {
      assert.equal(err.code, 'E_KEA_UNREACHABLE');
      assert.match(err.message, /cannot reach Kea server k at .*nope\.sock/);
      return true;
    });
  } finally {
    server.close();
  }
});

test('HttpTransport: service, basic auth header, 401 without leaking the password', async () => {
  let lastAuth: string | undefined;
  let lastBody = '';
  const server = http.createServer((req, res) => {
    lastAuth = req.headers.authorization;
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      lastBody = body;
      if (lastAuth !== `Basic ${Buffer.from('u:pw-secret').toString('base64')}`) {
        res
          .writeHead(401, { 'Content-Type': 'application/json' })
          .end('{ "result": 401, "text": "Unauthorized" }');
      } else {
        res
          .writeHead(200, { 'Content-Type': 'application/json' })
          .end('[ { "result": 0, "arguments": [ "list-commands" ] } ]');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const good = new HttpTransport(`http://127.0.0.1:${port}/`, {
      server: 'k',
      username: 'u',
      password: 'pw-secret',
    });
    assert.deepEqual(await good.send('list-commands'), { result: 0, arguments: ['list-commands'] });
    assert.deepEqual(JSON.parse(lastBody), { command: 'list-commands', service: ['dhcp4'] });
    const bad = new HttpTransport(`http://u:wrong-pw@127.0.0.1:${port}/`, { server: 'k' });
    assert.equal(bad.description, `http://127.0.0.1:${port}/`);
    await assert.rejects(bad.send('config-get'), (err: DhcpBackendError) => {
      assert.equal(err.code, 'E_KEA_AUTH');
      assert.ok(!JSON.stringify(err).includes('wrong-pw') && !err.message.includes('wrong-pw'));
      return true;
    });
  } finally {
    server.close();
  }
});

test('lock: one holder at a time; a lock of a dead pid is broken; a live one times out', async () => {
  const dir = await tmpLockDir();
  const order: string[] = [];
  const hold = (name: string, ms: number) =>
    withLock('srv', { dir, server: 'srv' }, async () => {
      order.push(`${name}+`);
      await new Promise((r) => setTimeout(r, ms));
      order.push(`${name}-`);
    });
  await Promise.all([hold('a', 60), hold('b', 10), hold('c', 10)]);
  for (let i = 0; i < order.length; i += 2)
    assert.equal(order[i]!.slice(0, 1), order[i + 1]!.slice(0, 1), order.join(' '));

  // A lock left by a process that no longer exists.
  const dead = spawnSync(process.execPath, [
    '-e',
    'process.stdout.write(String(process.pid))',
  ]).stdout.toString();
  const file = lockFileFor(dir, 'srv');
  await fs.writeFile(
    file,
    JSON.stringify({ pid: Number(dead), host: os.hostname(), createdAt: Date.now(), token: 'x' }),
  );
  assert.equal(
    await withLock('srv', { dir, server: 'srv', timeoutMs: 2000 }, async () => 'got it'),
    'got it',
  );

  // A lock of a live process (this one) that is not ours: timeout with the holder named.
  await fs.writeFile(
    file,
    JSON.stringify({ pid: process.pid, host: os.hostname(), createdAt: Date.now(), token: 'other' }),
  );
  await assert.rejects(
    withLock('srv', { dir, server: 'srv', timeoutMs: 200 }, async () => 1),
    (err: DhcpBackendError) => {
      assert.equal(err.code, 'E_KEA_LOCK_TIMEOUT');
      assert.match(err.message, new RegExp(`pid ${process.pid}`));
      return true;
    },
  );
  // ... unless it is older than staleMs.
  await fs.writeFile(
    file,
    JSON.stringify({ pid: process.pid, host: os.hostname(), createdAt: Date.now() - 10_000, token: 'other' }),
  );
  assert.equal(await withLock('srv', { dir, server: 'srv', staleMs: 5000 }, async () => 2), 2);
  await assert.rejects(fs.stat(file), 'the lock is removed after use');
});

/** What a transport throws when Kea does not answer in time (UnixSocketTransport's own error). */
const timeout = (command: string) =>
  new DhcpBackendError('E_KEA_TIMEOUT', `Kea server kea1 did not answer ${command} within 10 ms (fake)`, {
    device: 'kea1',
  });

/** config-write fails at the transport level `times` times, then works. */
function writeThrows(t: FakeTransport, times: number): () => number {
  let calls = 0;
  t.handlers['config-write'] = () => {
    calls++;
    if (calls <= times) throw timeout('config-write');
    return { result: 0 };
  };
  return () => calls;
}

test('config-write timing out: the previous configuration is set and written again, details.changed false', async () => {
  const t = fakeKea(KEA22_COMMANDS);
  const writes = writeThrows(t, 1);
  const b = new KeaBackend({ name: 'kea1', transport: t, lockDir: await tmpLockDir() });
  const before = await b.getConfig();
  t.sent.length = 0;
  await assert.rejects(b.addReservation(R), (err: unknown) => {
    assert.ok(err instanceof DhcpBackendError);
    assert.equal(err.code, 'E_KEA_TIMEOUT');
    assert.match(
      err.message,
      /did not answer config-write within 10 ms \(fake\); the previous configuration was set again and written, nothing changed$/,
    );
    assert.equal(err.details?.changed, false, 'nothing to undo for a rollback');
    return true;
  });
  assert.deepEqual(t.commands(), [
    'list-commands',
    'config-get',
    'config-test',
    'config-set',
    'config-write',
    'config-set',
    'config-write',
  ]);
  assert.deepEqual(t.sent.at(-2)!.args, before, 'config-set with the configuration read before');
  assert.equal(writes(), 2);
  assert.deepEqual(await b.getConfig(), before);
});

test('config-write timing out twice: running configuration restored, the file may hold the change (changed unknown)', async () => {
  const t = fakeKea(KEA22_COMMANDS);
  writeThrows(t, 2);
  const b = new KeaBackend({ name: 'kea1', transport: t, lockDir: await tmpLockDir() });
  await assert.rejects(b.addReservation(R), (err: unknown) => {
    assert.ok(err instanceof DhcpBackendError);
    assert.equal(err.code, 'E_KEA_TIMEOUT');
    assert.match(
      err.message,
      /set again, but writing it to the file failed too: the file may still hold the change$/,
    );
    assert.ok(err.details && !('changed' in err.details), 'neither "changed" nor "unchanged" is known');
    return true;
  });
  assert.deepEqual(await b.listReservations(SCOPE), [], 'the running configuration is the old one');
});

test('config-write and the restore both failing at the transport level: details.changed true', async () => {
  const t = fakeKea(KEA22_COMMANDS);
  writeThrows(t, 1);
  const set = t.handlers['config-set']!;
  let sets = 0;
  t.handlers['config-set'] = (a) => {
    if (++sets > 1) throw timeout('config-set');
    return set(a);
  };
  const b = new KeaBackend({ name: 'kea1', transport: t, lockDir: await tmpLockDir() });
  await assert.rejects(b.addReservation(R), (err: unknown) => {
    assert.ok(err instanceof DhcpBackendError);
    assert.match(
      err.message,
      /; RESTORING THE PREVIOUS CONFIGURATION FAILED: the running configuration holds the change but the file may not$/,
    );
    assert.equal(err.details?.changed, true);
    return true;
  });
  assert.equal(
    t.commands().filter((c) => c === 'config-write').length,
    1,
    'nothing written after a failed restore',
  );
});

test('a config-write error result: restored, not written again, details.changed false', async () => {
  const t = fakeKea(KEA22_COMMANDS);
  t.handlers['config-write'] = () => ({ result: 1, text: 'Unable to open file' });
  const b = new KeaBackend({ name: 'kea1', transport: t, lockDir: await tmpLockDir() });
  t.sent.length = 0;
  await assert.rejects(b.addReservation(R), (err: unknown) => {
    assert.ok(err instanceof DhcpBackendError);
    assert.equal(err.code, 'E_KEA_COMMAND_FAILED');
    assert.match(
      err.message,
      /Unable to open file; the previous configuration was set again, nothing changed$/,
    );
    assert.equal(err.details?.changed, false);
    return true;
  });
  assert.deepEqual(t.commands().slice(-2), ['config-write', 'config-set']);
});

test('with host_cmds, config-write timing out takes the reservation back and writes again', async () => {
  const t = fakeKea([...KEA22_COMMANDS, 'reservation-add', 'reservation-del', 'reservation-get-all']);
  writeThrows(t, 1);
  const b = new KeaBackend({ name: 'kea3', transport: t, lockDir: await tmpLockDir() });
  await assert.rejects(b.addReservation(R), (err: unknown) => {
    assert.ok(err instanceof DhcpBackendError);
    assert.match(err.message, /; the change was taken back and written, nothing changed$/);
    assert.equal(err.details?.changed, false);
    return true;
  });
  assert.deepEqual(t.commands().slice(-3), ['config-write', 'reservation-del', 'config-write']);
  assert.deepEqual(await b.listReservations(SCOPE), []);
});

test('guarded pool on Kea ≥ 2.7.5 (client-classes lists): ensureGuardedPool and the audit’s previewKeaGuard agree', async () => {
  const { inventory } = await loadInventory(path.resolve('test/fixtures/inventory/valid-minimal.yaml'));
  const vlan = inventory.vlans[0]!;
  const range = vlan.highAlertPool.range;
  // Kea ≥ 2.7.5 answers config-get with client-classes lists (client-class is deprecated there).
  const kea3 = (config: JsonObject): FakeTransport => {
    let current = structuredClone(config);
    return new FakeTransport({
      'list-commands': () => ({ result: 0, arguments: KEA22_COMMANDS }),
      'config-get': () => ({ result: 0, arguments: structuredClone(current) }),
      'config-test': () => ({ result: 0 }),
      'config-set': (a) => {
        current = structuredClone(a!) as JsonObject;
        for (const s of (current.Dhcp4 as JsonObject).subnet4 as JsonObject[])
          for (const p of s.pools as JsonObject[]) {
            if (typeof p['client-class'] === 'string') p['client-classes'] = [p['client-class']];
            delete p['client-class'];
            p['client-classes'] ??= [];
          }
        return { result: 0 };
      },
      'config-write': () => ({ result: 0 }),
    });
  };
  const subnet = (pools: JsonObject[]): JsonObject => ({
    Dhcp4: { subnet4: [{ id: 20, subnet: '10.20.0.0/24', pools }] },
  });
  for (const [name, start, written] of [
    [
      'a Kea ≥ 2.7.5 configuration',
      subnet([{ pool: '10.20.0.100 - 10.20.0.199', 'client-classes': [] }]),
      '"client-classes": [ "HIGH_ALERT_NEVER_DYNAMIC" ]',
    ],
    [
      'an older configuration on a server that answers with lists',
      subnet([{ pool: '10.20.0.100 - 10.20.0.199' }]),
      '"client-class": "HIGH_ALERT_NEVER_DYNAMIC"',
    ],
  ] as const) {
    const t = kea3(start);
    const b = new KeaBackend({ name: 'kea', transport: t, lockDir: await tmpLockDir() });
    assert.equal((await previewKeaGuard(b, vlan)).changed, true, `${name}: the audit sees no guard yet`);
    const done = await b.ensureGuardedPool(highAlertScope(vlan), range);
    assert.equal(done.changed, true);
    assert.match(
      done.preview[0]!,
      new RegExp(
        `pool \\{ "pool": "10\\.20\\.0\\.240 - 10\\.20\\.0\\.250", ${written.replace(/[[\]]/g, '\\$&')} \\}, authoritative$`,
      ),
      name,
    );
    const set = t.sent.find((s) => s.command === 'config-set')!.args as JsonObject;
    const pool = (((set.Dhcp4 as JsonObject).subnet4 as JsonObject[])[0]!.pools as JsonObject[])[1]!;
    assert.ok(!('client-class' in pool && 'client-classes' in pool), `${name}: one spelling only`);
    assert.equal((await previewKeaGuard(b, vlan)).changed, false, `${name}: the audit sees the guard`);
    assert.equal((await b.ensureGuardedPool(highAlertScope(vlan), range)).changed, false);
  }
  // A foreign class in the list is refused by both.
  const foreign = new KeaBackend({
    name: 'kea',
    transport: kea3(subnet([{ pool: '10.20.0.240 - 10.20.0.250', 'client-classes': ['VOIP'] }])),
    lockDir: await tmpLockDir(),
  });
  await assert.rejects(previewKeaGuard(foreign, vlan), { code: 'E_KEA_POOL_CLASS' });
  await assert.rejects(foreign.ensureGuardedPool(highAlertScope(vlan), range), { code: 'E_KEA_POOL_CLASS' });
});

test('audit: only Kea reservations with highalert’s marker are orphans --fix removes; others in the range are warnings', async () => {
  const { inventory } = await loadInventory(path.resolve('test/fixtures/inventory/valid-minimal.yaml'));
  const vlan = inventory.vlans[0]!;
  const ours = {
    mac: parseMac('aa:bb:cc:00:00:01'),
    ip: parseIp('10.20.0.241'),
    scope: highAlertScope(vlan),
  };
  const t = new FakeTransport({
    'config-get': () => ({
      result: 0,
      arguments: {
        Dhcp4: {
          subnet4: [
            {
              id: 20,
              subnet: '10.20.0.0/24',
              reservations: [
                reservationEntry({ ...ours, label: 'highalert case 7' }),
                reservationEntry({ ...ours, mac: parseMac('aa:bb:cc:00:00:02'), ip: parseIp('10.20.0.242') }),
                { 'hw-address': 'aa:bb:cc:00:00:03', 'ip-address': '10.20.0.243' },
                { 'hw-address': 'aa:bb:cc:00:00:04', 'ip-address': '10.20.0.244', hostname: 'printer' },
                { 'hw-address': 'aa:bb:cc:00:00:05', 'ip-address': '10.20.0.50' },
              ],
            },
          ],
        },
      },
    }),
  });
  const b = new KeaBackend({ name: 'kea', transport: t, hostCmds: 'never', lockDir: await tmpLockDir() });
  const result = checkAudit({
    inventory,
    records: [],
    unfinished: [],
    observed: {
      configs: new Map(),
      arp: new Map(),
      reservations: new Map([['hq/20', await b.listReservations(highAlertScope(vlan))]]),
      backends: new Map([['kea', b]]),
      kea: new Map(),
      keaServers: new Map(),
      failed: new Map(),
    },
  });
  const orphans = result.findings.filter((f) => f.kind === 'orphan-reservation');
  assert.deepEqual(
    orphans.map((f) => [f.target, f.severity, f.fix !== undefined]).sort(),
    [
      ['aa:bb:cc:00:00:01', 'error', true],
      ['aa:bb:cc:00:00:02', 'error', true],
      ['aa:bb:cc:00:00:03', 'warning', false],
      ['aa:bb:cc:00:00:04', 'warning', false],
    ],
    'the reservation outside the High-Alert range is not looked at',
  );
  assert.match(orphans.find((f) => f.target === 'aa:bb:cc:00:00:03')!.message, /no highalert marker/);
  assert.deepEqual(
    result.repairs.flatMap((r) => (r.kind === 'orphan-reservation' ? [r.reservation.mac] : [])).sort(),
    ['aa:bb:cc:00:00:01', 'aa:bb:cc:00:00:02'],
  );
});
