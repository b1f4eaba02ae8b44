/** Prompt table: each real prompt matches exactly one cisco_ios mode; output lines match none. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { modesMatching } from '../../src/devices/platform.js';
import { CISCO_IOS } from '../../src/devices/platforms/cisco_ios.js';

/** Fixed for reproducible runs; FC_SEED=<n> explores other inputs. */
const SEED = Number(process.env.FC_SEED ?? 20261204);

const TABLE: [prompt: string, mode: string][] = [
  // ios-reference §1/§2 and the shared corpus
  ['csr1000v>', 'exec'],
  ['cisco1>', 'exec'],
  ['PE1>', 'exec'],
  ['csr1000v#', 'privilege_exec'],
  ['R5#', 'privilege_exec'],
  ['c3850-lab#', 'privilege_exec'],
  ['COL-B-ASR1001-X-1#', 'privilege_exec'],
  ['farscape-pinfra-2#', 'privilege_exec'],
  ['THIS.IS.A.PARTICULARLY.LONG#', 'privilege_exec'],
  ['csr1000v(config)#', 'configuration'],
  ['R1(config)#', 'configuration'],
  ['THIS.IS.A.PARTICULAR(config)#', 'configuration'],
  ['csr1000v(config-sg-tacacs+)#', 'config_submode'],
  ['R1(dhcp-config)#', 'config_submode'],
  ['lab-sw1(config-ext-macl)#', 'config_submode'],
  ['lab-sw1(config-ext-nacl)#', 'config_submode'],
  ['sw1(config-if)#', 'config_submode'],
  ['sw1(config-if-range)#', 'config_submode'],
  ['sw1(config-route-map)#', 'config_submode'],
  ['Router(config-archive)#', 'config_submode'],
  ['sw1(config-line)# ', 'config_submode'],
  ['sw1# ', 'privilege_exec'],
];

const NOT_PROMPTS = [
  "% Invalid input detected at '^' marker.",
  'Building configuration...',
  '[OK]',
  'Enter configuration commands, one per line.  End with CNTL/Z.',
  'Destination filename [startup-config]? ',
  'Password: ',
  ' --More-- ',
  'sw1(tcl)#',
  'Extended IP access list 101',
  '    10 permit tcp any host 10.1.1.1 eq www',
  'Interface      Route map',
  '#',
  '>',
  'sw1 #',
  'sw1#show run',
  'sw1(config)#interface Gi1/0/5',
];

describe('cisco_ios prompt table', () => {
  for (const [prompt, mode] of TABLE) {
    it(`${JSON.stringify(prompt)} is ${mode} and nothing else`, () => {
      assert.deepEqual(
        modesMatching(CISCO_IOS, prompt).map((m) => m.name),
        [mode],
      );
    });
  }
  for (const line of NOT_PROMPTS) {
    it(`${JSON.stringify(line)} is not a prompt`, () => {
      assert.deepEqual(modesMatching(CISCO_IOS, line), []);
    });
  }

  it('the platform definition is frozen data', () => {
    assert.ok(Object.isFrozen(CISCO_IOS));
    assert.ok(Object.isFrozen(CISCO_IOS.modes));
    assert.ok(Object.isFrozen(CISCO_IOS.modes[0]));
    assert.ok(Object.isFrozen(CISCO_IOS.failureStrings));
    assert.deepEqual(CISCO_IOS.onOpen, ['terminal length 0', 'terminal width 511']);
    for (const f of [
      '% Invalid input detected',
      '% Incomplete command',
      '% Ambiguous command',
      '% Unknown command',
    ]) {
      assert.ok(CISCO_IOS.failureStrings.includes(f), f);
    }
  });
});

describe('cisco_ios prompt detection (property)', () => {
  it('never matches an output line that does not end in a prompt character', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 120 }).filter((s) => !/[#>]\s*$/.test(s)),
        (line) => modesMatching(CISCO_IOS, line).length === 0,
      ),
      { numRuns: 2000, seed: SEED },
    );
  });

  it('never matches a line with text after the prompt character', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z][\w.-]{0,30}(\(config(-[a-z]+)?\))?[#>]$/),
        fc.stringMatching(/^\S[ -~]{0,40}$/),
        (prompt, rest) => modesMatching(CISCO_IOS, prompt + rest).length === 0,
      ),
      { numRuns: 1000, seed: SEED },
    );
  });

  it('every generated hostname prompt matches exactly one mode', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z][A-Za-z0-9.-]{0,62}$/),
        fc.constantFrom('>', '#', '(config)#', '(config-if)#', '(dhcp-config)#', '(config-sg-tacacs+)#'),
        (host, tail) => modesMatching(CISCO_IOS, host + tail).length === 1,
      ),
      { numRuns: 1000, seed: SEED },
    );
  });
});
