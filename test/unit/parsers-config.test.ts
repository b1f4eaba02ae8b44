import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  parseRunningConfig,
  parseRunningConfigInterface,
  splitSections,
  stringifyRunningConfig,
  stringifySection,
  type RunningConfig,
} from '../../src/index.js';
import { DEFAULT_CORPUS } from './parsers-corpus.js';

const cfg = (text: string): RunningConfig => parseRunningConfig(text).records[0]!;

/** Config assembled from the command forms in docs/ios-reference.md §3–§7 (illustrative, not a capture). */
const SAMPLE = [
  'Building configuration...',
  '',
  'Current configuration : 1234 bytes',
  '!',
  'hostname access-sw1',
  '!',
  'banner motd ^C',
  'Authorized access only',
  '  (really)',
  '^C',
  'ip dhcp excluded-address 10.10.10.1 10.10.10.50',
  'ip dhcp excluded-address vrf GUEST 10.20.0.1',
  '!',
  'ip dhcp pool Q-0011.2233.4455',
  ' host 10.10.10.5 255.255.255.0',
  ' client-identifier 0100.1122.3344.55',
  ' default-router 10.10.10.1 10.10.10.2',
  'ip dhcp pool USERS',
  ' network 10.10.10.0 /24',
  ' hardware-address 0011.2233.4466',
  ' dns-server 10.0.0.53',
  '!',
  'archive',
  ' path flash:archive',
  ' write-memory',
  '!',
  'mac access-list extended QUAR-MAC',
  ' permit host 0011.2233.4455 any',
  ' deny   any any',
  'ip access-list extended QUAR-IP',
  ' remark quarantine 0011.2233.4455',
  ' 10 permit udp any eq bootpc any eq bootps',
  ' 20 permit ip host 10.10.10.5 any',
  ' deny   ip any any',
  'ip access-list standard MGMT',
  ' permit 10.0.0.0 0.0.0.255',
  '!',
  'interface GigabitEthernet1/0/5',
  ' description user port\t(desk 12)',
  ' switchport access vlan 20',
  ' switchport mode access',
  ' ip access-group QUAR-IP in',
  ' mac access-group QUAR-MAC in',
  ' shutdown',
  '!',
  'interface Vlan20',
  ' ip address 10.10.10.1 255.255.255.0',
  ' ip address 10.10.11.1 255.255.255.0 secondary',
  ' ip policy route-map QUAR-PBR',
  '!',
  'access-list 97 remark this is a remark',
  'access-list 97 deny   10.1.0.1 0.0.255.0 log',
  'access-list 101 permit tcp any host 10.1.1.1 eq www',
  'access-list 97 permit any',
  '!',
  'route-map QUAR-PBR permit 10 ',
  ' match ip address QUAR-IP',
  ' set ip next-hop 10.99.0.1',
  ' set ip next-hop verify-availability',
  '!',
  'end',
  '',
].join('\n');

describe('running-config parser', () => {
  it('round-trips the whole text', () => {
    assert.equal(stringifyRunningConfig(cfg(SAMPLE)), SAMPLE);
    const crlf = SAMPLE.replace(/\n/g, '\r\n');
    assert.equal(stringifyRunningConfig(cfg(crlf)), crlf);
    const noFinal = SAMPLE.trimEnd();
    assert.equal(stringifyRunningConfig(cfg(noFinal)), noFinal);
    assert.equal(stringifyRunningConfig(cfg('')), '');
  });

  it('round-trips every section on its own, and reparses it to the same structure', () => {
    const c = cfg(SAMPLE);
    for (const block of c.blocks.filter((b) => b.kind === 'section')) {
      const text = stringifySection(block);
      const again = cfg(text);
      assert.equal(stringifyRunningConfig(again), text);
      assert.equal(again.blocks.length, 1, text);
      assert.deepEqual(again.blocks[0]!.lines, block.lines);
    }
    for (const section of [...c.interfaces, ...c.acls, ...c.routeMaps, ...c.dhcpPools]) {
      const text = stringifySection(section);
      assert.equal(stringifySection(section), section.lines.join('\n'));
      assert.equal(stringifyRunningConfig(cfg(text)), text);
    }
  });

  it('keeps a multi-line banner in one block', () => {
    const banner = cfg(SAMPLE).blocks.find((b) => b.lines[0]!.startsWith('banner'));
    assert.deepEqual(banner?.lines, ['banner motd ^C', 'Authorized access only', '  (really)', '^C']);
  });

  it('reads interfaces', () => {
    const [gi, vl] = cfg(SAMPLE).interfaces;
    assert.deepEqual(
      { ...gi, lines: undefined },
      {
        name: 'GigabitEthernet1/0/5',
        line: 38,
        lines: undefined,
        description: 'user port\t(desk 12)',
        shutdown: true,
        switchportMode: 'access',
        accessVlan: 20,
        secondaryAddresses: [],
        ipAccessGroup: { in: 'QUAR-IP' },
        macAccessGroup: { in: 'QUAR-MAC' },
      },
    );
    assert.deepEqual(vl!.ipAddress, { address: '10.10.10.1', mask: '255.255.255.0' });
    assert.deepEqual(vl!.secondaryAddresses, [{ address: '10.10.11.1', mask: '255.255.255.0' }]);
    assert.equal(vl!.ipPolicyRouteMap, 'QUAR-PBR');
    assert.equal(vl!.shutdown, false);
  });

  it('reads named and numbered ACLs, IP and MAC', () => {
    const acls = cfg(SAMPLE).acls;
    assert.deepEqual(
      acls.map((a) => [a.name, a.kind, a.numbered, a.entries.length]),
      [
        ['QUAR-MAC', 'mac-extended', false, 2],
        ['QUAR-IP', 'ip-extended', false, 4],
        ['MGMT', 'ip-standard', false, 1],
        ['97', 'ip-standard', true, 3],
        ['101', 'ip-extended', true, 1],
      ],
    );
    assert.deepEqual(acls[1]!.entries[1], {
      seq: 10,
      action: 'permit',
      text: 'permit udp any eq bootpc any eq bootps',
    });
    assert.deepEqual(acls[3]!.lines, [
      'access-list 97 remark this is a remark',
      'access-list 97 deny   10.1.0.1 0.0.255.0 log',
      'access-list 97 permit any',
    ]);
  });

  it('reads route-maps, DHCP pools, excluded ranges, archive, hostname', () => {
    const c = cfg(SAMPLE);
    assert.equal(c.hostname, 'access-sw1');
    assert.deepEqual(
      c.routeMaps.map((r) => [r.name, r.action, r.seq, r.match, r.set]),
      [
        [
          'QUAR-PBR',
          'permit',
          10,
          ['ip address QUAR-IP'],
          ['ip next-hop 10.99.0.1', 'ip next-hop verify-availability'],
        ],
      ],
    );
    const [q, users] = c.dhcpPools;
    assert.deepEqual(q!.host, { address: '10.10.10.5', mask: '255.255.255.0' });
    assert.equal(q!.clientIdentifier, '0100.1122.3344.55');
    assert.equal(q!.mac, '00:11:22:33:44:55');
    assert.deepEqual(q!.defaultRouters, ['10.10.10.1', '10.10.10.2']);
    assert.deepEqual(users!.network, { address: '10.10.10.0', mask: '/24' });
    assert.equal(users!.mac, '00:11:22:33:44:66');
    assert.deepEqual(
      c.dhcpExcluded.map((r) => [r.vrf, r.first, r.last]),
      [
        [undefined, '10.10.10.1', '10.10.10.50'],
        ['GUEST', '10.20.0.1', '10.20.0.1'],
      ],
    );
    assert.deepEqual(
      { path: c.archive?.path, writeMemory: c.archive?.writeMemory },
      {
        path: 'flash:archive',
        writeMemory: true,
      },
    );
    assert.deepEqual(parseRunningConfig(SAMPLE).warnings, []);
  });

  it('`show running-config interface` output keeps unindented sub-commands in the interface', () => {
    const text =
      'Building configuration...\n\ninterface GigabitEthernet0/5/6\ndescription wan\nip address 10.0.0.1 255.255.255.252\nend\n';
    const c = parseRunningConfigInterface(text).records[0]!;
    assert.equal(c.interfaces.length, 1);
    assert.equal(c.interfaces[0]!.description, 'wan');
    assert.equal(stringifyRunningConfig(c), text);
  });

  it('warns about an indented line outside any section, with its line number', () => {
    const r = parseRunningConfig('!\n ip address 10.0.0.1 255.0.0.0\nhostname x\n');
    assert.deepEqual(r.warnings, [
      { line: 2, text: ' ip address 10.0.0.1 255.0.0.0', reason: 'indented line outside any section' },
    ]);
  });
});

describe('running-config round-trip over the corpus', () => {
  const root = join(DEFAULT_CORPUS, 'cisco_ios');
  const folders = existsSync(root)
    ? readdirSync(root).filter((f) => f.startsWith('show_running-config'))
    : [];
  for (const folder of folders) {
    const interfaceOutput = folder === 'show_running-config_interface';
    for (const file of readdirSync(join(root, folder)).filter((f) => !/\.(ya?ml|json)$/.test(f))) {
      it(`${folder}/${file}`, () => {
        const text = readFileSync(join(root, folder, file), 'utf8');
        const c = parseRunningConfig(text, { interfaceOutput }).records[0]!;
        const normalized = text.replace(/\r?\n/g, c.eol);
        assert.equal(stringifyRunningConfig(c), normalized);
        for (const block of splitSections(text, { interfaceOutput }).blocks.filter(
          (b) => b.kind === 'section',
        )) {
          const section = stringifySection(block);
          assert.equal(
            stringifyRunningConfig(parseRunningConfig(section, { interfaceOutput }).records[0]!),
            section,
          );
        }
      });
    }
  }
});
