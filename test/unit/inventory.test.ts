import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/cli.js';
import {
  InventoryError,
  loadInventory,
  readSecret,
  redactInventory,
  validateInventoryFile,
} from '../../src/inventory/index.js';
import { parseIp, parseMac } from '../../src/values/index.js';
import { BROKEN } from './inventory-broken.js';

const FIX = path.join(ROOT, 'test/fixtures/inventory');
const EXAMPLE = path.join(ROOT, 'inventory.example.yaml');

describe('inventory: broken fixtures (library)', () => {
  for (const fx of BROKEN) {
    it(`${fx.file}: one error at ${fx.at} ${fx.path}`, async () => {
      const file = path.join(FIX, `${fx.file}.yaml`);
      const result = await validateInventoryFile(file);
      assert.equal(result.ok, false);
      assert.equal(result.errors.length, 1, result.errors.map((e) => e.message).join('\n'));
      const e = result.errors[0]!;
      assert.equal(`${e.line}:${e.column}`, fx.at);
      assert.equal(e.path, fx.path);
      assert.equal(e.file, file);
      assert.match(e.message, fx.says);
    });
  }

  it('collects every error, not just the first', async () => {
    const result = await validateInventoryFile(path.join(FIX, 'many-errors.yaml'));
    assert.equal(result.ok, false);
    assert.deepEqual(
      result.errors.map((e) => `${e.line}:${e.column} ${e.path}`),
      [
        '12:11 devices[1].name',
        '19:7 monitor.ip',
        '31:27 sites[0].vlans[0].access_switches[0]',
        '32:22 sites[0].vlans[0].normal_pool',
        '38:13 users[0].switch',
      ],
    );
  });

  it('loadInventory throws an InventoryError carrying every error in details.errors', async () => {
    const file = path.join(FIX, 'many-errors.yaml');
    await assert.rejects(loadInventory(file), (err: unknown) => {
      assert.ok(err instanceof InventoryError);
      assert.equal(err.exitCode, 2);
      assert.equal(err.code, 'E_INVENTORY');
      const errors = err.details?.errors as { file: string; line: number; column: number; path: string }[];
      assert.equal(errors.length, 5);
      assert.deepEqual(Object.keys(errors[0]!).sort(), ['column', 'file', 'line', 'message', 'path']);
      assert.match(err.message, /many-errors\.yaml:19:7: monitor\.ip: "10\.0\.9\.300" is not an IP address/);
      return true;
    });
  });

  it('a missing file is a usage error naming the file', async () => {
    await assert.rejects(
      validateInventoryFile('/nonexistent/inv.yaml'),
      /inventory file \/nonexistent\/inv\.yaml does not exist/,
    );
  });
});

describe('inventory: the example', () => {
  it('validates, with pool sizes in the summary', async () => {
    const result = await validateInventoryFile(EXAMPLE);
    assert.equal(result.ok, true, result.errors.map((e) => e.message).join('\n'));
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(result.summary?.devices.byRole, { access: 3, gateway: 2, dhcp_server: 1 });
    const staff = result.summary?.pools.find((p) => p.vlan === 20);
    assert.equal(staff?.highAlertPool.size, 11);
    assert.equal(staff?.normalPool.size, 100);
    const branch = result.summary?.pools.find((p) => p.vlan === 120);
    assert.deepEqual(branch?.highAlertPool, {
      range: '10.99.120.2-10.99.120.14',
      subnet: '10.99.120.0/28',
      size: 13,
    });
    assert.ok(
      result.summary?.pools.some((p) => p.subnet.includes(':')),
      'the example has an IPv6 VLAN',
    );
  });

  it('resolves canonical values, merged defaults, absolute paths and lookups', async () => {
    const { inventory: inv } = await loadInventory(EXAMPLE);
    const swA2 = inv.device('sw-a2')!;
    assert.equal(swA2.credentials.name, 'noc', 'from defaults.credentials');
    assert.equal(swA2.ssh.commandTimeoutS, 60, 'from the device');
    assert.equal(swA2.ssh.connectTimeoutS, 10, 'from defaults.ssh');
    assert.equal(swA2.ssh.knownHosts, path.join(ROOT, 'known_hosts'));
    assert.equal(inv.device('sw-b1')!.port, 2222);
    assert.equal(inv.device('dist-a')!.port, 22);
    assert.equal(inv.device('nope'), undefined);

    assert.equal(inv.isProtectedPort('sw-a1', 'Gi1/0/48'), true);
    assert.equal(inv.isProtectedPort('sw-a1', 'GigabitEthernet1/0/48'), true);
    assert.equal(inv.isProtectedPort('sw-a1', 'po1'), true);
    assert.equal(inv.isProtectedPort('sw-a1', 'Gi1/0/47'), true, 'from protected.ports');
    assert.equal(inv.isProtectedPort('sw-a1', 'Gi1/0/5'), false);
    assert.equal(inv.isProtectedPort('sw-a2', 'Gi1/0/47'), true);

    assert.equal(inv.vlanForIp(parseIp('10.20.0.77'))?.id, 20);
    assert.equal(inv.vlanForIp(parseIp('10.99.120.5'))?.id, 120, 'dedicated High-Alert subnet');
    assert.equal(inv.vlanForIp(parseIp('2001:db8:a30::f00a'))?.id, 30);
    assert.equal(inv.siteForIp(parseIp('10.120.0.60'))?.name, 'campus-b');
    assert.equal(inv.vlanForIp(parseIp('192.0.2.1')), undefined);
    assert.deepEqual(
      inv.vlansForSwitch('sw-a1').map((v) => v.id),
      [20, 21],
    );

    assert.equal(inv.userByMac(parseMac('3c:22:fb:10:77:a2'))?.id, 'asmith');
    assert.deepEqual(inv.userById('asmith')?.macs, ['3c:22:fb:10:77:a2', '3c:22:fb:10:77:a3']);
    assert.equal(inv.userById('bwayne')?.port, 'GigabitEthernet1/0/3');

    assert.equal(inv.isProtectedMac(parseMac('0050.56aa.bb01')), true);
    assert.equal(inv.isProtectedIp(parseIp('10.0.9.77')), true, 'inside a protected prefix');
    assert.equal(inv.isProtectedIp(parseIp('10.20.0.1')), true, 'a gateway address');
    assert.equal(inv.isProtectedIp(parseIp('10.0.1.12')), true, 'a device address');
    assert.equal(inv.isProtectedIp(parseIp('10.20.0.150')), false);

    const v30 = inv.vlans.find((v) => v.id === 30)!;
    assert.equal(v30.version, 6);
    assert.equal(v30.monitorIp, '2001:db8:9::10');
    assert.equal(v30.highAlertPool.size, 256);
    assert.equal(inv.policy.ttlSeconds, 86400);
    assert.ok(
      Object.isFrozen(inv) && Object.isFrozen(inv.devices[0]) && Object.isFrozen(inv.vlans[0]!.subnet),
    );
  });

  it('keeps secrets as references; readSecret reads them and names what is missing', async () => {
    const { inventory: inv } = await loadInventory(EXAMPLE);
    const noc = inv.credentials.find((c) => c.name === 'noc')!;
    assert.deepEqual({ ...noc.password }, { source: 'env', ref: 'HIGHALERT_SSH_PASSWORD' });
    const branch = inv.credentials.find((c) => c.name === 'branch-automation')!;
    assert.deepEqual({ ...branch.enable }, { source: 'file', ref: path.join(ROOT, 'secrets/branch.enable') });
    assert.equal(branch.privateKey, path.join(ROOT, 'keys/highalert_ed25519'));

    const saved = process.env.HIGHALERT_SSH_PASSWORD;
    try {
      delete process.env.HIGHALERT_SSH_PASSWORD;
      assert.throws(
        () => readSecret(noc.password!, 'noc password'),
        /environment variable HIGHALERT_SSH_PASSWORD is not set/,
      );
      process.env.HIGHALERT_SSH_PASSWORD = 'from-env';
      assert.equal(readSecret(noc.password!), 'from-env');
    } finally {
      if (saved === undefined) delete process.env.HIGHALERT_SSH_PASSWORD;
      else process.env.HIGHALERT_SSH_PASSWORD = saved;
    }
    assert.throws(() => readSecret(branch.enable!), /cannot read secret file .*branch\.enable \(ENOENT\)/);
  });

  it('reads secret files relative to the inventory folder', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'inv-'));
    writeFileSync(path.join(dir, 'pw.txt'), 'file-secret\n');
    const text = (await import('node:fs'))
      .readFileSync(path.join(FIX, 'valid-minimal.yaml'), 'utf8')
      .replace('password: ${TEST_SSH_PASSWORD}', 'password_file: pw.txt');
    writeFileSync(path.join(dir, 'inventory.yaml'), text);
    const { inventory } = await loadInventory(path.join(dir, 'inventory.yaml'));
    const ref = inventory.credentials[0]!.password!;
    assert.deepEqual({ ...ref }, { source: 'file', ref: path.join(dir, 'pw.txt') });
    assert.equal(readSecret(ref), 'file-secret');
  });
});

describe('inventory: warnings and secrets', () => {
  it('a plaintext password is a warning, never echoed, and readable only through readSecret', async () => {
    const file = path.join(FIX, 'plaintext-password.yaml');
    const { inventory, warnings } = await loadInventory(file);
    assert.equal(warnings.length, 1);
    assert.equal(`${warnings[0]!.line}:${warnings[0]!.column}`, '5:15');
    assert.match(warnings[0]!.message, /plaintext secret/);
    const ref = inventory.credentials[0]!.password!;
    assert.equal(ref.source, 'plain');
    assert.equal(readSecret(ref), 'Pl41nT3xt-S3cret');
    for (const text of [
      JSON.stringify(inventory),
      JSON.stringify(redactInventory(inventory)),
      JSON.stringify(warnings),
    ]) {
      assert.ok(!text.includes('Pl41nT3xt-S3cret'));
    }
  });

  it('an IPv6 VLAN needs IPv6 pools and an IPv6 monitor next hop', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'inv-'));
    const text = (await import('node:fs'))
      .readFileSync(path.join(FIX, 'valid-minimal.yaml'), 'utf8')
      .replace('subnet: 10.20.0.0/24', 'subnet: 2001:db8:20::/64')
      .replace('ip: 10.20.0.1 }', "ip: '2001:db8:20::1' }")
      .replace('normal_pool: 10.20.0.100-10.20.0.199', 'normal_pool: 2001:db8:20::100-2001:db8:20::1ff')
      .replace('high_alert_pool: 10.20.0.240-10.20.0.250', 'high_alert_pool: 10.20.0.240-10.20.0.250');
    writeFileSync(path.join(dir, 'inventory.yaml'), text);
    const result = await validateInventoryFile(path.join(dir, 'inventory.yaml'));
    assert.deepEqual(
      result.errors.map((e) => `${e.line}:${e.column} ${e.message}`),
      ['33:26 High-Alert pool is IPv4 but the VLAN subnet 2001:db8:20::/64 is IPv6'],
    );
    writeFileSync(
      path.join(dir, 'inventory.yaml'),
      text.replace(
        'high_alert_pool: 10.20.0.240-10.20.0.250',
        'high_alert_pool: 2001:db8:20::f000-2001:db8:20::f0ff',
      ),
    );
    const again = await validateInventoryFile(path.join(dir, 'inventory.yaml'));
    assert.deepEqual(
      again.errors.map((e) => `${e.line}:${e.column} ${e.path}`),
      ['33:26 sites[0].vlans[0].high_alert_pool'],
      'the global IPv4 monitor cannot be the next hop of an IPv6 pool',
    );
    assert.match(again.errors[0]!.message, /needs an IPv6 monitor next hop/);
  });
});

it('inventory show never prints credentials written into a URL', async () => {
  const { redactInventory } = await import('../../src/inventory/index.js');
  const { loadInventory } = await import('../../src/inventory/index.js');
  const { inventory } = await loadInventory('inventory.example.yaml');
  const leaky = {
    ...inventory,
    decisionController: {
      url: 'https://u:tok@soc.example.net/api?key=1',
      authHeader: undefined,
      authEnv: undefined,
    },
  } as typeof inventory;
  const text = JSON.stringify(redactInventory(leaky));
  assert.ok(!text.includes('tok') && !text.includes('key=1'), text);
});
