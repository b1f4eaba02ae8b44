/** Transport faults over real SSH: timeouts, auth, host keys, refused and dropped connections. */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect, withSession } from '../../src/devices/connect.js';
import { trustDevices } from '../../src/devices/trust.js';
import {
  AuthError,
  ConnectError,
  ConnectionLostError,
  HostKeyError,
  TimeoutError,
} from '../../src/errors.js';
import { startLab } from '../../src/lab/index.js';
import { paramsFor, rejection } from './session-helpers.js';

type Lab = Awaited<ReturnType<typeof startLab>>;
let lab: Lab;
let tmp: string;

before(async () => {
  lab = await startLab({ switches: 1, hostsPerSwitch: 2 });
  tmp = mkdtempSync(path.join(tmpdir(), 'ha-session-faults-'));
});
after(async () => {
  await lab?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const sw = (): Lab['devices'][number] => lab.devices[lab.devices.length - 1]!;

describe('faults: timeouts and dropped connections', () => {
  it('a command slower than the command timeout closes the session and raises E_TIMEOUT', async () => {
    const d = sw();
    const s = await connect(paramsFor(lab, d));
    d.setFaults({ latencyMs: 400 });
    try {
      const t0 = Date.now();
      const err = await rejection(s.send('show privilege', { timeoutMs: 100 }));
      assert.ok(err instanceof TimeoutError, String(err));
      assert.equal(err.code, 'E_TIMEOUT');
      assert.equal(err.device, d.name);
      assert.ok(Date.now() - t0 < 350, 'gave up at the timeout, not after the latency');
      assert.equal(s.isOpen, false, 'the session is closed first');
    } finally {
      d.clearFaults();
      await s.close();
    }
  });

  it('a connection dropped mid-config raises E_CONNECTION_LOST naming the last line sent', async () => {
    const d = sw();
    // How many lines does opening a session send? Count them once, then drop 3 lines into the push.
    let opened = 0;
    const probe = await connect(
      paramsFor(lab, d, { log: (e) => (opened += e.direction === 'send' && e.text.trim() !== '' ? 1 : 0) }),
    );
    await probe.close();
    d.setFaults({ dropAfterLines: opened + 3 });
    const s = await connect(paramsFor(lab, d));
    try {
      const lines = [
        'interface GigabitEthernet1/0/2',
        ' description one',
        ' description two',
        ' description three',
      ];
      const err = await rejection(s.sendConfig(lines));
      assert.ok(err instanceof ConnectionLostError, String(err));
      assert.equal(err.code, 'E_CONNECTION_LOST');
      assert.ok(err.lastLine !== undefined && lines.includes(err.lastLine), String(err.lastLine));
      assert.ok(err.message.includes(`after sending '${err.lastLine}'`), err.message);
      assert.equal(s.isOpen, false);
    } finally {
      d.clearFaults();
      await s.close();
    }
  });

  it('an idle session is closed after idleTimeoutMs', async () => {
    const s = await connect(paramsFor(lab, sw(), { idleTimeoutMs: 50 }));
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(s.isOpen, false);
    const err = await rejection(s.send('show privilege'));
    assert.ok(err instanceof TimeoutError && /idle/.test(err.message));
  });
});

describe('faults: authentication and connection', () => {
  it('refused authentication is E_AUTH', async () => {
    const d = sw();
    d.setFaults({ refuseAuth: true });
    try {
      const err = await rejection(connect(paramsFor(lab, d)));
      assert.ok(err instanceof AuthError, String(err));
      assert.equal(err.code, 'E_AUTH');
      assert.match(err.message, new RegExp(`authentication to ${d.name}`));
      assert.ok(!JSON.stringify(err.toJSON()).includes(lab.password));
    } finally {
      d.clearFaults();
    }
  });

  it('a wrong password is E_AUTH (password and keyboard-interactive both tried)', async () => {
    const err = await rejection(connect(paramsFor(lab, sw(), { password: 'wrong-password' })));
    assert.ok(err instanceof AuthError, String(err));
    assert.deepEqual(err.details?.methods, ['password', 'keyboard-interactive']);
  });

  it('a closed port is E_CONNECT (refused)', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    const err = await rejection(connect(paramsFor(lab, { name: 'ghost', host: '127.0.0.1', port })));
    assert.ok(err instanceof ConnectError, String(err));
    assert.equal(err.code, 'E_CONNECT');
    assert.match(err.message, /refused/);
  });

  it('a server that never speaks SSH times out the handshake (E_TIMEOUT)', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const err = await rejection(
        connect(paramsFor(lab, { name: 'mute', host: '127.0.0.1', port }, { connectTimeoutMs: 150 })),
      );
      assert.ok(err instanceof TimeoutError, String(err));
      assert.equal(err.code, 'E_TIMEOUT');
    } finally {
      silent.close();
    }
  });
});

describe('faults: host keys', () => {
  it('an unknown host key is refused with its fingerprint and the trust command', async () => {
    const d = sw();
    const empty = path.join(tmp, 'empty_known_hosts');
    writeFileSync(empty, '');
    const err = await rejection(connect(paramsFor(lab, d, { knownHostsPath: empty })));
    assert.ok(err instanceof HostKeyError, String(err));
    assert.equal(err.code, 'E_HOSTKEY_UNKNOWN');
    assert.ok(err.message.includes(d.hostKeyFingerprint), err.message);
    assert.ok(err.suggestions.some((x) => x.includes(`highalert trust ${d.name}`)));
  });

  it('a changed host key is refused loudly, naming file and line', async () => {
    const d = sw();
    const kh = path.join(tmp, 'changed_known_hosts');
    copyFileSync(lab.knownHostsPath, kh);
    d.setFaults({ alternateHostKey: true });
    try {
      const err = await rejection(connect(paramsFor(lab, d, { knownHostsPath: kh })));
      assert.ok(err instanceof HostKeyError, String(err));
      assert.equal(err.code, 'E_HOSTKEY_CHANGED');
      assert.match(err.message, /HAS CHANGED/);
      const line = err.details?.line;
      assert.equal(typeof line, 'number');
      assert.equal(err.details?.file, path.resolve(kh));
      assert.ok(err.suggestions.some((x) => x.includes(`line ${String(line)} of ${path.resolve(kh)}`)));
      assert.ok(err.message.includes(d.hostKeyFingerprint), 'shows the new fingerprint');
    } finally {
      d.clearFaults();
    }
  });

  it('trust: records an unknown key after confirmation; then connects; twice is idempotent', async () => {
    const d = sw();
    const kh = path.join(tmp, 'trust', 'known_hosts');
    const target = { name: d.name, host: d.host, port: d.port };
    const asked: string[] = [];
    const declined = await trustDevices([target], {
      knownHostsPath: kh,
      connectTimeoutMs: 2000,
      confirm: async (_t, k) => (asked.push(k.fingerprint), false),
    });
    assert.equal(declined.get(d.name)?.result?.status, 'declined');
    assert.deepEqual(asked, [d.hostKeyFingerprint]);

    const added = await trustDevices([target], {
      knownHostsPath: kh,
      connectTimeoutMs: 2000,
      confirm: async () => true,
    });
    const r = added.get(d.name)?.result;
    assert.equal(r?.status, 'added');
    assert.equal(r?.fingerprint, d.hostKeyFingerprint);
    assert.match(readFileSync(kh, 'utf8'), new RegExp(`^\\[127\\.0\\.0\\.1\\]:${d.port} `));
    await withSession(paramsFor(lab, d, { knownHostsPath: kh }), async (s) => {
      assert.equal(s.mode, 'privilege_exec');
    });

    const again = await trustDevices([target], {
      knownHostsPath: kh,
      connectTimeoutMs: 2000,
      confirm: async () => assert.fail('must not ask for a known key'),
    });
    assert.equal(again.get(d.name)?.result?.status, 'already-trusted');

    d.setFaults({ alternateHostKey: true });
    try {
      const changed = await trustDevices([target], {
        knownHostsPath: kh,
        connectTimeoutMs: 2000,
        confirm: async () => true,
      });
      const e = changed.get(d.name)?.error;
      assert.equal(e?.code, 'E_HOSTKEY_CHANGED');
    } finally {
      d.clearFaults();
    }
  });
});
