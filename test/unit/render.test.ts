import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { planQuarantine } from '../../src/plan/quarantine.js';
import { takeSnapshot } from '../../src/plan/snapshot.js';
import { renderLines } from '../../src/render/templates.js';
import { parseConfigName, parseFreeText } from '../../src/values/names.js';
import { parseInterface } from '../../src/values/interface.js';
import { parseIp } from '../../src/values/ip.js';
import { parseMac } from '../../src/values/mac.js';
import type { ConfigName, FreeText } from '../../src/values/names.js';

const port = parseInterface('Gi1/0/5');
const mac = parseMac('00-1B-21-3A-4F-01');
const acls = {
  mac_acl: parseConfigName('HA-MAC-001b213a4f01'),
  ip_acl: parseConfigName('HA-IP-001b213a4f01'),
};

test('quarantine_port renders the MAC ACL, the IP ACL and both bindings', () => {
  const lines = renderLines('cisco_ios', 'quarantine_port', {
    ...acls,
    port,
    mac,
    shared_macs: [parseMac('0011.2233.4455')],
    high_alert_ip: parseIp('10.20.0.240'),
    remark: parseFreeText('DAI violation ticket 42'),
  });
  assert.deepEqual(lines, [
    'mac access-list extended HA-MAC-001b213a4f01',
    ' permit host 001b.213a.4f01 any',
    ' permit host 0011.2233.4455 any',
    'ip access-list extended HA-IP-001b213a4f01',
    ' remark highalert DAI violation ticket 42',
    ' permit udp any eq bootpc any eq bootps',
    ' permit ip host 10.20.0.240 any',
    'interface GigabitEthernet1/0/5',
    ' mac access-group HA-MAC-001b213a4f01 in',
    ' ip access-group HA-IP-001b213a4f01 in',
  ]);
});

test('restore_port puts back the previous bindings, or removes ours when there were none', () => {
  const back = renderLines('cisco_ios', 'restore_port', {
    ...acls,
    port,
    previous: { mac_acl: null, ip_acl: parseConfigName('USERS-IN') },
  });
  assert.deepEqual(back, [
    'interface GigabitEthernet1/0/5',
    ' no mac access-group HA-MAC-001b213a4f01',
    ' ip access-group USERS-IN in',
    'no mac access-list extended HA-MAC-001b213a4f01',
    'no ip access-list extended HA-IP-001b213a4f01',
  ]);
});

test('dhcp_reservation_add clears the lease the client holds, then adds the host pool with the client identifier', () => {
  const lines = renderLines('cisco_ios', 'dhcp_reservation_add', {
    pool: parseConfigName('HA-001b213a4f01'),
    ip: parseIp('10.20.0.240'),
    mask: '255.255.255.0',
    mac,
    previous_ip: parseIp('10.20.0.57'),
  });
  assert.deepEqual(lines, [
    'do clear ip dhcp binding 10.20.0.57',
    'ip dhcp pool HA-001b213a4f01',
    ' host 10.20.0.240 255.255.255.0',
    ' client-identifier 0100.1b21.3a4f.01',
  ]);
  const fresh = renderLines('cisco_ios', 'dhcp_reservation_add', {
    pool: parseConfigName('HA-001b213a4f01'),
    ip: parseIp('10.20.0.240'),
    mask: '255.255.255.0',
    mac,
    previous_ip: null,
  });
  assert.equal(fresh[0], 'ip dhcp pool HA-001b213a4f01');
});

test('a value that did not go through a parser is refused before rendering', () => {
  assert.throws(
    () =>
      renderLines('cisco_ios', 'quarantine_port', {
        ...acls,
        port,
        mac,
        shared_macs: [],
        high_alert_ip: parseIp('10.20.0.240'),
        remark: 'ok\nline vty 0 4' as FreeText,
      }),
    /cannot be sent to a device/,
  );
  assert.throws(
    () => renderLines('cisco_ios', 'dhcp_reservation_remove', { pool: 'X ?' as ConfigName }),
    (e: Error & { code?: string }) => e.code === 'E_UNSAFE_VALUE',
  );
});

test('a missing variable is an error, not an empty string', () => {
  assert.throws(
    () => renderLines('cisco_ios', 'port_shutdown', {} as never),
    (e: Error & { code?: string }) => e.code === 'E_TEMPLATE',
  );
});

test('property: any accepted reason renders to lines without control characters, ? or ;', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 120 }), (raw) => {
      let remark: FreeText;
      try {
        remark = parseFreeText(raw);
      } catch {
        return true;
      }
      const lines = renderLines('cisco_ios', 'quarantine_port', {
        ...acls,
        port,
        mac,
        shared_macs: [],
        high_alert_ip: parseIp('10.20.0.240'),
        remark,
      });
      // eslint-disable-next-line no-control-regex -- looking for control characters is the point
      return lines.length === 9 && lines.every((l) => !/[\x00-\x1f\x7f?;]/.test(l));
    }),
  );
});

test('a port bound to a numbered IP ACL (ip access-group 102 in) is snapshotted and restored', () => {
  const snap = takeSnapshot(
    'sw1',
    port,
    'Building configuration...\n\nCurrent configuration : 85 bytes\n!\ninterface GigabitEthernet1/0/5\n switchport mode access\n ip access-group 102 in\nend\n',
  );
  assert.deepEqual(snap.previous, { mac_acl: null, ip_acl: 102 });
  const back = renderLines('cisco_ios', 'restore_port', { ...acls, port, previous: snap.previous });
  assert.equal(back[2], ' ip access-group 102 in');
  assert.throws(
    () => takeSnapshot('sw1', port, 'interface GigabitEthernet1/0/5\n ip access-group 5000 in\n'),
    /numbered/,
  );
});

test('a port that was shut down is not bounced (no `no shutdown` turns it on)', () => {
  const snapshot = takeSnapshot(
    'sw1',
    port,
    'interface GigabitEthernet1/0/5\n switchport mode access\n shutdown\n',
  );
  const plan = planQuarantine({
    platform: 'cisco_ios',
    mac,
    user: null,
    site: 's',
    vlan: 10,
    switch: 'sw1',
    port,
    previousIp: null,
    highAlertIp: parseIp('10.20.0.240'),
    reason: parseFreeText('x'),
    renew: 'port-bounce',
    bouncePauseMs: 0,
    sharedMacs: [],
    snapshot,
    dhcp: {
      server: 'kea',
      action: 'add',
      reservation: { mac, ip: parseIp('10.20.0.240'), scope: { subnet: '10.20.0.0/24' } },
      preview: [],
    },
    evidence: [],
  });
  assert.deepEqual(
    plan.steps.map((s) => s.id),
    ['dhcp-reservation', 'port-restrict'],
  );
});
