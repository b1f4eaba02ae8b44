/** The lab's show renderers reproduce real captured lines from shared/corpus column for column. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as show from '../../src/lab/show.js';

describe('lab show layouts match real captures', () => {
  it('show ip arp (genieparser ios golden output)', () => {
    const out = show.showIpArp([
      { ip: '10.1.8.1', ageMin: 79, mac: '00:12:7f:ff:04:d7', iface: 'FastEthernet0' },
    ]);
    assert.deepEqual(out, [
      'Protocol  Address          Age (min)  Hardware Addr   Type   Interface',
      'Internet  10.1.8.1               79   0012.7fff.04d7  ARPA   FastEthernet0',
    ]);
    const own = show.showIpArp([
      { ip: '10.1.8.146', ageMin: undefined, mac: '84:3d:c6:ff:f1:ef', iface: 'FastEthernet0' },
    ]);
    assert.equal(own[1], 'Internet  10.1.8.146              -   843d.c6ff.f1ef  ARPA   FastEthernet0');
  });

  it('show mac address-table rows (iosxe golden output)', () => {
    assert.equal(
      show.macRow({ vlan: 802, mac: '000c.293e.116b', type: 'DYNAMIC', port: 'Twe1/0/43' }),
      ' 802    000c.293e.116b    DYNAMIC     Twe1/0/43',
    );
    assert.equal(
      show.macRow({ vlan: 'All', mac: '0100.0cff.9999', type: 'STATIC', port: 'CPU' }),
      ' All    0100.0cff.9999    STATIC      CPU',
    );
  });

  it('show ip dhcp snooping binding (iosxe golden output 1)', () => {
    assert.deepEqual(
      show.showSnoopingBinding([
        {
          mac: '00:19:08:00:00:01',
          ip: '101.1.0.4',
          leaseSec: 146,
          vlan: 101,
          iface: 'GigabitEthernet3/0/3',
        },
      ]),
      [
        'MacAddress          IpAddress        Lease(sec)  Type           VLAN  Interface',
        '------------------  ---------------  ----------  -------------  ----  --------------------',
        '00:19:08:00:00:01   101.1.0.4        146         dhcp-snooping   101   GigabitEthernet3/0/3',
        'Total number of bindings: 1',
      ],
    );
  });

  it('show ip dhcp binding (ntc-templates classic layout)', () => {
    assert.deepEqual(
      show.showIpDhcpBinding([
        { ip: '10.100.88.26', id: '01aa.aaaa.aaaa.aa', expires: 'Infinite', type: 'Manual' },
      ]),
      [
        'Bindings from all pools not associated with VRF:',
        'IP address          Client-ID/              Lease expiration        Type',
        '                    Hardware address/',
        '                    User name',
        '10.100.88.26        01aa.aaaa.aaaa.aa       Infinite                Manual',
      ],
    );
    assert.equal(show.leaseTime(Date.UTC(2022, 1, 8, 11, 11)), 'Feb 08 2022 11:11 AM');
  });

  it('show interfaces status rows (ntc-templates)', () => {
    assert.equal(
      show.statusRow('Gi1/0/2', 'AccessPoint', 'connected', '8', 'a-full', 'a-1000', '10/100/1000BaseTX'),
      'Gi1/0/2   AccessPoint        connected    8          a-full a-1000 10/100/1000BaseTX',
    );
    assert.equal(
      show.statusRow('Gi1/0/1', '', 'notconnect', '1', 'auto', 'auto', '10/100/1000BaseTX'),
      'Gi1/0/1                      notconnect   1            auto   auto 10/100/1000BaseTX',
    );
  });
});
