/** The inventory commands as a user runs them: the built CLI (run `npm run build` first). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, runCli } from '../helpers/cli.js';
import { BROKEN } from './inventory-broken.js';

const FIX = 'test/fixtures/inventory';
/** Never inherit a real inventory from the environment. */
const CLEAN = { HIGHALERT_INVENTORY: undefined };

interface ErrorJson {
  error: {
    code: string;
    message: string;
    suggestions: string[];
    details: { errors: { file: string; line: number; column: number; path: string; message: string }[] };
  };
}

describe('highalert inventory validate', () => {
  it('accepts the example: FILE argument', async () => {
    const r = await runCli(['inventory', 'validate', 'inventory.example.yaml'], { env: CLEAN });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /inventory\.example\.yaml is valid/);
    assert.match(r.stdout, /devices: 5 \(3 access, 2 gateway, 1 dhcp_server\)/);
    assert.match(r.stdout, /10\.20\.0\.240-10\.20\.0\.250 \(11 addresses\)/);
    assert.equal(r.stderr, '');
  });

  it('accepts the example: HIGHALERT_INVENTORY and --inventory', async () => {
    const viaEnv = await runCli(['inventory', 'validate'], {
      env: { HIGHALERT_INVENTORY: 'inventory.example.yaml' },
    });
    assert.equal(viaEnv.code, 0, viaEnv.stderr);
    const viaFlag = await runCli(['inventory', 'validate', '--inventory', 'inventory.example.yaml'], {
      env: CLEAN,
    });
    assert.equal(viaFlag.code, 0, viaFlag.stderr);
    assert.match(viaFlag.stdout, /is valid/);
  });

  it('the FILE argument overrides --inventory', async () => {
    const r = await runCli(
      ['inventory', 'validate', `${FIX}/valid-minimal.yaml`, '-i', `${FIX}/missing-host.yaml`],
      {
        env: CLEAN,
      },
    );
    assert.equal(r.code, 0, r.stderr);
  });

  for (const fx of BROKEN) {
    it(`${fx.file}: exit 2 with file:line:column and the field path`, async () => {
      const file = `${FIX}/${fx.file}.yaml`;
      const r = await runCli(['inventory', 'validate', file], { env: CLEAN });
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.equal(r.stdout, '');
      const where = `${file}:${fx.at}: ${fx.path ? `${fx.path}: ` : ''}`;
      assert.ok(r.stderr.includes(where), `expected "${where}" in:\n${r.stderr}`);
      assert.match(r.stderr, fx.says);
    });
  }

  it('reports all errors at once', async () => {
    const r = await runCli(['inventory', 'validate', `${FIX}/many-errors.yaml`], { env: CLEAN });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /5 errors in the inventory/);
    for (const at of [':12:11:', ':19:7:', ':31:27:', ':32:22:', ':38:13:'])
      assert.ok(r.stderr.includes(at), at);
  });

  it('a missing file: exit 2 and what to do', async () => {
    const r = await runCli(['inventory', 'validate'], {
      env: CLEAN,
      cwd: mkdtempSync(path.join(os.tmpdir(), 'inv-')),
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /inventory file inventory\.yaml does not exist/);
    assert.match(r.stderr, /HIGHALERT_INVENTORY/);
  });

  it('--json success: the summary on stdout', async () => {
    const r = await runCli(['inventory', 'validate', 'inventory.example.yaml', '--json'], { env: CLEAN });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      ok: boolean;
      summary: { pools: { vlan: number; highAlertPool: { size: number } }[] };
    };
    assert.equal(out.ok, true);
    assert.equal(out.summary.pools.find((p) => p.vlan === 20)?.highAlertPool.size, 11);
    assert.equal(r.stderr, '');
  });

  it('--json failure: structured errors on stderr, stdout empty', async () => {
    const r = await runCli(['inventory', 'validate', `${FIX}/many-errors.yaml`, '--json'], { env: CLEAN });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    const { error } = JSON.parse(r.stderr) as ErrorJson;
    assert.equal(error.code, 'E_INVENTORY');
    assert.ok(error.suggestions.length > 0);
    assert.equal(error.details.errors.length, 5);
    assert.deepEqual(error.details.errors[1], {
      file: `${FIX}/many-errors.yaml`,
      line: 19,
      column: 7,
      path: 'monitor.ip',
      message: '"10.0.9.300" is not an IP address (IPv4 like 10.1.20.5, IPv6 like 2001:db8::5)',
    });
  });

  it('--json for a YAML syntax error and for a missing file', async () => {
    const syntax = await runCli(['inventory', 'validate', `${FIX}/yaml-syntax.yaml`, '--json'], {
      env: CLEAN,
    });
    assert.equal(syntax.code, 2);
    assert.equal(syntax.stdout, '');
    const e = (JSON.parse(syntax.stderr) as ErrorJson).error.details.errors[0]!;
    assert.deepEqual([e.line, e.column], [11, 5]);
    const missing = await runCli(['inventory', 'validate', 'nope.yaml', '--json'], { env: CLEAN });
    assert.equal(missing.code, 2);
    assert.equal(missing.stdout, '');
    assert.equal((JSON.parse(missing.stderr) as ErrorJson).error.code, 'E_INVENTORY_NOT_FOUND');
  });
});

describe('highalert inventory show', () => {
  it('prints tables', async () => {
    const r = await runCli(['inventory', 'show', '-i', 'inventory.example.yaml'], { env: CLEAN });
    assert.equal(r.code, 0, r.stderr);
    for (const word of [
      'Devices',
      'Credentials',
      'VLANs',
      'DHCP servers',
      'Users',
      'Protected',
      'env HIGHALERT_SSH_PASSWORD',
    ]) {
      assert.ok(r.stdout.includes(word), word);
    }
  });

  it('--json: the resolved inventory on stdout', async () => {
    const r = await runCli(['inventory', 'show', '-i', 'inventory.example.yaml', '--json'], { env: CLEAN });
    assert.equal(r.code, 0, r.stderr);
    const inv = JSON.parse(r.stdout) as { devices: { name: string }[]; sites: { vlans: { id: number }[] }[] };
    assert.deepEqual(
      inv.devices.map((d) => d.name),
      ['dist-a', 'sw-a1', 'sw-a2', 'dist-b', 'sw-b1'],
    );
    assert.equal(inv.sites.length, 2);
  });

  it('--json failure: structured errors on stderr, stdout empty', async () => {
    const r = await runCli(['inventory', 'show', '-i', `${FIX}/unknown-key.yaml`, '--json'], { env: CLEAN });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    const { error } = JSON.parse(r.stderr) as ErrorJson;
    assert.equal(error.details.errors[0]!.path, 'devices[1].protected_portz');
  });
});

describe('no secret in any output', () => {
  const PLAIN = 'Pl41nT3xt-S3cret';
  const ENV = {
    TEST_SSH_PASSWORD: 'EnvPassw0rd-9d1e',
    TEST_ENABLE_SECRET: 'EnvEnable-7c2f',
    HIGHALERT_INVENTORY: undefined,
  };
  const leaks = (text: string): string[] =>
    [PLAIN, ENV.TEST_SSH_PASSWORD, ENV.TEST_ENABLE_SECRET].filter((s) => text.includes(s));

  for (const fixture of ['plaintext-password.yaml', 'valid-minimal.yaml']) {
    for (const args of [['validate'], ['validate', '--json'], ['show'], ['show', '--json']]) {
      it(`${fixture}: inventory ${args.join(' ')}`, async () => {
        const r = await runCli(['inventory', args[0]!, '-i', `${FIX}/${fixture}`, ...args.slice(1)], {
          env: ENV,
        });
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(leaks(r.stdout + r.stderr), []);
        if (fixture === 'plaintext-password.yaml' && args.length === 1) {
          assert.match(
            r.stderr,
            /plaintext-password\.yaml:5:15: credentials\.noc\.password: plaintext secret/,
          );
        }
        if (fixture === 'plaintext-password.yaml' && args[0] === 'validate' && args[1] === '--json') {
          const out = JSON.parse(r.stdout) as { warnings: { line: number }[] };
          assert.equal(out.warnings[0]?.line, 5);
        }
      });
    }
  }

  it('errors next to a secret do not echo it (YAML syntax error, bad secret reference)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'inv-'));
    const base = readFileSync(path.join(ROOT, FIX, 'valid-minimal.yaml'), 'utf8');
    const broken = path.join(dir, 'broken.yaml');
    writeFileSync(
      broken,
      base.replace('password: ${TEST_SSH_PASSWORD}', `password: "${PLAIN}\n    enable: x`),
    );
    const bad = path.join(dir, 'bad-ref.yaml');
    writeFileSync(bad, base.replace('password: ${TEST_SSH_PASSWORD}', `password: ${PLAIN}\${X}`));
    for (const file of [broken, bad]) {
      for (const json of [[], ['--json']]) {
        const r = await runCli(['inventory', 'validate', file, ...json], { env: ENV });
        assert.equal(r.code, 2, r.stderr);
        assert.deepEqual(leaks(r.stdout + r.stderr), [], r.stderr);
      }
    }
  });
});
