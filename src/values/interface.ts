/**
 * IOS interface names: abbreviations in (`Gi1/0/5`, `gi 1/0/5`, `GigabitEthernet 1/0/5`),
 * the canonical long name inside (`GigabitEthernet1/0/5`), the short name for matching
 * `show mac address-table` and syslog output.
 */
import { ValidationError } from '../errors.js';

export type InterfaceName = string & { readonly __brand: 'InterfaceName' };

/** Long name → the short form IOS prints in MAC tables and logs. Order matters for prefix lookup. */
const TYPES: ReadonlyArray<readonly [long: string, short: string]> = [
  ['GigabitEthernet', 'Gi'],
  ['TenGigabitEthernet', 'Te'],
  ['FastEthernet', 'Fa'],
  ['Ethernet', 'Et'],
  ['TwoGigabitEthernet', 'Tw'],
  ['TwentyFiveGigE', 'Twe'],
  ['FiveGigabitEthernet', 'Fi'],
  ['FortyGigabitEthernet', 'Fo'],
  ['HundredGigE', 'Hu'],
  ['HundredGigabitEthernet', 'Hu'],
  ['AppGigabitEthernet', 'Ap'],
  ['Port-channel', 'Po'],
  ['Vlan', 'Vl'],
  ['Loopback', 'Lo'],
  ['Tunnel', 'Tu'],
  ['mgmt', 'mgmt'],
];

/** Explicit short aliases that are not unique prefixes of a long name. */
const ALIASES: Record<string, string> = {
  gi: 'GigabitEthernet',
  ge: 'GigabitEthernet',
  te: 'TenGigabitEthernet',
  fa: 'FastEthernet',
  et: 'Ethernet',
  eth: 'Ethernet',
  tw: 'TwoGigabitEthernet',
  twe: 'TwentyFiveGigE',
  fi: 'FiveGigabitEthernet',
  fo: 'FortyGigabitEthernet',
  hu: 'HundredGigE',
  ap: 'AppGigabitEthernet',
  po: 'Port-channel',
  vl: 'Vlan',
  lo: 'Loopback',
  tu: 'Tunnel',
};

const NUMBER = /^\d{1,4}(?:\/\d{1,4}){0,3}(?:\.\d{1,10})?(?::\d{1,3})?$/;
const NAME = /^([A-Za-z][A-Za-z-]*?) ?(\d.*)$/;

function longType(prefix: string): string | undefined {
  const p = prefix.toLowerCase();
  const alias = ALIASES[p];
  if (alias) return alias;
  const exact = TYPES.find(([long]) => long.toLowerCase() === p);
  if (exact) return exact[0];
  const matches = [...new Set(TYPES.filter(([long]) => long.toLowerCase().startsWith(p)).map(([l]) => l))];
  return matches.length === 1 ? matches[0] : undefined;
}

export function tryParseInterface(input: string): InterfaceName | undefined {
  const m = NAME.exec(input.trim());
  if (!m) return undefined;
  const type = longType(m[1]!);
  if (type === undefined || !NUMBER.test(m[2]!)) return undefined;
  return `${type}${m[2]}` as InterfaceName;
}

export function isInterface(input: string): boolean {
  return tryParseInterface(input) !== undefined;
}

export function parseInterface(input: string, what = 'interface'): InterfaceName {
  const name = tryParseInterface(input);
  if (name === undefined) {
    throw new ValidationError(`${what} ${JSON.stringify(input)} is not an IOS interface name`, {
      code: 'E_BAD_INTERFACE',
      suggestions: ['Use a name such as GigabitEthernet1/0/5 (or Gi1/0/5), Port-channel1, Vlan20.'],
    });
  }
  return name;
}

/** `GigabitEthernet1/0/5` → `Gi1/0/5`, as IOS prints it in MAC tables. */
export function interfaceShort(name: InterfaceName): string {
  const m = NAME.exec(name)!;
  const short = TYPES.find(([long]) => long === m[1])?.[1] ?? m[1]!;
  return `${short}${m[2]}`;
}

/** True when two spellings name the same interface (`Gi1/0/5` and `GigabitEthernet1/0/5`). */
export function sameInterface(a: string, b: string): boolean {
  const x = tryParseInterface(a);
  return x !== undefined && x === tryParseInterface(b);
}
