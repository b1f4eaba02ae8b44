/** Lab faults (drop, reject, refuse auth, alternate host key, latency), OpenSSH interop and the lab's files. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { startLab, type Lab } from '../../src/lab/index.js';
import { RawShell } from './lab-shell.js';

let lab: Lab;
before(async () => {
  lab = await startLab({ switches: 2, hostsPerSwitch: 2 });
});
after(async () => {
  await lab.stop();
});

/** Runs a program without blocking the event loop (the lab serves from this process). */
function run(cmd: string, args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (status) => resolve({ status, stderr }));
  });
}

const fp = (key: Buffer): string =>
  'SHA256:' + createHash('sha256').update(key).digest('base64').replace(/=+$/, '');

describe('lab faults', () => {
  it('drops the connection after N received lines (the Nth is applied)', async () => {
    const dev = lab.device('lab-sw1');
    dev.clearReceived();
    dev.setFaults({ dropAfterLines: 4 });
    const sh = await RawShell.open(dev.port);
    try {
      await sh.enable(); // line 1 (the password is not a counted line)
      await sh.cmd('conf t'); // 2
      await sh.cmd('int gi1/0/2'); // 3
      sh.send('description dropped-here\r'); // 4 → applied, then the connection closes
      await assert.rejects(sh.waitFor(/#$/, 2000), /closed/);
      assert.deepEqual(dev.received(), ['enable', 'conf t', 'int gi1/0/2', 'description dropped-here']);
      assert.match(dev.interfaceConfig('GigabitEthernet1/0/2'), /description dropped-here/);
    } finally {
      dev.clearFaults();
      sh.close();
    }
  });

  it('rejects config lines matching a pattern with the caret at their first character', async () => {
    const dev = lab.device('lab-sw1');
    dev.setFaults({ rejectPattern: /^ip access-group/ });
    const sh = await RawShell.open(dev.port);
    try {
      await sh.enable();
      await sh.cmd('conf t');
      await sh.cmd('int gi1/0/1');
      const t = await sh.cmd('ip access-group X in');
      assert.equal(
        t,
        `ip access-group X in\n${' '.repeat('lab-sw1(config-if)#'.length)}^\n% Invalid input detected at '^' marker.\n\nlab-sw1(config-if)#`,
      );
      assert.doesNotMatch(dev.interfaceConfig('GigabitEthernet1/0/1'), /access-group/);
      await sh.cmd('end');
    } finally {
      dev.clearFaults();
      sh.close();
    }
  });

  it('refuses authentication when asked to', async () => {
    const dev = lab.device('lab-sw2');
    dev.setFaults({ refuseAuth: true });
    try {
      await assert.rejects(RawShell.connect(dev.port), /authentication methods failed/);
    } finally {
      dev.clearFaults();
    }
    await assert.rejects(RawShell.connect(dev.port, { password: 'wrong' }), /authentication methods failed/);
    (await RawShell.connect(dev.port)).end();
  });

  it('presents another host key from the next connection on, and its own again after clearFaults', async () => {
    const dev = lab.device('lab-sw2');
    const original = dev.hostKeyFingerprint;
    const seen: string[] = [];
    const verifier = (k: Buffer): boolean => (seen.push(fp(k)), true);
    (await RawShell.connect(dev.port, { hostVerifier: verifier })).end();
    dev.setFaults({ alternateHostKey: true });
    assert.notEqual(dev.hostKeyFingerprint, original);
    (await RawShell.connect(dev.port, { hostVerifier: verifier })).end();
    dev.clearFaults();
    (await RawShell.connect(dev.port, { hostVerifier: verifier })).end();
    assert.deepEqual(seen, [original, seen[1], original]);
    assert.notEqual(seen[1], original);
  });

  it('delays each command by the latency fault', async () => {
    const dev = lab.device('lab-sw2');
    const sh = await RawShell.open(dev.port);
    try {
      dev.setFaults({ latencyMs: 120 });
      const t0 = Date.now();
      await sh.cmd('show privilege');
      assert.ok(Date.now() - t0 >= 110, `took ${Date.now() - t0} ms`);
      dev.clearFaults();
      const t1 = Date.now();
      await sh.cmd('show privilege');
      assert.ok(Date.now() - t1 < 100);
    } finally {
      sh.close();
    }
  });
});

describe('lab files and OpenSSH', () => {
  it('writes an inventory that validates against the schema, with secrets in 0600 files', () => {
    const text = readFileSync(lab.inventoryPath, 'utf8');
    assert.doesNotMatch(text, /lab-password|lab-enable/);
    const doc = parseYaml(text) as Record<string, unknown>;
    const schemaPath = path.resolve(import.meta.dirname, '../../schema/inventory.schema.json');
    if (existsSync(schemaPath)) {
      const addFormats = addFormatsImport as unknown as (a: Ajv) => Ajv;
      const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
      const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
      assert.ok(validate(doc), JSON.stringify(validate.errors, null, 2));
    }
    const devices = doc.devices as Array<{
      name: string;
      port: number;
      roles: string[];
      protected_ports?: string[];
    }>;
    assert.deepEqual(
      devices.map((d) => [d.name, d.port, d.roles.join(',')]),
      lab.devices.map((d) => [d.name, d.port, d.role === 'gateway' ? 'gateway,dhcp_server' : 'access']),
    );
    for (const f of ['password', 'enable']) {
      const file = path.join(lab.dir, 'secrets', f);
      assert.equal(statSync(file).mode & 0o777, 0o600);
    }
    assert.equal(readFileSync(path.join(lab.dir, 'secrets', 'password'), 'utf8').trim(), 'lab-password');
    const kh = readFileSync(lab.knownHostsPath, 'utf8').trim().split('\n');
    assert.equal(kh.length, lab.devices.length);
    for (const [i, d] of lab.devices.entries()) {
      const m = /^\[127\.0\.0\.1\]:(\d+) ecdsa-sha2-nistp256 (AAAA\S+)$/.exec(kh[i]!);
      assert.ok(m, kh[i]);
      assert.equal(Number(m[1]), d.port);
      assert.equal(fp(Buffer.from(m[2]!, 'base64')), d.hostKeyFingerprint);
    }
  });

  it(
    'is accepted by OpenSSH ssh with the lab known_hosts (fails only at password auth)',
    { skip: !existsSync('/usr/bin/ssh') },
    async () => {
      const dev = lab.device('lab-gw');
      const args = [
        '-o',
        'BatchMode=yes',
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        `UserKnownHostsFile=${lab.knownHostsPath}`,
        '-o',
        'GlobalKnownHostsFile=/dev/null',
        '-o',
        'ConnectTimeout=5',
        '-p',
        String(dev.port),
        'noc@127.0.0.1',
        'show version',
      ];
      const r = await run('/usr/bin/ssh', args);
      assert.notEqual(r.status, 0);
      assert.match(
        r.stderr,
        /Permission denied \((password,keyboard-interactive|keyboard-interactive,password)\)/,
      );
      assert.doesNotMatch(r.stderr, /Host key verification failed/);
      dev.setFaults({ alternateHostKey: true });
      try {
        const r2 = await run('/usr/bin/ssh', args);
        assert.match(r2.stderr, /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
      } finally {
        dev.clearFaults();
      }
    },
  );
});
