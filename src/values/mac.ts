/**
 * MAC addresses: any common notation in, one canonical form inside
 * (`aa:bb:cc:dd:ee:ff`, lower case), IOS forms out.
 */
import { ValidationError } from '../errors.js';

export type Mac = string & { readonly __brand: 'Mac' };

const SEPARATED =
  /^([0-9a-f]{2})([:-])([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})$/i;
const DOTTED = /^([0-9a-f]{4})\.([0-9a-f]{4})\.([0-9a-f]{4})$/i;
const BARE = /^[0-9a-f]{12}$/i;

/** Returns the canonical MAC, or undefined when `input` is not a MAC in a known notation. */
export function tryParseMac(input: string): Mac | undefined {
  let hex: string | undefined;
  const sep = SEPARATED.exec(input);
  if (sep) hex = [sep[1], sep[3], sep[4], sep[5], sep[6], sep[7]].join('');
  const dot = DOTTED.exec(input);
  if (dot) hex = `${dot[1]}${dot[2]}${dot[3]}`;
  if (BARE.test(input)) hex = input;
  if (hex === undefined) return undefined;
  return hex.toLowerCase().match(/../g)!.join(':') as Mac;
}

export function isMac(input: string): boolean {
  return tryParseMac(input) !== undefined;
}

/** Parses a MAC in any notation (`aa:bb:..`, `aa-bb-..`, `aabb.ccdd.eeff`, `aabbccddeeff`). */
export function parseMac(input: string, what = 'MAC address'): Mac {
  const mac = tryParseMac(input.trim());
  if (mac === undefined) {
    throw new ValidationError(`${what} ${JSON.stringify(input)} is not a MAC address`, {
      code: 'E_BAD_MAC',
      suggestions: ['Write it as aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff, aabb.ccdd.eeff or aabbccddeeff.'],
    });
  }
  return mac;
}

function hex12(mac: Mac): string {
  return mac.replaceAll(':', '');
}

/** IOS dotted form: `aabb.ccdd.eeff`. */
export function macToIos(mac: Mac): string {
  const h = hex12(mac);
  return `${h.slice(0, 4)}.${h.slice(4, 8)}.${h.slice(8, 12)}`;
}

/** IOS DHCP client identifier for an Ethernet MAC: `01` + MAC, grouped by four: `01aa.bbcc.ddee.ff`. */
export function macToClientId(mac: Mac): string {
  const h = `01${hex12(mac)}`;
  return h.match(/.{1,4}/g)!.join('.');
}

/** Reads an IOS client identifier (`01aa.bbcc.ddee.ff`) back to the MAC, if it is an Ethernet one. */
export function clientIdToMac(clientId: string): Mac | undefined {
  const h = clientId.replaceAll('.', '').toLowerCase();
  if (!/^01[0-9a-f]{12}$/.test(h)) return undefined;
  return tryParseMac(h.slice(2));
}
