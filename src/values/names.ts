/**
 * Names and free text that reach device templates. Each grammar is strict: nothing accepted can
 * contain a newline, carriage return, `?`, `;` or any control character (DESIGN.md invariant 5).
 */
import { ValidationError } from '../errors.js';

export type ConfigName = string & { readonly __brand: 'ConfigName' };
export type FreeText = string & { readonly __brand: 'FreeText' };
export type DeviceName = string & { readonly __brand: 'DeviceName' };

/** ACL, route-map, DHCP pool names: a letter, then letters, digits, `_`, `-`, `.`; at most 64. */
const CONFIG_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
/** Inventory names (devices, sites, users, credentials). */
const DEVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
/** Printable ASCII without `?` (IOS help) and `;`. */
const TEXT_CHAR = /^[\x20-\x3a\x3c-\x3e\x40-\x7e]*$/;

export function isConfigName(input: string): boolean {
  return CONFIG_NAME.test(input);
}

export function parseConfigName(input: string, what = 'name'): ConfigName {
  if (!CONFIG_NAME.test(input)) {
    throw new ValidationError(
      `${what} ${JSON.stringify(input)} is not a valid IOS name: start with a letter, then use only letters, digits, _ - . (at most 64)`,
      { code: 'E_BAD_NAME' },
    );
  }
  return input as ConfigName;
}

export function isDeviceName(input: string): boolean {
  return DEVICE_NAME.test(input);
}

export function parseDeviceName(input: string, what = 'name'): DeviceName {
  if (!DEVICE_NAME.test(input)) {
    throw new ValidationError(
      `${what} ${JSON.stringify(input)} is not a valid name: letters, digits, _ - . only (at most 63)`,
      { code: 'E_BAD_NAME' },
    );
  }
  return input as DeviceName;
}

/**
 * Free text for reasons, remarks and messages: one line of printable ASCII, trimmed, no `?` or `;`,
 * at most `max` characters (IOS remarks take 100).
 */
export function parseFreeText(input: string, what = 'text', max = 100): FreeText {
  const text = input.trim().replace(/ {2,}/g, ' ');
  const bad = [...text].find((c) => !TEXT_CHAR.test(c));
  if (bad !== undefined) {
    const shown = JSON.stringify(bad);
    throw new ValidationError(`${what} contains ${shown}, which cannot be sent to a device`, {
      code: 'E_BAD_TEXT',
      suggestions: ['Use one line of plain ASCII without ? or ;.'],
    });
  }
  if (text.length > max) {
    throw new ValidationError(`${what} is ${text.length} characters long; at most ${max} fit on the device`, {
      code: 'E_BAD_TEXT',
    });
  }
  return text as FreeText;
}

export function isFreeText(input: string, max = 100): boolean {
  try {
    parseFreeText(input, 'text', max);
    return true;
  } catch {
    return false;
  }
}

export function parseVlanId(input: number | string, what = 'VLAN'): number {
  const n = typeof input === 'number' ? input : /^\d{1,4}$/.test(input) ? Number(input) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 4094) {
    throw new ValidationError(`${what} ${JSON.stringify(input)} is not a VLAN id (1-4094)`, {
      code: 'E_BAD_VLAN',
    });
  }
  return n;
}

/** A numbered IP access list (standard 1-99 and 1300-1999, extended 100-199 and 2000-2699). */
export function isNumberedIpAcl(n: number): boolean {
  return Number.isInteger(n) && ((n >= 1 && n <= 199) || (n >= 1300 && n <= 2699));
}

/** An IP ACL as bound on an interface: a number (`ip access-group 102 in`) or a name. */
export function parseIpAclRef(input: string, what = 'IP ACL'): ConfigName | number {
  if (/^\d+$/.test(input)) {
    const n = Number(input);
    if (isNumberedIpAcl(n)) return n;
    throw new ValidationError(`${what} ${input} is not a numbered IP access list (1-199, 1300-2699)`, {
      code: 'E_BAD_NAME',
    });
  }
  return parseConfigName(input, what);
}
