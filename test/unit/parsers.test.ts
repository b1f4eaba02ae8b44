import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { HighAlertError, ValidationError } from '../../src/errors.js';
import {
  expandVlanList,
  findParser,
  parseAccessLists,
  parseArp,
  parseDhcpBinding,
  parseInterfacesStatus,
  parseInterfacesTrunk,
  parseMacAddressTable,
  parseShow,
  parseShowAs,
} from '../../src/index.js';
import { DEFAULT_CORPUS, runCorpus, summarize } from './parsers-corpus.js';

describe('parsers against the corpus', { skip: !existsSync(DEFAULT_CORPUS) && 'corpus not present' }, () => {
  const results = existsSync(DEFAULT_CORPUS) ? runCorpus(DEFAULT_CORPUS) : [];

  it('finds samples for every parser family', () => {
    const folders = new Set(results.map((r) => r.folder));
    for (const f of [
      'show_mac_address-table',
      'show_ip_arp',
      'show_access-lists',
      'show_running-config',
      'show_ip_dhcp_binding',
      'show_interfaces_status',
      'show_route-map',
    ]) {
      assert.ok(folders.has(f), `no samples found in ${f}`);
    }
  });

  for (const r of results) {
    it(`${r.platform}/${r.folder}/${r.file}: parses without throwing and yields records`, () => {
      assert.equal(r.error, undefined, r.error);
    });
  }

  it('matches ≥ 95 % of the expected parses, per command family and overall', () => {
    const withExpected = results.filter((r) => r.matched !== undefined);
    const passed = withExpected.filter((r) => r.matched && !r.error);
    const failures = withExpected.filter((r) => !r.matched).map((r) => `${r.folder}/${r.file}: ${r.reason}`);
    assert.ok(withExpected.length > 0);
    assert.ok(passed.length / withExpected.length >= 0.95, failures.join('\n'));
    for (const c of summarize(results)) {
      if (c.withExpected >= 5)
        assert.ok(c.passed / c.withExpected >= 0.8, `${c.key}: ${c.passed}/${c.withExpected}`);
    }
  });
});

describe('parseShow dispatch', () => {
  const cases: [string, string][] = [
    ['sh ip arp', 'show ip arp'],
    ['show arp', 'show ip arp'],
    ['show mac add', 'show mac address-table'],
    ['show mac address-table dynamic interface Gi1/0/5', 'show mac address-table'],
    ['sh mac-address-table', 'show mac address-table'],
    ['show access-list', 'show access-lists'],
    ['sh ip access-l 101', 'show access-lists'],
    ['show run', 'show running-config'],
    ['show run int Gi1/0/5', 'show running-config interface'],
    ['show running-config | section access-list', 'show running-config'],
    ['show run partition route-map', 'show running-config'],
    ['sh ip dhcp bind', 'show ip dhcp binding'],
    ['sh ip dhcp snoop bind', 'show ip dhcp snooping binding'],
    ['sh int status', 'show interfaces status'],
    ['sh int status err-disabled', 'show interfaces status err-disabled'],
    ['sh int trunk', 'show interfaces trunk'],
    ['sh route-map PBR', 'show route-map'],
    ['do sh ip int br', 'show ip interface brief'],
    ['SHOW IP ARP', 'show ip arp'],
  ];
  for (const [typed, id] of cases) {
    it(`${typed} → ${id}`, () => assert.equal(findParser('cisco_ios', typed)?.id, id));
  }

  it('throws ValidationError E_NO_PARSER for an unknown or ambiguous command', () => {
    for (const cmd of ['show version', 'show interfaces', 'show ip a', 'configure terminal', '']) {
      assert.throws(
        () => parseShow('cisco_ios', cmd, ''),
        (e: unknown) =>
          e instanceof ValidationError && e instanceof HighAlertError && e.code === 'E_NO_PARSER',
        cmd,
      );
    }
  });

  it('dispatches NX-OS to the shared formats, but not to IOS-only parsers', () => {
    assert.equal(findParser('cisco_nxos', 'show mac address-table')?.id, 'show mac address-table');
    assert.equal(findParser('cisco_nxos', 'show ip dhcp binding'), undefined);
  });
});

describe('common quirks', () => {
  it('strips echoed commands and prompts, handles CRLF and tabs, numbers warning lines', () => {
    const text = [
      'Switch#show ip arp',
      'Protocol  Address          Age (min)  Hardware Addr   Type   Interface',
      'Internet\t10.1.1.1\t5\t0011.2233.4455\tARPA\tGi1/0/5',
      'this line is garbage',
      'Switch#',
    ].join('\r\n');
    const r = parseArp(text);
    assert.deepEqual(r.records, [
      {
        protocol: 'Internet',
        ip: '10.1.1.1',
        ageMin: 5,
        age: '5',
        mac: '00:11:22:33:44:55',
        type: 'ARPA',
        interface: 'GigabitEthernet1/0/5',
      },
    ]);
    assert.deepEqual(r.warnings, [{ line: 4, text: 'this line is garbage', reason: 'not an ARP table row' }]);
  });

  it('reads ARP Incomplete and local (-) entries', () => {
    const r = parseArp(
      'Internet  10.0.0.9   0   Incomplete      ARPA\nInternet  10.0.0.1   -   0011.2233.4455  ARPA   Vlan10\n',
    );
    assert.equal(r.records[0]!.mac, null);
    assert.equal(r.records[0]!.interface, null);
    assert.equal(r.records[1]!.ageMin, null);
    assert.equal(r.records[1]!.interface, 'Vlan10');
  });

  it('keeps non-interface MAC table ports and joins continuation lines', () => {
    const r = parseMacAddressTable(
      [
        'Vlan    Mac Address       Type        Ports',
        '----    -----------       --------    -----',
        ' All    0100.0ccc.cccc    STATIC      CPU',
        '  20    aaaa.bbff.8888    STATIC      Drop',
        ' * 10    aaaa.bbff.8889    STATIC      Gi1/0/8 Gi1/0/9',
        '                                      Vl101',
      ].join('\n'),
    );
    assert.deepEqual(
      r.records.map((e) => [e.vlan, e.mac, e.ports]),
      [
        ['all', '01:00:0c:cc:cc:cc', ['CPU']],
        [20, 'aa:aa:bb:ff:88:88', ['Drop']],
        [10, 'aa:aa:bb:ff:88:89', ['GigabitEthernet1/0/8', 'GigabitEthernet1/0/9', 'Vlan101']],
      ],
    );
    assert.deepEqual(r.warnings, []);
  });

  it('parses MAC ACLs and strips counters from the entry text', () => {
    const r = parseAccessLists(
      [
        'Extended MAC access list mac_acl ',
        '    permit any any',
        '    deny   any any msdos',
        'Extended IP access list 101',
        '    10 permit tcp any host 10.1.1.1 eq www (12 matches)',
        'IPv6 access list v6',
        '    permit ipv6 any any (3 matches) sequence 20',
      ].join('\n'),
    );
    assert.deepEqual(r.records[0], {
      name: 'mac_acl',
      kind: 'mac-extended',
      header: 'Extended MAC access list mac_acl',
      entries: [
        { action: 'permit', text: 'permit any any' },
        { action: 'deny', text: 'deny   any any msdos' },
      ],
    });
    assert.deepEqual(r.records[1]!.entries[0], {
      seq: 10,
      action: 'permit',
      text: 'permit tcp any host 10.1.1.1 eq www',
      matches: 12,
    });
    assert.deepEqual(r.records[2]!.entries[0], {
      seq: 20,
      action: 'permit',
      text: 'permit ipv6 any any',
      matches: 3,
    });
  });

  it('joins DHCP client-ids wrapped over several lines (layout from the IOS command reference, synthesized)', () => {
    const r = parseDhcpBinding(
      [
        'Bindings from all pools not associated with VRF:',
        'IP address          Client-ID/              Lease expiration        Type',
        '                    Hardware address/',
        '                    User name',
        '10.0.0.23           0063.6973.636f.2d30.    Mar 01 2002 12:07 AM    Automatic',
        '                    3030.632e.3239.3861.',
        '                    302f.30',
        '10.0.0.24           0100.1122.3344.55       Infinite                Manual',
      ].join('\n'),
    );
    assert.equal(r.records[0]!.clientId, '0063.6973.636f.2d30.3030.632e.3239.3861.302f.30');
    assert.equal(r.records[0]!.mac, null);
    assert.equal(r.records[1]!.mac, '00:11:22:33:44:55');
    assert.equal(r.records[1]!.expires, 'Infinite');
    assert.deepEqual(r.warnings, []);
  });

  it('parses whitespace-collapsed DHCP binding rows', () => {
    const r = parseDhcpBinding(
      '100.0.0.14 0010.9400.0005 May 13 2022 04:29 PM Relay Active Port-channel1.234\n',
    );
    assert.deepEqual(r.records[0], {
      ip: '100.0.0.14',
      clientId: '0010.9400.0005',
      mac: '00:10:94:00:00:05',
      expires: 'May 13 2022 04:29 PM',
      type: 'Relay',
      state: 'Active',
      interface: 'Port-channel1.234',
    });
  });

  it('reads interface status names containing status words', () => {
    const r = parseInterfacesStatus(
      [
        'Port      Name               Status       Vlan       Duplex  Speed Type',
        'Fa0/1     *** connected to U notconnect   150          auto   auto 10/100BaseTX',
        'Fa0/2     funky trunk port   connected    trunk      a-full a-100 10/100BaseTX',
        'Gi1/0/7   Trunk Example      suspended    trunk      a-full a-1000 1000BaseSX SFP',
      ].join('\n'),
    );
    assert.deepEqual(
      r.records.map((x) => [x.port, x.name, x.status, x.vlan, x.type]),
      [
        ['FastEthernet0/1', '*** connected to U', 'notconnect', 150, '10/100BaseTX'],
        ['FastEthernet0/2', 'funky trunk port', 'connected', 'trunk', '10/100BaseTX'],
        ['GigabitEthernet1/0/7', 'Trunk Example', 'suspended', 'trunk', '1000BaseSX SFP'],
      ],
    );
  });
});

describe('whitespace-collapsed interface status tables', () => {
  it('finds the status by keyword when the header has no usable columns', () => {
    const r = parseInterfacesStatus(
      [
        'Port Name Status Vlan Duplex Speed Type',
        'Gi1/0/1 connected 1 a-full a-1000 10/100/1000BaseTX',
        'Fa0/1 *** connected to U notconnect 150 auto auto 10/100BaseTX',
        'Gi1/0/19 No Description notconnect: TD 1 a-full a-100 10/100/1000BaseTX',
      ].join('\n'),
    );
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(
      r.records.map((x) => [x.port, x.name, x.status, x.vlan, x.statusDetail]),
      [
        ['GigabitEthernet1/0/1', '', 'connected', 1, undefined],
        ['FastEthernet0/1', '*** connected to U', 'notconnect', 150, undefined],
        ['GigabitEthernet1/0/19', 'No Description', 'notconnect', 1, 'TD'],
      ],
    );
  });

  it('err-disabled rows without a header', () => {
    const r = parseShow(
      'cisco_ios',
      'show int status err-disabled',
      'Gi1/0/3 SPAN port err-disabled bpduguard\n',
    );
    assert.deepEqual(r.records, [
      { port: 'GigabitEthernet1/0/3', name: 'SPAN port', status: 'err-disabled', reason: 'bpduguard' },
    ]);
  });
});

describe('show interfaces trunk', () => {
  // SYNTHESIZED FIXTURE: no capture of `show interfaces trunk` exists in the corpus. Built from the
  // layout documented in Cisco's Catalyst command reference (four tables, one row per trunk port),
  // with a long VLAN list continued on an indented line as IOS wraps it.
  const fixture = [
    'Switch#show interfaces trunk',
    '',
    'Port        Mode             Encapsulation  Status        Native vlan',
    'Gi1/0/1     on               802.1q         trunking      1',
    'Po1         desirable        n-isl          trunking      99',
    '',
    'Port        Vlans allowed on trunk',
    'Gi1/0/1     1-4094',
    'Po1         10,20,30-32,40,50,60,70,80,90,100,110,120,130,140,150,160,170,180,190,200,',
    '            210,220',
    '',
    'Port        Vlans allowed and active in management domain',
    'Gi1/0/1     1,10,20',
    'Po1         10,20',
    '',
    'Port        Vlans in spanning tree forwarding state and not pruned',
    'Gi1/0/1     1,10',
    'Po1         none',
    'Switch#',
  ].join('\n');

  it('collects each port across the four tables', () => {
    const r = parseInterfacesTrunk(fixture);
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(r.records[0], {
      port: 'GigabitEthernet1/0/1',
      mode: 'on',
      encapsulation: '802.1q',
      status: 'trunking',
      nativeVlan: 1,
      allowed: '1-4094',
      active: '1,10,20',
      forwarding: '1,10',
    });
    assert.equal(r.records[1]!.port, 'Port-channel1');
    assert.equal(
      r.records[1]!.allowed,
      '10,20,30-32,40,50,60,70,80,90,100,110,120,130,140,150,160,170,180,190,200,210,220',
    );
    assert.equal(r.records[1]!.forwarding, 'none');
    assert.deepEqual(expandVlanList('30-32,40'), [30, 31, 32, 40]);
    assert.deepEqual(expandVlanList('none'), []);
    assert.equal(expandVlanList('x'), undefined);
  });

  it('is what parseShow uses for `sh int trunk`', () => {
    assert.deepEqual(parseShow('cisco_ios', 'sh int trunk', fixture), parseInterfacesTrunk(fixture));
  });
});

describe('parseShowAs', () => {
  it('returns typed records for the expected parser and refuses another command', () => {
    const r = parseShowAs(
      'cisco_ios',
      'show ip arp',
      'sh arp',
      'Internet  10.0.0.1   -   0011.2233.4455  ARPA   Vlan10',
    );
    assert.equal(r.records[0]!.interface, 'Vlan10');
    assert.throws(
      () => parseShowAs('cisco_ios', 'show ip arp', 'show mac address-table', ''),
      (e: unknown) => e instanceof ValidationError && e.code === 'E_NO_PARSER',
    );
  });
});
