/** Config changes over SSH: ACL sequencing and normalisation, MAC ACLs, route-maps, DHCP pools, archive, save. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startLab, type Lab } from '../../src/lab/index.js';
import { RawShell } from './lab-shell.js';

let lab: Lab;
before(async () => {
  lab = await startLab({ switches: 1, hostsPerSwitch: 4 });
});
after(async () => {
  await lab.stop();
});

async function configShell(name: string): Promise<RawShell> {
  const sh = await RawShell.open(lab.device(name).port);
  await sh.cmd('terminal length 0');
  await sh.enable();
  await sh.cmd('configure terminal');
  return sh;
}

describe('lab config model over SSH', () => {
  it('sequences, normalises and edits extended IP ACLs like IOS', async () => {
    const sh = await configShell('lab-sw1');
    try {
      await sh.cmd('ip access-list extended HA-IP');
      await sh.cmd('remark quarantine 0200.0001.0001');
      await sh.cmd('permit udp any eq 68 any eq 67');
      await sh.cmd('permit ip 10.10.0.240 0.0.0.0 any');
      await sh.cmd('deny ip any any');
      assert.equal(await sh.out('permit ip host 10.10.0.240 any'), '', 'an identical entry is a no-op');
      await sh.cmd('15 permit icmp any any');
      assert.equal(await sh.out('15 deny tcp any any'), 'Duplicate sequence number.');
      await sh.cmd('no 20');
      await sh.cmd('25 permit ip host 10.10.0.241 any');
      await sh.cmd('end');
      assert.equal(
        await sh.out('show ip access-lists HA-IP'),
        [
          'Extended IP access list HA-IP',
          '    10 permit udp any eq bootpc any eq bootps',
          '    15 permit icmp any any',
          '    25 permit ip host 10.10.0.241 any',
          '    30 deny ip any any',
        ].join('\n'),
      );
      assert.match(
        lab.device('lab-sw1').runningConfig(),
        /\nip access-list extended HA-IP\n remark quarantine 0200\.0001\.0001\n permit udp any eq bootpc any eq bootps\n permit icmp any any\n permit ip host 10\.10\.0\.241 any\n deny {3}ip any any\n!\n/,
      );
      await sh.cmd('conf t');
      await sh.cmd('ip access-list extended HA-IP');
      await sh.cmd('no permit icmp any any');
      await sh.cmd('permit tcp any any eq 80');
      await sh.cmd('end');
      assert.match(
        await sh.out('show access-lists HA-IP'),
        /\n {4}30 deny ip any any\n {4}40 permit tcp any any eq www$/,
      );
      await sh.cmd('conf t');
      await sh.cmd('no ip access-list extended HA-IP');
      await sh.cmd('end');
      assert.equal(await sh.out('show ip access-lists HA-IP'), '');
    } finally {
      sh.close();
    }
  });

  it('keeps MAC ACLs without sequence numbers and binds them only on L2 ports', async () => {
    const sh = await configShell('lab-sw1');
    try {
      await sh.cmd('mac access-list extended HA-MAC');
      await sh.cmd('permit host 0200.0001.0001 any');
      await sh.cmd('deny any any');
      await sh.cmd('interface Gi1/0/1');
      await sh.cmd('mac access-group HA-MAC in');
      await sh.cmd('ip access-group HA-IP2 in');
      const vlan = await sh.cmd('interface Vlan1');
      assert.match(vlan, /\(config-if\)#$/);
      const bad = await sh.cmd('mac access-group HA-MAC in');
      assert.equal(bad.split('\n')[1], `${' '.repeat('lab-sw1(config-if)#'.length)}^`);
      assert.match(bad, /% Invalid input detected at '\^' marker\./);
      await sh.cmd('end');
      assert.equal(
        await sh.out('show access-lists HA-MAC'),
        'Extended MAC access list HA-MAC \n    permit host 0200.0001.0001 any\n    deny   any any',
      );
      assert.equal(
        lab.device('lab-sw1').interfaceConfig('GigabitEthernet1/0/1').split('\n').slice(3).join('\n'),
        [
          '!',
          'interface GigabitEthernet1/0/1',
          ' switchport access vlan 10',
          ' switchport mode access',
          ' ip access-group HA-IP2 in',
          ' mac access-group HA-MAC in',
          ' spanning-tree portfast',
          'end',
          '',
        ].join('\n'),
      );
      await sh.cmd('conf t');
      await sh.cmd('mac access-list extended HA-MAC');
      await sh.cmd('no permit host 0200.0001.0001 any');
      await sh.cmd('int gi1/0/1');
      await sh.cmd('no mac access-group HA-MAC in');
      await sh.cmd('no ip access-group HA-IP2 in');
      await sh.cmd('end');
      assert.match(
        lab.device('lab-sw1').runningConfig(),
        /\nmac access-list extended HA-MAC\n deny {3}any any\n!/,
      );
      assert.doesNotMatch(lab.device('lab-sw1').interfaceConfig('GigabitEthernet1/0/1'), /access-group/);
    } finally {
      sh.close();
    }
  });

  it('has route-maps, PBR on the SVI and DHCP host pools on the gateway', async () => {
    const sh = await configShell('lab-gw');
    try {
      await sh.cmd('ip access-list extended HA-POOL');
      await sh.cmd('permit ip 10.10.0.240 0.0.0.15 any');
      await sh.cmd('route-map HA-PBR permit 10');
      await sh.cmd('match ip address HA-POOL');
      await sh.cmd('set ip next-hop 10.10.0.9');
      await sh.cmd('set ip next-hop verify-availability');
      await sh.cmd('interface Vlan10');
      await sh.cmd('ip policy route-map HA-PBR');
      await sh.cmd('ip dhcp pool HA-0200.0001.0001');
      await sh.cmd('host 10.10.0.240 /24');
      await sh.cmd('client-identifier 0102.0000.0100.01');
      await sh.cmd('end');
      assert.equal(
        await sh.out('show route-map HA-PBR'),
        [
          'route-map HA-PBR, permit, sequence 10',
          '  Match clauses:',
          '    ip address (access-lists): HA-POOL ',
          '  Set clauses:',
          '    ip next-hop 10.10.0.9',
          '    ip next-hop verify-availability',
          '  Policy routing matches: 0 packets, 0 bytes',
        ].join('\n'),
      );
      const cfg = lab.device('lab-gw').runningConfig();
      assert.match(
        cfg,
        /\nroute-map HA-PBR permit 10\n match ip address HA-POOL\n set ip next-hop 10\.10\.0\.9\n set ip next-hop verify-availability\n!/,
      );
      assert.match(
        cfg,
        /\ninterface Vlan10\n ip address 10\.10\.0\.1 255\.255\.255\.0\n ip policy route-map HA-PBR\n!/,
      );
      assert.match(
        cfg,
        /\nip dhcp pool HA-0200\.0001\.0001\n host 10\.10\.0\.240 255\.255\.255\.0\n client-identifier 0102\.0000\.0100\.01\n!/,
      );
      // IOS fixed order: DHCP before interfaces, interfaces before ACLs, ACLs before route-maps.
      const order = [
        '\nip dhcp pool HA-',
        '\ninterface Vlan10',
        '\nip access-list extended HA-POOL',
        '\nroute-map HA-PBR',
      ].map((s) => cfg.indexOf(s));
      assert.deepEqual(
        [...order].sort((x, y) => x - y),
        order,
      );
      await sh.cmd('conf t');
      await sh.cmd('no route-map HA-PBR');
      await sh.cmd('no ip dhcp pool HA-0200.0001.0001');
      await sh.cmd('int vlan10');
      await sh.cmd('no ip policy route-map HA-PBR');
      await sh.cmd('end');
      assert.doesNotMatch(lab.device('lab-gw').runningConfig(), /HA-PBR|HA-0200/);
    } finally {
      sh.close();
    }
  });

  it('saves with write memory and copy running-config startup-config', async () => {
    const sh = await RawShell.open(lab.device('lab-sw1').port);
    try {
      await sh.enable();
      assert.equal(await sh.out('write memory'), 'Building configuration...\n[OK]');
      await sh.cmd('copy running-config startup-config', /Destination filename \[startup-config\]\? $/);
      assert.match(await sh.cmd(''), /\nBuilding configuration\.\.\.\n\[OK\]\nlab-sw1#$/);
    } finally {
      sh.close();
    }
  });

  it('commit-confirmed: refuses without archive, arms, confirms and rolls back', async () => {
    const sh = await RawShell.open(lab.device('lab-sw1').port);
    const dev = lab.device('lab-sw1');
    try {
      await sh.enable();
      assert.equal(await sh.out('configure terminal revert timer 5'), '%Please turn config archive on');
      assert.equal(await sh.out('configure confirm'), '%No Rollback Confirmed Change pending');
      assert.equal(await sh.out('show archive'), ' Archive feature not enabled');
      await sh.cmd('conf t');
      await sh.cmd('archive');
      await sh.cmd('path flash:archive');
      await sh.cmd('end');
      const armed = await sh.cmd('configure terminal revert timer 5');
      assert.match(
        armed,
        /\nRollback Confirmed Change: Backing up current running config to flash:archive-\w{3}-\d\d-[\d.-]+-1\n\nEnter configuration commands, one per line\. {2}End with CNTL\/Z\.\nlab-sw1\(config\)#$/,
      );
      await sh.cmd('int gi1/0/3');
      await sh.cmd('description temporary');
      await sh.cmd('end');
      assert.match(dev.interfaceConfig('GigabitEthernet1/0/3'), /temporary/);
      assert.equal(dev.expireRevertTimer(), true);
      assert.doesNotMatch(dev.interfaceConfig('GigabitEthernet1/0/3'), /temporary/);
      await sh.cmd('configure terminal revert timer 5');
      await sh.cmd('int gi1/0/3');
      await sh.cmd('description kept');
      await sh.cmd('end');
      assert.equal(await sh.out('configure confirm'), '');
      assert.equal(dev.expireRevertTimer(), false);
      assert.match(dev.interfaceConfig('GigabitEthernet1/0/3'), /description kept/);
      assert.match(
        await sh.out('show archive'),
        /^The maximum archive configurations allowed is 10\.\nThere are currently 2 archive configurations saved\./,
      );
    } finally {
      sh.close();
    }
  });

  it('records received lines as typed, and configure() injects drift without recording', async () => {
    const dev = lab.device('lab-sw1');
    dev.clearReceived();
    const sh = await RawShell.open(dev.port);
    try {
      await sh.cmd('enable', /Password: $/);
      await sh.cmd('lab-enable');
      await sh.cmd('conf t');
      await sh.cmd('int g1/0/2');
      await sh.cmd('');
      await sh.cmd('no shut');
      await sh.cmd('end');
      assert.deepEqual(dev.received(), ['enable', 'conf t', 'int g1/0/2', 'no shut', 'end']);
      dev.configure(['interface GigabitEthernet1/0/2', 'description drift']);
      assert.deepEqual(dev.received(), ['enable', 'conf t', 'int g1/0/2', 'no shut', 'end']);
      assert.match(dev.interfaceConfig('GigabitEthernet1/0/2'), /description drift/);
      assert.throws(
        () => dev.configure(['interface GigabitEthernet1/0/2', 'switchport access vlan 9999']),
        /Invalid input/,
      );
    } finally {
      sh.close();
    }
  });
});
