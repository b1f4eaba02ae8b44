/** The lab world over SSH: ARP/MAC/DHCP views, port bounce → re-DHCP (manual binding, hook), port ACLs. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startLab, type Lab } from '../../src/lab/index.js';
import { RawShell } from './lab-shell.js';

let lab: Lab;
let gw: RawShell;
let sw: RawShell;
before(async () => {
  lab = await startLab({ switches: 2, hostsPerSwitch: 3 });
  gw = await RawShell.open(lab.device('lab-gw').port);
  sw = await RawShell.open(lab.device('lab-sw1').port);
  for (const s of [gw, sw]) {
    await s.cmd('terminal length 0');
    await s.enable();
  }
});
after(async () => {
  gw.close();
  sw.close();
  await lab.stop();
});

const MAC = '02:00:00:01:00:01';

describe('lab world', () => {
  it('starts with hosts leased from .100 upward, in ARP, MAC tables and bindings', async () => {
    assert.equal(lab.hosts().length, 6);
    assert.deepEqual(lab.host('0200.0001.0001'), {
      mac: MAC,
      ip: '10.10.0.100',
      port: 'GigabitEthernet1/0/1',
      vlan: 10,
      switch: 'lab-sw1',
    });
    assert.equal(lab.host('02:00:00:02:00:03')?.ip, '10.10.0.105');
    const arp = await gw.out('show ip arp');
    assert.equal(
      arp.split('\n')[0],
      'Protocol  Address          Age (min)  Hardware Addr   Type   Interface',
    );
    assert.match(arp, /\nInternet {2}10\.10\.0\.1 {15}- {3}0200\.0000\.0001 {2}ARPA {3}Vlan10\n/);
    assert.match(arp, /\nInternet {2}10\.10\.0\.100 {13}0 {3}0200\.0001\.0001 {2}ARPA {3}Vlan10\n/);
    assert.equal(arp.split('\n').length, 8);
    assert.equal(
      await sw.out('show mac address-table dynamic interface Gi1/0/1'),
      [
        '          Mac Address Table',
        '-------------------------------------------',
        '',
        'Vlan    Mac Address       Type        Ports',
        '----    -----------       --------    -----',
        '  10    0200.0001.0001    DYNAMIC     Gi1/0/1',
        'Total Mac Addresses for this criterion: 1',
      ].join('\n'),
    );
    assert.match(
      await sw.out('show mac address-table address 0200.0000.0001'),
      /\n {2}10 {4}0200\.0000\.0001 {4}DYNAMIC {5}Gi1\/0\/48\n/,
    );
    const bind = await gw.out('show ip dhcp binding');
    assert.match(
      bind,
      /^Bindings from all pools not associated with VRF:\nIP address {10}Client-ID\/ {14}Lease expiration {8}Type\n/,
    );
    assert.match(
      bind,
      /\n10\.10\.0\.100 {9}0102\.0000\.0100\.01 {7}\w{3} \d\d \d{4} \d\d:\d\d [AP]M {4}Automatic\n/,
    );
  });

  it('re-DHCPs a bounced port into its manual binding; ARP, bindings and snooping follow', async () => {
    await gw.cmd('conf t');
    await gw.cmd('ip dhcp pool HA-0200.0001.0001');
    await gw.cmd('host 10.10.0.240 255.255.255.0');
    await gw.cmd('client-identifier 0102.0000.0100.01');
    await gw.cmd('end');
    await sw.cmd('conf t');
    await sw.cmd('interface GigabitEthernet1/0/1');
    const down = await sw.cmd('shutdown');
    assert.equal(
      down,
      'shutdown\n%LINK-5-CHANGED: Interface GigabitEthernet1/0/1, changed state to administratively down\n' +
        '%LINEPROTO-5-UPDOWN: Line protocol on Interface GigabitEthernet1/0/1, changed state to down\nlab-sw1(config-if)#',
    );
    assert.doesNotMatch(await sw.out('do show mac address-table'), /0200\.0001\.0001/);
    assert.doesNotMatch(await gw.out('show ip arp'), /0200\.0001\.0001/);
    assert.doesNotMatch(await sw.out('do show ip dhcp snooping binding'), /02:00:00:01:00:01/);
    const up = await sw.cmd('no shutdown');
    assert.equal(
      up,
      'no shutdown\n%LINK-3-UPDOWN: Interface GigabitEthernet1/0/1, changed state to up\n' +
        '%LINEPROTO-5-UPDOWN: Line protocol on Interface GigabitEthernet1/0/1, changed state to up\nlab-sw1(config-if)#',
    );
    await sw.cmd('end');
    assert.equal(lab.host(MAC)?.ip, '10.10.0.240');
    assert.match(
      await gw.out('show ip arp 10.10.0.240'),
      /\nInternet {2}10\.10\.0\.240 {13}0 {3}0200\.0001\.0001 {2}ARPA {3}Vlan10$/,
    );
    const bind = await gw.out('show ip dhcp binding');
    assert.match(bind, /\n10\.10\.0\.240 {9}0102\.0000\.0100\.01 {7}Infinite {16}Manual/);
    assert.doesNotMatch(bind, /10\.10\.0\.100 /, 'the old automatic lease is gone');
    assert.match(await sw.out('show ip dhcp snooping binding'), /\n02:00:00:01:00:01 {3}10\.10\.0\.240 /);
  });

  it('hides a host whose port ACL does not permit its address from the gateway ARP', async () => {
    await sw.cmd('conf t');
    await sw.cmd('ip access-list extended HA-IP-2');
    await sw.cmd('permit udp any eq bootpc any eq bootps');
    await sw.cmd('permit ip host 10.10.0.241 any');
    await sw.cmd('deny ip any any');
    await sw.cmd('interface Gi1/0/2');
    await sw.cmd('ip access-group HA-IP-2 in');
    await sw.cmd('end');
    assert.doesNotMatch(await gw.out('show ip arp'), /0200\.0001\.0002/, '.101 is not permitted');
    // With a manual binding for .241 and a bounce, it shows up at its High-Alert address.
    lab
      .device('lab-gw')
      .configure([
        'ip dhcp pool HA-0200.0001.0002',
        'host 10.10.0.241 255.255.255.0',
        'hardware-address 0200.0001.0002',
      ]);
    lab.device('lab-sw1').configure(['interface GigabitEthernet1/0/2', 'shutdown', 'no shutdown']);
    assert.match(
      await gw.out('show ip arp'),
      /\nInternet {2}10\.10\.0\.241 .* 0200\.0001\.0002 {2}ARPA {3}Vlan10/,
    );
    assert.match(
      await gw.out('show ip dhcp binding'),
      /\n10\.10\.0\.241 {9}0200\.0001\.0002 {10}Infinite {16}Manual/,
    );
  });

  it('keeps a host behind an ACL that blocks DHCP at its old address, without a snooping binding', async () => {
    lab
      .device('lab-sw1')
      .configure([
        'ip access-list extended NO-DHCP',
        'deny udp any any eq bootps',
        'permit ip any any',
        'interface GigabitEthernet1/0/3',
        'ip access-group NO-DHCP in',
        'shutdown',
        'no shutdown',
      ]);
    assert.equal(lab.host('02:00:00:01:00:03')?.ip, '10.10.0.102');
    assert.doesNotMatch(await sw.out('show ip dhcp snooping binding'), /02:00:00:01:00:03/);
  });

  it('releases back to a normal-pool address once the manual binding is gone and the range excluded', async () => {
    lab
      .device('lab-gw')
      .configure(['no ip dhcp pool HA-0200.0001.0001', 'ip dhcp excluded-address 10.10.0.240 10.10.0.250']);
    lab.device('lab-sw1').configure(['interface GigabitEthernet1/0/1', 'shutdown', 'no shutdown']);
    assert.equal(lab.host(MAC)?.ip, '10.10.0.100');
  });

  it('asks the DHCP hook when one is set', async () => {
    const events: string[] = [];
    lab.setDhcpHook(async (ev) => {
      events.push(`${ev.switch} ${ev.port} ${ev.mac} ${ev.event}`);
      return ev.event === 'up' ? '10.10.0.77' : undefined;
    });
    try {
      await sw.cmd('conf t');
      await sw.cmd('int g1/0/1');
      await sw.cmd('shut');
      await sw.cmd('no shut');
      await sw.cmd('end');
      await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(events, [
        `lab-sw1 GigabitEthernet1/0/1 ${MAC} down`,
        `lab-sw1 GigabitEthernet1/0/1 ${MAC} up`,
      ]);
      assert.equal(lab.host(MAC)?.ip, '10.10.0.77');
      assert.match(await gw.out('show ip arp'), /\nInternet {2}10\.10\.0\.77 /);
    } finally {
      lab.setDhcpHook(undefined);
    }
  });
});
