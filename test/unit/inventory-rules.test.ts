/** Semantic rules and schema messages, one small change to a valid inventory per case. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { validateInventoryFile } from '../../src/inventory/index.js';

const BASE = readFileSync(path.join(ROOT, 'test/fixtures/inventory/valid-minimal.yaml'), 'utf8');
const DIR = mkdtempSync(path.join(os.tmpdir(), 'inv-rules-'));

async function check(edits: [string, string][]) {
  let text = BASE;
  for (const [from, to] of edits) {
    assert.ok(text.includes(from), `fixture has ${JSON.stringify(from)}`);
    text = text.replace(from, to);
  }
  const file = path.join(DIR, `inv-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  return validateInventoryFile(file);
}

const KEA = '    kea: { url: http://10.0.9.20:8000 }';
const POOL = 'high_alert_pool: 10.20.0.240-10.20.0.250';

/** [case, edits, expected "line:column path: message" (message as a regex source)] */
const ERRORS: [string, [string, string][], string][] = [
  [
    'two sites sharing a VLAN id on one gateway',
    [
      [
        '        dhcp: { server: kea, subnet_id: 20 }\n',
        `        dhcp: { server: kea, subnet_id: 20 }
  - name: campus-b
    vlans:
      - id: 20
        name: guests
        subnet: 10.21.0.0/24
        gateway: { device: gw1, interface: Vlan20, ip: 10.21.0.1 }
        access_switches: [sw1]
        normal_pool: 10.21.0.100-10.21.0.199
        high_alert_pool: 10.21.0.240-10.21.0.250
        dhcp: { server: kea, subnet_id: 21 }
`,
      ],
    ],
    "37:13 sites\\[1\\].vlans\\[0\\].id: VLAN 20 on gateway 'gw1' is also used at sites\\[0\\].vlans\\[0\\]",
  ],
  [
    'top-level typo (users → user)',
    [['users:', 'user:']],
    "35:1 user: unknown key 'user' \\(did you mean 'users'\\?\\)",
  ],
  [
    'kea url and socket',
    [[KEA, '    kea: { url: http://10.0.9.20:8000, socket: /run/kea.sock }']],
    "23:10 dhcp_servers\\[0\\].kea: set exactly one of 'url'",
  ],
  ['kea without kea', [[KEA, '']], "21:5 dhcp_servers\\[0\\]: missing 'kea'"],
  [
    'kea half basic auth',
    [[KEA, '    kea: { url: http://10.0.9.20:8000, username_env: KEA_USER }']],
    "23:10 dhcp_servers\\[0\\].kea: set both 'username_env' and 'password_env'",
  ],
  [
    'kea bad url',
    [[KEA, '    kea: { url: not a url }']],
    "23:17 dhcp_servers\\[0\\].kea.url: 'url' must be a URL",
  ],
  [
    'kea subnet id missing',
    [['dhcp: { server: kea, subnet_id: 20 }', 'dhcp: { server: kea }']],
    "34:15 sites\\[0\\].vlans\\[0\\].dhcp: missing 'subnet_id'",
  ],
  [
    'ios dhcp without role',
    [
      [KEA, '    device: gw1'],
      ['backend: kea', 'backend: cisco_ios'],
    ],
    "23:13 dhcp_servers\\[0\\].device: device 'gw1' does not have the role 'dhcp_server'",
  ],
  ['port without switch', [['    switch: sw1\n', '']], "38:11 users\\[0\\].port: a port needs the 'switch'"],
  [
    'user on an uplink',
    [['port: Gi1/0/5', 'port: GigabitEthernet1/0/48']],
    '39:11 users\\[0\\].port: GigabitEthernet1/0/48 is a protected port',
  ],
  [
    'gateway outside subnet',
    [['ip: 10.20.0.1 }', 'ip: 10.21.0.1 }']],
    '30:56 sites\\[0\\].vlans\\[0\\].gateway.ip: gateway address 10.21.0.1 is not inside',
  ],
  [
    'gateway in the pool',
    [['ip: 10.20.0.1 }', 'ip: 10.20.0.245 }']],
    '30:56 sites\\[0\\].vlans\\[0\\].gateway.ip: gateway address 10.20.0.245 is inside the High-Alert pool',
  ],
  [
    'pool takes the broadcast',
    [[POOL, 'high_alert_pool: 10.20.0.240-10.20.0.255']],
    '33:26 sites\\[0\\].vlans\\[0\\].high_alert_pool: High-Alert pool includes the broadcast address 10.20.0.255',
  ],
  [
    'dedicated subnet too small',
    [[POOL, 'high_alert_pool: { subnet: 10.99.0.0/30 }']],
    '33:36 sites\\[0\\].vlans\\[0\\].high_alert_pool.subnet: subnet 10.99.0.0/30 is too small',
  ],
  [
    'dedicated subnet overlaps the VLAN',
    [[POOL, 'high_alert_pool: { subnet: 10.20.0.0/28 }']],
    '33:36 sites\\[0\\].vlans\\[0\\].high_alert_pool.subnet: 10.20.0.0/28 overlaps 10.20.0.0/24',
  ],
  [
    'dedicated IPv6 subnet in IPv4 VLAN',
    [[POOL, "high_alert_pool: { subnet: '2001:db8:99::/64' }"]],
    '33:36 sites\\[0\\].vlans\\[0\\].high_alert_pool.subnet: High-Alert subnet 2001:db8:99::/64 is IPv6',
  ],
  [
    'pool with no range',
    [[POOL, 'high_alert_pool: 10.20.0.240']],
    '33:26 sites\\[0\\].vlans\\[0\\].high_alert_pool: "10.20.0.240" is not a range',
  ],
  [
    'pool wrong type',
    [[POOL, 'high_alert_pool: 11']],
    "33:26 sites\\[0\\].vlans\\[0\\].high_alert_pool: 'high_alert_pool' must be an address range",
  ],
  [
    'both password and file',
    [['    password: ${TEST_SSH_PASSWORD}', '    password: ${TEST_SSH_PASSWORD}\n    password_file: pw']],
    "6:20 credentials.noc.password_file: set either 'password' or 'password_file'",
  ],
  [
    'half env reference',
    [['${TEST_SSH_PASSWORD}', 'x${TEST_SSH_PASSWORD}']],
    '5:15 credentials.noc.password: write an environment reference as the whole value',
  ],
  [
    'bad host',
    [['host: 10.0.1.11', 'host: sw_1!']],
    '13:11 devices\\[1\\].host: "sw_1!" is neither an IP address nor a DNS name',
  ],
  [
    'port as text',
    [['host: 10.0.1.11', 'host: 10.0.1.11\n    port: "22"']],
    "14:11 devices\\[1\\].port: 'port' must be a whole number, not text",
  ],
  [
    'port out of range',
    [['host: 10.0.1.11', 'host: 10.0.1.11\n    port: 70000']],
    "14:11 devices\\[1\\].port: 'port' must be at most 65535",
  ],
  [
    'bad ttl',
    [['version: 1', 'version: 1\ndefaults:\n  policy: { ttl: 1 week }']],
    "3:18 defaults.policy.ttl: 'ttl' must be a duration such as 90m",
  ],
  [
    'bad renew',
    [['version: 1', 'version: 1\ndefaults:\n  policy: { renew: reboot }']],
    "3:20 defaults.policy.renew: 'renew' must be one of port-bounce, lease, notify",
  ],
  ['wrong version', [['version: 1', 'version: 2']], "1:10 version: 'version' must be 1"],
  [
    'duplicate VLAN subnet',
    [
      ['  - id: asmith\n    macs: [00:1b:21:3a:4f:02]\n', '  - id: asmith\n    macs: [00:1b:21:3a:4f:02]\n'],
      [
        'sites:\n',
        'sites:\n  - name: hq2\n    vlans:\n      - { id: 30, name: dup, subnet: 10.20.0.128/25, gateway: { device: gw1, interface: Vlan30, ip: 10.20.0.129 }, access_switches: [sw1], normal_pool: 10.20.0.130-10.20.0.139, high_alert_pool: 10.20.0.140-10.20.0.149, dhcp: { server: kea, subnet_id: 30 } }\n',
      ],
    ],
    '32:17 sites\\[1\\].vlans\\[0\\].subnet: 10.20.0.0/24 overlaps 10.20.0.128/25',
  ],
  [
    'no credentials at all',
    [['    credentials: noc\n    protected_ports', '    protected_ports']],
    "12:5 devices\\[1\\]: device 'sw1' has no credentials",
  ],
  ['duplicate user', [['id: asmith', 'id: jdoe']], "40:9 users\\[1\\].id: user 'jdoe' is defined twice"],
  [
    'bad protected ip',
    [['users:', 'protected: { ips: [10.0.0.0/8, 10.1.1.x] }\nusers:']],
    '35:32 protected.ips\\[1\\]: "10.1.1.x" is not an IP address',
  ],
];

describe('inventory rules: one error each', () => {
  for (const [name, edits, expected] of ERRORS) {
    it(name, async () => {
      const r = await check(edits);
      const got = r.errors.map((e) => `${e.line}:${e.column} ${e.path}: ${e.message}`);
      assert.equal(got.length, 1, got.join('\n'));
      assert.match(got[0]!, new RegExp(`^${expected}`));
    });
  }
});

describe('inventory rules: accepted variants', () => {
  it('a dedicated IPv6 High-Alert subnet in an IPv6 VLAN with an IPv6 monitor', async () => {
    const r = await check([
      ['subnet: 10.20.0.0/24', "subnet: '2001:db8:20::/64'"],
      ['ip: 10.20.0.1 }', "ip: '2001:db8:20::1' }"],
      ['normal_pool: 10.20.0.100-10.20.0.199', "normal_pool: '2001:db8:20::100-2001:db8:20::1ff'"],
      [POOL, "high_alert_pool: { subnet: '2001:db8:99::/120', gateway_ip: '2001:db8:99::ff' }"],
      ['        dhcp:', "        monitor: { ip: '2001:db8:9::10' }\n        dhcp:"],
    ]);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.summary?.pools[0]?.highAlertPool, {
      range: '2001:db8:99::1-2001:db8:99::fe',
      subnet: '2001:db8:99::/120',
      size: 254,
    });
  });

  it('an unused credential and a passphrase without key are warnings only', async () => {
    const r = await check([
      ['devices:', '  spare:\n    username: x\n    agent: true\n    passphrase: ${P}\ndevices:'],
    ]);
    assert.equal(r.ok, true, r.errors.map((e) => e.message).join('\n'));
    assert.deepEqual(
      r.warnings.map((w) => `${w.line}:${w.column} ${w.message}`),
      ["6:3 credentials 'spare' are not used by any device", "9:17 has no effect without 'private_key'"],
    );
  });
});
