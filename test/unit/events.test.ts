/**
 * Event parsers (Cisco syslog, Suricata EVE) and the ingest policy. Every file of the shared
 * corpus (`<corpus>/syslog/*.log`, `<corpus>/eve/*.json`) is discovered by folder: each line must
 * give exactly one event whose MAC / IP / interface / VLAN are the ones printed in it. Property
 * tests: the parsers never throw, generated DAI / port-security lines round-trip their fields, and
 * a reason made from hostile text always passes the free-text grammar.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseEve } from '../../src/events/eve.js';
import { parseEvents } from '../../src/events/ingest.js';
import { decide, densestWindow, toReason, type PolicyInput } from '../../src/events/policy.js';
import { parseHeader, parseSyslog } from '../../src/events/syslog.js';
import type { SecurityEvent } from '../../src/events/types.js';
import { isFreeText } from '../../src/values/names.js';
import { tryParseIp, tryParseMac, type IpAddress, type Mac } from '../../src/values/index.js';
import { DEFAULT_CORPUS } from './parsers-corpus.js';

const NOW = new Date('2026-12-04T12:00:00Z');
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;
// eslint-disable-next-line no-control-regex
const UNSAFE = /[?;\x00-\x1f\x7f]/;

interface Expected {
  mac?: string;
  ip?: string;
  interface?: string;
  vlan?: number;
  host?: string;
}

/** The fields each shared sample prints, line by line (read off the lines themselves). */
const EXPECTED: Record<string, Expected[]> = {
  'DHCP_SNOOPING-5-DHCP_SNOOPING_UNTRUSTED_PORT.log': [{ mac: '02:00:00:00:00:00' }],
  'IP-4-DUPADDR.log': [
    { mac: '5e:00:80:ff:06:06', ip: '172.16.1.216', interface: 'GigabitEthernet1' },
    { mac: '5e:00:80:ff:06:06', ip: '172.16.1.216', interface: 'GigabitEthernet1' },
  ],
  'PORT_SECURITY-2-PSECURE_VIOLATION.log': [{ mac: '00:13:1a:41:54:4e', interface: 'FastEthernet0/14' }],
  'PORT_SECURITY-2-PSECURE_VIOLATION_MAC_MOVE.log': [
    { mac: 'aa:bb:cc:dd:ee:ff', interface: 'GigabitEthernet2/0/28' },
  ],
  'PORT_SECURITY-2-PSECURE_VIOLATION_VLAN.log': [
    { mac: '02:00:00:00:00:00', interface: 'GigabitEthernet1/0/21', vlan: 601, host: 'HOSTNAME' },
  ],
  'SW_DAI-4-DHCP_SNOOPING_DENY.log': [
    { mac: '00:01:00:01:00:01', ip: '10.0.0.1', interface: 'Ethernet1/4', vlan: 1 },
  ],
  'SW_MATM-4-MACFLAP_NOTIF.log': [
    { mac: '70:a8:70:a8:70:a8', interface: 'GigabitEthernet2/0/1', vlan: 111 },
    { mac: '04:56:04:56:04:56', interface: 'GigabitEthernet2/0/1', vlan: 111 },
    { mac: 'c0:3c:c0:3c:c0:3c', interface: 'GigabitEthernet2/0/1', vlan: 111 },
    { mac: 'bc:f1:bc:f1:bc:f1', interface: 'GigabitEthernet2/0/1', vlan: 111 },
    { mac: 'f4:b3:f4:b3:f4:b3', interface: 'GigabitEthernet3/0/1', vlan: 111 },
    { mac: 'c8:cb:c8:cb:c8:cb', interface: 'GigabitEthernet2/0/1', vlan: 111 },
    { mac: '00:15:5d:91:85:02', interface: 'GigabitEthernet0/20', vlan: 1 },
    { mac: '02:00:00:00:00:02', interface: 'GigabitEthernet1/0/9', vlan: 20, host: 'HOSTNAME' },
  ],
  'sekoia_suricata_alert.json': [{ ip: '1.2.3.4' }],
};

function pick(e: SecurityEvent, keys: readonly (keyof Expected)[]): Expected {
  return Object.fromEntries(keys.filter((k) => e[k] !== undefined).map((k) => [k, e[k]])) as Expected;
}

/** Checks that hold for any sample: the event's MAC / IP / VLAN appear in the line as printed. */
function assertFromLine(e: SecurityEvent, line: string, where: string): void {
  if (e.mac !== undefined) {
    const printed = [...line.matchAll(/\b[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}\b/gi)].map((m) =>
      tryParseMac(m[0]),
    );
    assert.ok(printed.includes(e.mac), `${where}: ${e.mac} printed in the line`);
  }
  if (e.ip !== undefined) assert.ok(line.includes(e.ip), `${where}: ${e.ip} printed in the line`);
  if (e.vlan !== undefined) assert.match(line, new RegExp(`\\b${e.vlan}\\b`), where);
  assert.ok(isFreeText(toReason(e.summary), 80), `${where}: summary makes a valid reason`);
}

for (const [folder, parse] of [
  ['syslog', (t: string) => parseSyslog(t, { now: NOW })],
  ['eve', (t: string) => parseEve(t)],
] as const) {
  describe(`${folder} corpus (${DEFAULT_CORPUS}/${folder})`, () => {
    const dir = join(DEFAULT_CORPUS, folder);
    const files = readdirSync(dir).filter((f) => !f.startsWith('.'));
    it('has samples', () => assert.ok(files.length > 0));
    for (const file of files) {
      it(file, () => {
        const text = readFileSync(join(dir, file), 'utf8');
        const lines = text.split(/\r?\n/);
        const nonBlank = lines.filter((l) => l.trim() !== '').length;
        const r = parse(text);
        assert.deepEqual(r.warnings, [], 'every line understood');
        assert.equal(r.records.length, nonBlank, 'one event per line');
        for (const e of r.records) assertFromLine(e, lines[e.line - 1]!, `${file}:${e.line}`);
        const expected = EXPECTED[file];
        assert.ok(expected, `${file}: add its expected fields to EXPECTED`);
        const keys = ['mac', 'ip', 'interface', 'vlan', 'host'] as const;
        assert.deepEqual(
          r.records.map((e) => pick(e, keys)),
          expected,
        );
      });
    }
  });
}

describe('syslog headers and layouts', () => {
  const dai =
    '%SW_DAI-4-DHCP_SNOOPING_DENY: 1 Invalid ARPs (Req) on Gi1/0/7, vlan 10.([0200.0001.0002/10.10.0.101/0000.0000.0000/10.10.0.1/03:45:34 UTC Fri Mar 1 2024])';
  const cases: Array<[string, { host?: string; time?: string; timeFlag?: string; at?: string }]> = [
    ['', {}],
    ['00:18:08: ', { time: '00:18:08' }],
    ['1d02h: ', { time: '1d02h' }],
    [
      '000123: *Mar  1 03:45:34.177: ',
      { time: 'Mar  1 03:45:34.177', timeFlag: '*', at: '2026-03-01T03:45:34.177Z' },
    ],
    [
      '.Jun  5 05:09:30 EST: ',
      { time: 'Jun  5 05:09:30 EST', timeFlag: '.', at: '2026-06-05T10:09:30.000Z' },
    ],
    [
      'Mar  1 2024 03:45:34.177 UTC: ',
      { time: 'Mar  1 2024 03:45:34.177 UTC', at: '2024-03-01T03:45:34.177Z' },
    ],
    ['sw-acc-1: 45: Oct 19 12:42:33.805 CDT: ', { host: 'sw-acc-1', time: 'Oct 19 12:42:33.805 CDT' }],
    [
      '<189>Dec  3 10:00:00 10.1.1.2 42: Dec  3 10:00:00.123 UTC: ',
      { host: '10.1.1.2', time: 'Dec  3 10:00:00.123 UTC' },
    ],
    [
      '2024-01-07T19:54:41.123+00:00 sw1 ',
      { host: 'sw1', time: '2024-01-07T19:54:41.123+00:00', at: '2024-01-07T19:54:41.123Z' },
    ],
    [
      'sw1: 000042: *Dec  4 10:00:00.123 UTC: ',
      { host: 'sw1', time: 'Dec  4 10:00:00.123 UTC', timeFlag: '*' },
    ],
    ['Dec  4 10:00:00 10.1.1.2 *Dec  4 10:00:01 UTC: sw1: ', { host: 'sw1', time: 'Dec  4 10:00:01 UTC' }],
    ['<189>000042: 1d02h: ', { time: '1d02h' }],
    [
      'Oct 19 12:42:33 10.1.1.2 45: sw1: Oct 19 12:42:33.805 CDT: ',
      { host: 'sw1', time: 'Oct 19 12:42:33.805 CDT' },
    ],
  ];
  for (const [header, want] of cases) {
    it(`header ${JSON.stringify(header)}`, () => {
      const r = parseSyslog(header + dai, { now: NOW });
      assert.deepEqual(r.warnings, []);
      const e = r.records[0]!;
      assert.equal(e.mac, '02:00:00:01:00:02');
      assert.equal(e.ip, '10.10.0.101');
      assert.equal(e.interface, 'GigabitEthernet1/0/7');
      assert.equal(e.vlan, 10);
      for (const [k, v] of Object.entries(want)) assert.equal(e[k as keyof SecurityEvent], v, k);
    });
  }

  it('a December stamp read in January belongs to the previous year', () => {
    assert.equal(
      parseHeader('Dec 31 23:59:00 UTC:', new Date('2027-01-01T00:10:00Z'))?.at,
      '2026-12-31T23:59:00.000Z',
    );
  });

  it('INVALID_ARP, ACL_DENY and the port-security variants', () => {
    const text = [
      'Jan 1 00:00:01: %SW_DAI-4-INVALID_ARP: 3 Invalid ARPs (Res) on Fa0/3, vlan 20.([0011.2233.4455/192.168.1.5/ffff.ffff.ffff/192.168.1.1/00:00:01 UTC Mon Jan 1 1993])',
      'Jan 1 00:00:02: %SW_DAI-4-ACL_DENY: 1 Invalid ARPs (Req) on Te1/1/1, vlan 30.([0011.2233.4466/0.0.0.0/0000.0000.0000/192.168.1.1/00:00:02 UTC Mon Jan 1 1993])',
      '%PORT_SECURITY-2-PSECURE_VIOLATION: Security violation occurred, caused by MAC address 0011.2233.4477 on port GigabitEthernet1/0/5.',
      '%IP-4-DUPADDR: Duplicate address 10.10.0.1 on Vlan10, sourced by 0011.2233.4488',
    ].join('\r\n');
    const r = parseSyslog(text, { now: NOW });
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(
      r.records.map((e) => [e.kind, e.mac, e.ip, e.interface, e.vlan]),
      [
        ['dai', '00:11:22:33:44:55', '192.168.1.5', 'FastEthernet0/3', 20],
        ['dai', '00:11:22:33:44:66', undefined, 'TenGigabitEthernet1/1/1', 30],
        ['port-security', '00:11:22:33:44:77', undefined, 'GigabitEthernet1/0/5', undefined],
        ['duplicate-address', '00:11:22:33:44:88', '10.10.0.1', 'Vlan10', undefined],
      ],
    );
  });

  it('other messages, non-syslog lines and mangled values are warnings with their line numbers', () => {
    const text = [
      '%LINK-3-UPDOWN: Interface FastEthernet0/14, changed state to down',
      'random text',
      '',
      '%SW_MATM-4-MACFLAP_NOTIF: Host 0200.0001.0002;shutdown in vlan 10 is flapping between port Gi1/0/1 and port Gi1/0/2',
      '%PORT_SECURITY-2-PSECURE_VIOLATION: Security violation occurred, caused by MAC address 0200.0001.0002? on port Gi1/0/2.',
      '%SW_DAI-4-DHCP_SNOOPING_DENY: 1 Invalid ARPs (Req) on Gi1/0/2, vlan 10.',
    ].join('\n');
    const r = parseSyslog(text, { now: NOW });
    assert.deepEqual(r.records, []);
    assert.deepEqual(
      r.warnings.map((w) => w.line),
      [1, 2, 4, 5, 6],
    );
    assert.match(r.warnings[2]!.reason, /not a usable MAC/);
  });

  it('a Cisco message inside another log line is a warning, never an event', () => {
    const tuple = '([0011.2233.4455/10.20.0.55/0000.0000.0000/0.0.0.0/01:53:21 UTC Fri Jan 23 2015])';
    const forged = [
      `sshd: Invalid user %SW_DAI-4-DHCP_SNOOPING_DENY: 1 Invalid ARPs (Req) on Gi1/0/7, vlan 20.${tuple}`,
      `Dec  4 10:00:00 bastion sshd[2211]: Invalid user %SW_DAI-4-DHCP_SNOOPING_DENY: 1 Invalid ARPs (Req) on Gi1/0/7, vlan 20.${tuple} from 203.0.113.9 port 52113`,
      '203.0.113.9 - - [04/Dec/2026:10:00:00 +0000] "GET /?q=%IP-4-DUPADDR: Duplicate address 10.10.0.1 on Vlan10, sourced by 0011.2233.4488 HTTP/1.1" 404 153 "-" "curl/8.0"',
      'Dec  4 10:00:00 mail1 postfix/smtpd[77]: warning: %PORT_SECURITY-2-PSECURE_VIOLATION: Security violation occurred, caused by MAC address 0011.2233.4477 on port GigabitEthernet1/0/5.',
      'note to self: the switch said %SW_MATM-4-MACFLAP_NOTIF: Host 0011.2233.4499 in vlan 10 is flapping between port Gi1/0/1 and port Gi1/0/2',
      '*Dec  4 10:00:00.123: sw1 %IP-4-DUPADDR: Duplicate address 10.10.0.1 on Vlan10, sourced by 0011.2233.4488',
      // A relay's stamp and host, then a program's tag: any program's line in a syslog file.
      'Dec  4 10:00:00 bastion sshd: %IP-4-DUPADDR: Duplicate address 10.10.0.1 on Vlan10, sourced by 0011.2233.4488',
    ];
    const r = parseSyslog(forged.join('\n'), { now: NOW });
    assert.deepEqual(r.records, []);
    assert.deepEqual(
      r.warnings.map((w) => [w.line, w.reason]),
      forged.map((_, i) => [i + 1, 'not a Cisco syslog message header']),
    );
    // A Cisco message whose free text quotes another mnemonic is read as the first one only.
    const quoted = parseSyslog(
      'sw1: 12: *Dec  4 10:00:00.123 UTC: %SYS-5-CONFIG_I: Configured from vty0 %IP-4-DUPADDR: Duplicate address 10.10.0.1 on Vlan10, sourced by 0011.2233.4488',
      { now: NOW },
    );
    assert.deepEqual(quoted.records, []);
    assert.match(quoted.warnings[0]!.reason, /^SYS-5-CONFIG_I is not a security event/);
  });
});

describe('EVE', () => {
  const alert = (src: string, dest: string, extra: object = {}) =>
    JSON.stringify({
      timestamp: '2024-01-07T19:54:41.712927+0000',
      event_type: 'alert',
      src_ip: src,
      dest_ip: dest,
      alert: { signature: 'ET SCAN test', category: 'Attempted Recon', severity: 2, signature_id: 1 },
      ...extra,
    });
  const inside = (ip: IpAddress) => ip.startsWith('10.');

  it('the suspect is the internal side: src unless src is outside and dest inside', () => {
    const r = parseEve(
      [alert('10.0.0.5', '8.8.8.8'), alert('1.2.3.4', '10.0.4.4'), alert('1.2.3.4', '5.6.7.8')].join('\n'),
      {
        isInternal: inside,
      },
    );
    assert.deepEqual(
      r.records.map((e) => [e.ip, e.peerIp]),
      [
        ['10.0.0.5', '8.8.8.8'],
        ['10.0.4.4', '1.2.3.4'],
        ['1.2.3.4', '5.6.7.8'],
      ],
    );
    assert.equal(r.records[0]!.at, '2024-01-07T19:54:41.712Z');
    assert.equal(r.records[0]!.severity, 2);
  });

  it('non-alerts, non-JSON and alerts without addresses are warnings', () => {
    const r = parseEve(
      ['{"event_type":"flow","src_ip":"10.0.0.1"}', 'garbage', '[]', '{"event_type":"alert"}'].join('\n'),
    );
    assert.deepEqual(r.records, []);
    assert.deepEqual(
      r.warnings.map((w) => w.line),
      [1, 2, 3, 4],
    );
  });

  it('a hostile signature never reaches the summary with control characters', () => {
    const r = parseEve(
      alert('10.0.0.5', '8.8.8.8', { alert: { signature: 'x\nconf t\r\nshutdown?;\u001b[31m' } }),
    );
    const e = r.records[0]!;
    assert.doesNotMatch(e.summary, CONTROL);
    assert.ok(isFreeText(toReason(e.summary), 80));
    assert.doesNotMatch(toReason(e.summary), /[?;]/);
  });

  it('auto format: lines starting with { are EVE, the rest syslog, line numbers kept', () => {
    const text = [
      alert('10.0.0.5', '8.8.8.8'),
      '00:54:45: %PORT_SECURITY-2-PSECURE_VIOLATION: Security violation occurred, caused by MAC address 0013.1a41.544e on port FastEthernet0/14.',
      'noise',
    ].join('\n');
    const r = parseEvents(text, 'auto', { now: NOW });
    assert.deepEqual(
      r.events.map((e) => [e.line, e.source]),
      [
        [1, 'eve'],
        [2, 'syslog'],
      ],
    );
    assert.deepEqual(
      r.warnings.map((w) => w.line),
      [3],
    );
  });
});

describe('parsers never throw (property)', () => {
  const FRAGMENTS = [
    '%SW_DAI-4-DHCP_SNOOPING_DENY: ',
    '%SW_MATM-4-MACFLAP_NOTIF: Host ',
    '%PORT_SECURITY-2-PSECURE_VIOLATION: ',
    '%IP-4-DUPADDR: Duplicate address ',
    'caused by MAC address ',
    ' on port ',
    ' in vlan ',
    'Invalid ARPs (Req) on ',
    ', vlan 10.([',
    '/',
    '])',
    '0200.0001.0002',
    '10.0.0.1',
    'Gi1/0/1',
    '*Mar  1 ',
    '00:00:01.123 UTC: ',
    '{"event_type":"alert","src_ip":',
    '"10.0.0.1"',
    '}',
    '\n',
    '\r',
    ';',
    '?',
    '\u0000',
  ];
  const texty = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 40 }).map((a) => a.join('')),
    fc.array(fc.jsonValue(), { maxLength: 5 }).map((a) => a.map((v) => JSON.stringify(v)).join('\n')),
  );
  it('syslog, EVE and auto', () => {
    fc.assert(
      fc.property(texty, (text) => {
        for (const r of [parseSyslog(text), parseEve(text, { isInternal: () => true })]) {
          assert.ok(Array.isArray(r.records) && Array.isArray(r.warnings));
          for (const e of r.records) assert.ok(isFreeText(toReason(e.summary), 80));
        }
        parseEvents(text, 'auto');
      }),
      { numRuns: 500 },
    );
  });

  it('toReason output always passes the free-text grammar, without ? ; or controls', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        const r = toReason(text);
        assert.ok(isFreeText(r, 80), JSON.stringify(r));
        assert.doesNotMatch(r, UNSAFE);
      }),
    );
  });
});

describe('generated lines round-trip (property)', () => {
  const hex = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16).padStart(4, '0'));
  const mac = fc
    .tuple(hex, hex, hex)
    .filter(([a, b, c]) => `${a}${b}${c}` !== '000000000000' && `${a}${b}${c}` !== 'ffffffffffff')
    .map(([a, b, c]) => `${a}.${b}.${c}`);
  const ip = fc
    .tuple(fc.integer({ min: 1, max: 223 }), fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 254 }))
    .map((p) => p.join('.'));
  const iface = fc.oneof(
    fc
      .tuple(
        fc.constantFrom('Gi', 'GigabitEthernet', 'Fa', 'Te'),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 48 }),
      )
      .map(
        ([t, s, p]) =>
          [
            `${t}${s}/0/${p}`,
            `${t.startsWith('Gi') ? 'GigabitEthernet' : t === 'Fa' ? 'FastEthernet' : 'TenGigabitEthernet'}${s}/0/${p}`,
          ] as const,
      ),
  );
  const vlan = fc.integer({ min: 1, max: 4094 });
  const two = (n: number) => String(n).padStart(2, '0');
  const header = fc.record({
    seq: fc.option(fc.integer({ min: 1, max: 999999 }).map((n) => `${String(n).padStart(6, '0')}: `)),
    host: fc.option(fc.constantFrom('sw1: ', 'access-3.lab: ', 'HOSTNAME: ')),
    flag: fc.constantFrom('', '*', '.'),
    stamp: fc.oneof(
      fc.constant(''),
      fc.tuple(fc.nat(23), fc.nat(59), fc.nat(59)).map(([h, m, s]) => `${two(h)}:${two(m)}:${two(s)}`),
      fc
        .tuple(
          fc.constantFrom('Jan', 'Feb', 'Mar', 'Oct'),
          fc.integer({ min: 1, max: 28 }),
          fc.option(fc.constantFrom(' 2024', ' 2025')),
          fc.nat(23),
          fc.nat(59),
          fc.nat(59),
          fc.option(fc.integer({ min: 0, max: 999 }).map((n) => `.${String(n).padStart(3, '0')}`)),
          fc.option(fc.constantFrom(' UTC', ' EST', ' CET')),
        )
        .map(
          ([mo, d, y, h, m, s, ms, tz]) =>
            `${mo} ${d < 10 ? ` ${d}` : d}${y ?? ''} ${two(h)}:${two(m)}:${two(s)}${ms ?? ''}${tz ?? ''}`,
        ),
    ),
  });
  const prefix = (h: { seq: string | null; host: string | null; flag: string; stamp: string }) =>
    `${h.host ?? ''}${h.seq ?? ''}${h.stamp ? `${h.flag}${h.stamp}: ` : ''}`;

  it('DAI', () => {
    fc.assert(
      fc.property(
        header,
        mac,
        ip,
        iface,
        vlan,
        fc.constantFrom('DHCP_SNOOPING_DENY', 'INVALID_ARP', 'ACL_DENY'),
        (h, m, a, [short, long], v, mn) => {
          const line = `${prefix(h)}%SW_DAI-4-${mn}: 1 Invalid ARPs (Req) on ${short}, vlan ${v}.([${m}/${a}/0000.0000.0000/10.0.0.1/01:53:21 UTC Fri Jan 23 2015])`;
          const r = parseSyslog(line, { now: NOW });
          assert.deepEqual(r.warnings, [], line);
          const e = r.records[0]!;
          assert.equal(e.mac, tryParseMac(m));
          assert.equal(e.ip, tryParseIp(a));
          assert.equal(e.interface, long);
          assert.equal(e.vlan, v);
          assert.equal(e.mnemonic, `SW_DAI-4-${mn}`);
          if (h.host) assert.equal(e.host, h.host.slice(0, -2));
          if (h.stamp) assert.equal(e.time, h.stamp);
        },
      ),
    );
  });

  const dai = (m: string) =>
    `%SW_DAI-4-DHCP_SNOOPING_DENY: 1 Invalid ARPs (Req) on Gi1/0/7, vlan 10.([${m}/10.10.0.101/0000.0000.0000/10.10.0.1/01:53:21 UTC Fri Jan 23 2015])`;
  /** Letters, blanks and punctuation: no digits, so the only header such text can be is `HOST:`. */
  const junk = (maxLength: number) =>
    fc.string({
      unit: fc.constantFrom(...'abcsshdHOSTuser -_.:*<>[]()/"\'=?!#@,;|%'),
      maxLength,
    });
  const HOST_ONLY = /^\s*(?:[A-Za-z0-9][A-Za-z0-9_.-]{0,62}\s*:\s*)?$/;

  it('a random prefix yields an event only when it is a valid header', () => {
    const prefixes = fc.oneof(
      junk(40),
      fc.tuple(junk(12), fc.constantFrom(': ', ':', ' : ', ' ')).map(([a, b]) => a + b),
    );
    fc.assert(
      fc.property(prefixes, mac, (p, m) => {
        const r = parseSyslog(p + dai(m), { now: NOW });
        const valid = HOST_ONLY.test(p);
        assert.equal(r.records.length, valid ? 1 : 0, JSON.stringify(p));
        if (!valid) assert.equal(r.warnings.length, 1);
      }),
      { numRuns: 1000 },
    );
  });

  it('anything unreadable before a valid header: no event', () => {
    fc.assert(
      fc.property(
        junk(10),
        fc.constantFrom(...'[]()=/"\'!?#@,;|'),
        junk(10),
        header,
        mac,
        (a, bad, b, h, m) => {
          const line = `${a}${bad}${b} ${prefix(h)}${dai(m)}`;
          const r = parseSyslog(line, { now: NOW });
          assert.deepEqual(r.records, [], line);
          assert.deepEqual(
            r.warnings.map((w) => w.reason),
            ['not a Cisco syslog message header'],
          );
        },
      ),
    );
  });

  it('PSECURE_VIOLATION and _VLAN', () => {
    fc.assert(
      fc.property(header, mac, iface, vlan, fc.boolean(), (h, m, [short, long], v, withVlan) => {
        const line = withVlan
          ? `${prefix(h)}%PORT_SECURITY-2-PSECURE_VIOLATION_VLAN: Security violation on port ${long} due to MAC address ${m} on VLAN ${v}`
          : `${prefix(h)}%PORT_SECURITY-2-PSECURE_VIOLATION: Security violation occurred, caused by MAC address ${m} on port ${short}.`;
        const r = parseSyslog(line, { now: NOW });
        assert.deepEqual(r.warnings, [], line);
        const e = r.records[0]!;
        assert.equal(e.mac, tryParseMac(m));
        assert.equal(e.interface, long);
        assert.equal(e.vlan, withVlan ? v : undefined);
        if (h.host) assert.equal(e.host, h.host.slice(0, -2));
      }),
    );
  });
});

describe('policy', () => {
  const ev = (line: number, fields: Partial<SecurityEvent>): SecurityEvent => ({
    source: 'syslog',
    kind: 'dai',
    mnemonic: 'SW_DAI-4-DHCP_SNOOPING_DENY',
    summary: `event ${line}`,
    line,
    ...fields,
  });
  const A = '02:00:00:01:00:01' as Mac;
  const B = '02:00:00:01:00:02' as Mac;
  const C = '02:00:00:01:00:03' as Mac;
  const base: PolicyInput = {
    events: [],
    threshold: 1,
    windowS: 600,
    isProtectedMac: () => false,
    isProtectedIp: (ip) => ip === '10.10.0.1' || ip === '10.10.0.2',
    activeQuarantine: () => undefined,
    rateLimit: { max: 5, perMinutes: 60, used: 0 },
  };

  it('groups by MAC, else IP; an IP-only event joins the MAC its IP belongs to', () => {
    const d = decide({
      ...base,
      events: [
        ev(1, { mac: A, ip: '10.10.0.101' as IpAddress }),
        ev(2, { kind: 'ids-alert', ip: '10.10.0.101' as IpAddress }),
        ev(3, { kind: 'ids-alert', ip: '10.10.0.150' as IpAddress }),
      ],
    });
    assert.deepEqual(
      d.map((x) => [x.target, x.events.map((e) => e.line)]),
      [
        [A, [1, 2]],
        ['10.10.0.150', [3]],
      ],
    );
  });

  it('threshold within the window; timeless events count in every window', () => {
    const at = (min: number) => new Date(Date.UTC(2026, 0, 1, 0, min)).toISOString();
    const spread = [
      ev(1, { mac: A, at: at(0) }),
      ev(2, { mac: A, at: at(20) }),
      ev(3, { mac: A, at: at(40) }),
    ];
    assert.equal(densestWindow(spread, 600), 1);
    assert.equal(densestWindow([...spread, ev(4, { mac: A })], 600), 2);
    const d = decide({ ...base, threshold: 2, events: spread });
    assert.equal(d[0]!.decision, 'below-threshold');
    assert.match(d[0]!.why, /1 event within 10m; the threshold is 2/);
    assert.equal(decide({ ...base, threshold: 2, windowS: 3600, events: spread })[0]!.decision, 'quarantine');
  });

  it('protected MAC, protected IP, or a MAC tied to a protected IP: protected', () => {
    const d = decide({
      ...base,
      isProtectedMac: (m) => m === A,
      events: [
        ev(1, { mac: A }),
        ev(2, { ip: '10.10.0.2' as IpAddress, kind: 'ids-alert' }),
        ev(3, { mac: B, ip: '10.10.0.1' as IpAddress }),
      ],
    });
    assert.deepEqual(
      d.map((x) => x.decision),
      ['protected', 'protected', 'protected'],
    );
  });

  it('already quarantined, then the rate limit in input order', () => {
    const d = decide({
      ...base,
      activeQuarantine: ({ mac }) => (mac === A ? { id: 7 } : undefined),
      rateLimit: { max: 3, perMinutes: 60, used: 2 },
      events: [ev(1, { mac: A }), ev(2, { mac: B }), ev(3, { mac: C })],
    });
    assert.deepEqual(
      d.map((x) => [x.target, x.decision]),
      [
        [A, 'already-quarantined'],
        [B, 'quarantine'],
        [C, 'rate-limited'],
      ],
    );
    assert.equal(d[0]!.quarantineId, 7);
    assert.match(d[2]!.why, /at most 3 per 60 min .*2 started by ingest before, 1 in this batch/);
  });

  it('the reason fits 80 characters and the free-text grammar', () => {
    const d = decide({
      ...base,
      events: [ev(1, { mac: A, summary: `${'x'.repeat(100)}?;\n` }), ev(2, { mac: A })],
    });
    assert.ok(d[0]!.reason.length <= 80);
    assert.ok(isFreeText(d[0]!.reason, 80));
    assert.match(d[0]!.reason, /\(\+1 more\)$/);
  });
});
