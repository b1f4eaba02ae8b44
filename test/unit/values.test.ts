/**
 * src/values: property tests (nothing accepted can carry a newline, CR, `?`, `;` or a control
 * character into a template; normalising twice changes nothing) and examples of each notation.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  clientIdToMac,
  cidrContains,
  interfaceShort,
  macToClientId,
  macToIos,
  parseCidr,
  parseConfigName,
  parseDeviceName,
  parseFreeText,
  parseInterface,
  parseIp,
  parseMac,
  parseVlanId,
  prefixToMask,
  sameInterface,
  tryParseInterface,
  tryParseIp,
  tryParseMac,
  type InterfaceName,
} from '../../src/values/index.js';

/** Newline, CR, `?`, `;`, any C0/C1 control character, and Unicode line/paragraph separators. */
const FORBIDDEN = /[\p{Cc}?;\u2028\u2029]/u;
const RUNS = { numRuns: Number(process.env.FC_RUNS ?? 2000) };

/** Undefined when the parser rejects the input. */
function attempt<T>(parse: (s: string) => T): (s: string) => T | undefined {
  return (s) => {
    try {
      return parse(s);
    } catch {
      return undefined;
    }
  };
}

const PARSERS: Record<string, (s: string) => string | undefined> = {
  mac: attempt(parseMac),
  ip: attempt(parseIp),
  cidr: attempt((s) => parseCidr(s).text),
  interface: attempt(parseInterface),
  configName: attempt(parseConfigName),
  deviceName: attempt(parseDeviceName),
  freeText: attempt((s) => parseFreeText(s)),
};

const hex = fc.constantFrom(...'0123456789abcdefABCDEF');
const hexN = (n: number) => fc.string({ unit: hex, minLength: n, maxLength: n });
const macLike = fc.oneof(
  fc
    .tuple(fc.array(hexN(2), { minLength: 6, maxLength: 6 }), fc.constantFrom(':', '-'))
    .map(([g, s]) => g.join(s)),
  fc.array(hexN(4), { minLength: 3, maxLength: 3 }).map((g) => g.join('.')),
  hexN(12),
);
const ifType = fc.constantFrom(
  'Gi',
  'gi',
  'GigabitEthernet',
  'Te',
  'TenGigabitEthernet',
  'Fa',
  'Po',
  'port-channel',
  'Vlan',
  'vl',
  'Lo',
  'Tu',
  'Hu',
  'HundredGigabitEthernet',
  'Twe',
  'Fo',
  'Ap',
  'Et',
  'mgmt',
  'G',
  'Ten',
);
const ifNumber = fc
  .tuple(fc.array(fc.nat(9999), { minLength: 1, maxLength: 4 }), fc.option(fc.nat(4094), { nil: undefined }))
  .map(([parts, sub]) => parts.join('/') + (sub === undefined ? '' : `.${sub}`));
const ifLike = fc.tuple(ifType, fc.constantFrom('', ' '), ifNumber).map(([t, sp, n]) => `${t}${sp}${n}`);
const ipLike = fc.oneof(fc.ipV4(), fc.ipV6());
const cidrLike = fc.oneof(
  fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([ip, p]) => `${ip}/${p}`),
  fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 })).map(([ip, p]) => `${ip}/${p}`),
);
const nameLike = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,20}$/);
const textLike = fc.string({ unit: 'grapheme-ascii', maxLength: 120 });
const nasty = fc.constantFrom(
  '\n',
  '\r',
  '\r\n',
  '?',
  ';',
  '\t',
  '\x00',
  '\x1b',
  '\x7f',
  '\x85',
  '\u2028',
  ' ',
  '|',
  '!',
);

/** Valid-looking values of every kind, plus the same with a nasty character spliced in anywhere. */
const candidates = fc.oneof(macLike, ifLike, ipLike, cidrLike, nameLike, textLike);
const spliced = fc
  .tuple(candidates, nasty, fc.nat())
  .map(([s, bad, at]) => s.slice(0, at % (s.length + 1)) + bad + s.slice(at % (s.length + 1)));
const anyInput = fc.oneof(candidates, spliced, fc.string({ unit: 'binary', maxLength: 60 }));

describe('values: properties', () => {
  for (const [kind, parse] of Object.entries(PARSERS)) {
    it(`${kind}: no accepted value contains a newline, CR, ?, ; or control character`, () => {
      fc.assert(
        fc.property(anyInput, (input) => {
          const out = parse(input);
          return out === undefined || !FORBIDDEN.test(out);
        }),
        RUNS,
      );
    });

    it(`${kind}: normalisation is idempotent (parse(parse(x)) === parse(x))`, () => {
      fc.assert(
        fc.property(anyInput, (input) => {
          const once = parse(input);
          return once === undefined || parse(once) === once;
        }),
        RUNS,
      );
    });
  }

  it('every generated MAC, IP and interface in a known notation is accepted', () => {
    fc.assert(fc.property(macLike, (m) => tryParseMac(m) !== undefined));
    fc.assert(fc.property(ipLike, (ip) => tryParseIp(ip) !== undefined));
    fc.assert(fc.property(ifLike, (i) => tryParseInterface(i) !== undefined));
  });

  it('a spliced newline, ?, ; or control character is rejected by the strict grammars', () => {
    const bad = fc.constantFrom('\n', '\r', '?', ';', '\x00', '\x1b', '\x7f');
    const inside = (s: string, b: string, at: number) => {
      const i = 1 + (at % Math.max(1, s.length - 1));
      return s.slice(0, i) + b + s.slice(i);
    };
    fc.assert(fc.property(macLike, bad, fc.nat(), (m, b, at) => tryParseMac(inside(m, b, at)) === undefined));
    fc.assert(
      fc.property(ifLike, bad, fc.nat(), (m, b, at) => tryParseInterface(inside(m, b, at)) === undefined),
    );
    fc.assert(fc.property(ipLike, bad, fc.nat(), (m, b, at) => tryParseIp(inside(m, b, at)) === undefined));
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z]{3,20}$/),
        bad,
        fc.nat(),
        (t, b, at) => PARSERS.freeText!(inside(t, b, at)) === undefined,
      ),
    );
  });

  it('an IP inside a parsed CIDR is contained; the network is canonical', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), (ip, p) => {
        const masked = parseCidr(`${ip}/32`);
        const c = (() => {
          try {
            return parseCidr(`${ip}/${p}`);
          } catch {
            return undefined;
          }
        })();
        return c === undefined || (cidrContains(c, masked.network) && c.text === `${c.network}/${p}`);
      }),
    );
  });
});

describe('values: MAC notations', () => {
  it('accepts colon, dash, IOS dotted and bare forms, any case, and canonicalises', () => {
    for (const input of [
      'aa:bb:cc:dd:ee:ff',
      'AA-BB-CC-DD-EE-FF',
      'aabb.ccdd.eeff',
      'AABBCCDDEEFF',
      ' Aa:bB:cc:DD:ee:ff ',
    ]) {
      assert.equal(parseMac(input), 'aa:bb:cc:dd:ee:ff', input);
    }
  });

  it('rejects mixed separators, wrong lengths and trailing junk', () => {
    for (const input of [
      'aa:bb-cc:dd:ee:ff',
      'aa:bb:cc:dd:ee',
      'aabb.ccdd.eeff.0011',
      'aabb.ccdd.eefg',
      'aa:bb:cc:dd:ee:ff;',
      '',
    ]) {
      assert.equal(tryParseMac(input), undefined, input);
    }
    assert.throws(() => parseMac('aabb.ccdd.eefg'), { code: 'E_BAD_MAC' });
  });

  it('IOS forms', () => {
    const mac = parseMac('00:1b:21:3a:4f:01');
    assert.equal(macToIos(mac), '001b.213a.4f01');
    assert.equal(macToClientId(mac), '0100.1b21.3a4f.01');
    assert.equal(clientIdToMac('0100.1b21.3a4f.01'), mac);
    assert.equal(clientIdToMac('0200.1b21.3a4f.01'), undefined);
  });
});

describe('values: interface names', () => {
  const cases: [string, string, string][] = [
    ['Gi1/0/5', 'GigabitEthernet1/0/5', 'Gi1/0/5'],
    ['gi 1/0/5', 'GigabitEthernet1/0/5', 'Gi1/0/5'],
    ['GigabitEthernet 1/0/5', 'GigabitEthernet1/0/5', 'Gi1/0/5'],
    ['Te1/1/1', 'TenGigabitEthernet1/1/1', 'Te1/1/1'],
    ['Fa0/1', 'FastEthernet0/1', 'Fa0/1'],
    ['Po1', 'Port-channel1', 'Po1'],
    ['port-channel10', 'Port-channel10', 'Po10'],
    ['Vl20', 'Vlan20', 'Vl20'],
    ['Gi1/0/5.100', 'GigabitEthernet1/0/5.100', 'Gi1/0/5.100'],
    ['Hu1/0/49', 'HundredGigE1/0/49', 'Hu1/0/49'],
  ];
  for (const [input, long, short] of cases) {
    it(`${input} → ${long} (short ${short})`, () => {
      const name = parseInterface(input);
      assert.equal(name, long);
      assert.equal(interfaceShort(name), short);
    });
  }

  it('compares spellings canonically', () => {
    assert.equal(sameInterface('Gi1/0/48', 'GigabitEthernet1/0/48'), true);
    assert.equal(sameInterface('Gi1/0/48', 'Gi1/0/4'), false);
    assert.equal(sameInterface('bogus', 'bogus'), false);
  });

  it('rejects unknown types, ambiguous prefixes and anything after the number', () => {
    for (const input of [
      'Gx1/0/5',
      'T1/0/1',
      'Gi',
      'Gi1/0/5;',
      'Gi1/0/5 shutdown',
      'Gi1/0/5\nshutdown',
      'Gi\n1/0/5',
      'Gi\t1/0/5',
      '1/0/5',
    ]) {
      assert.equal(tryParseInterface(input), undefined, JSON.stringify(input));
    }
    assert.throws(() => parseInterface('Gx1/0/5'), { code: 'E_BAD_INTERFACE' });
  });

  it('keeps the brand type', () => {
    const n: InterfaceName = parseInterface('Gi1/0/1');
    assert.equal(typeof n, 'string');
  });
});

describe('values: IP addresses and prefixes', () => {
  it('compresses IPv6 per RFC 5952 (longest zero run, first on ties, never a single group, lower case)', () => {
    assert.equal(parseIp('2001:0DB8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
    assert.equal(parseIp('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
    assert.equal(parseIp('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1');
    assert.equal(parseIp('2001:db8:0:0:0:1:0:0'), '2001:db8::1:0:0');
    assert.equal(parseIp('0:0:0:0:0:0:0:0'), '::');
    assert.equal(parseIp('::ffff:10.1.2.3'), '::ffff:a01:203');
    assert.equal(parseIp('fe80::'), 'fe80::');
  });

  it('accepts IPv4 as written and rejects leading zeros, zones and junk', () => {
    assert.equal(parseIp(' 10.1.20.5 '), '10.1.20.5');
    for (const input of [
      '010.1.1.1',
      '10.1.1',
      '10.1.1.256',
      'fe80::1%eth0',
      '10.1.1.1\n',
      '10.1.1.1;',
      '::g',
    ]) {
      assert.equal(tryParseIp(input), undefined, JSON.stringify(input));
    }
    assert.throws(() => parseIp('10.1.1'), { code: 'E_BAD_IP' });
  });

  it('rejects host bits and says which network was meant', () => {
    assert.throws(() => parseCidr('10.1.20.7/24'), /has host bits set; the network is 10\.1\.20\.0\/24/);
    assert.throws(() => parseCidr('2001:db8::1/64'), /the network is 2001:db8::\/64/);
    assert.throws(() => parseCidr('10.0.0.0/33'), { code: 'E_BAD_CIDR' });
    assert.throws(() => parseCidr('10.0.0.0'), { code: 'E_BAD_CIDR' });
  });

  it('canonicalises prefixes', () => {
    assert.equal(parseCidr('2001:DB8:0::/48').text, '2001:db8::/48');
    assert.equal(parseCidr('10.20.0.0/24').text, '10.20.0.0/24');
    assert.equal(prefixToMask(28), '255.255.255.240');
  });
});

describe('values: names, free text, VLANs', () => {
  it('config and device names', () => {
    assert.equal(parseConfigName('HA-MAC-Gi1_0_5'), 'HA-MAC-Gi1_0_5');
    for (const bad of ['1abc', 'a b', 'a;b', 'a?b', 'a\nb', '', 'x'.repeat(65)]) {
      assert.throws(() => parseConfigName(bad), { code: 'E_BAD_NAME' }, JSON.stringify(bad));
    }
    assert.equal(parseDeviceName('sw-a1.campus'), 'sw-a1.campus');
    assert.throws(() => parseDeviceName('sw a1'), { code: 'E_BAD_NAME' });
  });

  it('free text: one trimmed line of printable ASCII without ? or ;', () => {
    assert.equal(parseFreeText('  suspicious   beaconing  '), 'suspicious beaconing');
    for (const bad of ['why?', 'a;b', 'line1\nline2', 'tab\there', 'bell\x07', 'café']) {
      assert.throws(() => parseFreeText(bad), { code: 'E_BAD_TEXT' }, JSON.stringify(bad));
    }
    assert.throws(() => parseFreeText('x'.repeat(101)), /at most 100/);
    assert.equal(parseFreeText('x'.repeat(20), 'remark', 20).length, 20);
  });

  it('VLAN ids 1-4094', () => {
    assert.equal(parseVlanId(20), 20);
    assert.equal(parseVlanId('4094'), 4094);
    for (const bad of [0, 4095, 1.5, '20a', ''])
      assert.throws(() => parseVlanId(bad), { code: 'E_BAD_VLAN' });
  });
});
