import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  interfaceShort,
  macToIos,
  parseArp,
  parseMacAddressTable,
  PARSERS,
  tryParseInterface,
  tryParseMac,
  type ArpEntry,
  type InterfaceName,
  type Mac,
  type MacTableEntry,
} from '../../src/index.js';

/** Fragments of real output, so that generated text often looks almost valid. */
const FRAGMENTS = [
  'Vlan',
  'Mac Address',
  'Type',
  'Ports',
  '----',
  '  10',
  'All',
  '---',
  'N/A',
  '0017.0100.0001',
  'aa:bb:cc:dd:ee:ff',
  'DYNAMIC',
  'static',
  'Gi1/0/24',
  'Po1',
  'CPU',
  'Internet',
  '10.0.0.1',
  '-',
  'Incomplete',
  'ARPA',
  'Vlan10',
  'Extended IP access list',
  'Standard IP access list',
  'Extended MAC access list',
  '10',
  'permit',
  'deny',
  'any',
  '(5 matches)',
  '[match=3]',
  'sequence',
  'route-map',
  'x,',
  'permit,',
  'sequence 10',
  'Match clauses:',
  'Set clauses:',
  'Policy routing matches:',
  'interface',
  'GigabitEthernet1/0/5',
  ' description',
  'ip access-group',
  'banner motd ^C',
  '^C',
  '!',
  'end',
  'Infinite',
  'Automatic',
  'Active',
  '0100.1122.3344.55',
  'Mar 01 2002 12:07 AM',
  '.',
  'Port',
  'Name',
  'Status',
  'connected',
  'notconnect:',
  'trunk',
  'Pool',
  ':',
  'fc2/1 is up',
  'Router#',
  'sh',
  '\t',
  '\r',
  '  ',
  '*',
  'R',
  'G',
  '(R)',
  'sup-eth1(R)',
  'Legend:',
  'Total',
  '00:13:42',
];

const outputLike = fc
  .array(
    fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 8 }).map((t) => t.join(' ')),
    { maxLength: 25 },
  )
  .map((lines) => lines.join('\n'));
const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), outputLike);

describe('parsers never throw', () => {
  for (const p of PARSERS) {
    it(`${p.id}: arbitrary text gives {records, warnings}`, () => {
      fc.assert(
        fc.property(anyText, (text) => {
          const r = p.parse(text);
          assert.ok(Array.isArray(r.records) && Array.isArray(r.warnings));
          for (const w of r.warnings) assert.ok(Number.isInteger(w.line) && w.line >= 1);
        }),
        { numRuns: 300 },
      );
    });
  }
});

const macArb = fc
  .uint8Array({ minLength: 6, maxLength: 6 })
  .map((b) => tryParseMac(Buffer.from(b).toString('hex'))!);
const interfaceArb = fc
  .tuple(
    fc.constantFrom(
      'GigabitEthernet',
      'TenGigabitEthernet',
      'FastEthernet',
      'Port-channel',
      'TwentyFiveGigE',
    ),
    fc.integer({ min: 1, max: 9 }),
    fc.integer({ min: 1, max: 48 }),
  )
  .map(([t, a, b]) => tryParseInterface(t === 'Port-channel' ? `${t}${b}` : `${t}${a}/0/${b}`)!);

describe('parse(render(records)) returns the records', () => {
  const renderMacTable = (rows: MacTableEntry[]): string =>
    [
      '          Mac Address Table',
      '-------------------------------------------',
      '',
      'Vlan    Mac Address       Type        Ports',
      '----    -----------       --------    -----',
      ...rows.map(
        (r) =>
          `${String(r.vlan).padStart(4)}    ${macToIos(r.mac)}    ${r.type.toUpperCase().padEnd(8)}    ${r.ports
            .map((p) => (p === 'CPU' ? p : interfaceShort(p as InterfaceName)))
            .join(' ')}`,
      ),
      `Total Mac Addresses for this criterion: ${rows.length}`,
      'Switch#',
    ].join('\r\n');

  it('IOS MAC address table', () => {
    const entry = fc
      .record({
        vlan: fc.integer({ min: 1, max: 4094 }),
        mac: macArb,
        type: fc.constantFrom('dynamic', 'static'),
        ports: fc.oneof(fc.constant(['CPU']), fc.array(interfaceArb, { minLength: 1, maxLength: 2 })),
      })
      .map((r): MacTableEntry => ({ ...r, mac: r.mac as Mac, ports: [...r.ports] }));
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 20 }), (rows) => {
        const r = parseMacAddressTable(renderMacTable(rows));
        assert.deepEqual(r.warnings, []);
        assert.deepEqual(r.records, rows);
      }),
    );
  });

  const renderArp = (rows: ArpEntry[]): string =>
    [
      'Protocol  Address          Age (min)  Hardware Addr   Type   Interface',
      ...rows.map(
        (r) =>
          `Internet  ${r.ip.padEnd(15)} ${r.age.padStart(9)}   ${(r.mac ? macToIos(r.mac) : 'Incomplete').padEnd(14)}  ARPA   ${
            r.interface ? interfaceShort(r.interface as InterfaceName) : ''
          }`,
      ),
    ].join('\n');

  it('IOS ARP table', () => {
    const entry = fc
      .record({
        ip: fc.ipV4(),
        age: fc.oneof(fc.constant('-'), fc.integer({ min: 0, max: 240 }).map(String)),
        mac: fc.option(macArb, { nil: null }),
        interface: fc.option(interfaceArb, { nil: null }),
      })
      .map((r): ArpEntry => ({
        protocol: 'Internet',
        ip: r.ip,
        ageMin: r.age === '-' ? null : Number(r.age),
        age: r.age,
        mac: r.mac as Mac | null,
        type: 'ARPA',
        interface: r.interface,
      }));
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 20 }), (rows) => {
        const r = parseArp(renderArp(rows));
        assert.deepEqual(r.warnings, []);
        assert.deepEqual(r.records, rows);
      }),
    );
  });
});
