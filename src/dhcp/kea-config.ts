/**
 * Pure edits of a Kea DHCPv4 configuration (the `arguments` of `config-get`: `{ "Dhcp4": {...} }`).
 *
 * Every function takes a configuration and returns a new one (the input is never modified) or a
 * conflict explaining why the edit is refused. No I/O here: {@link KeaBackend} reads, tests, sets
 * and writes; these functions decide.
 */
import {
  parseCidr,
  cidrContains,
  cidrLast,
  ipToBigInt,
  tryParseIp,
  rangesOverlap,
  type Cidr,
  type IpAddress,
  type IpRange,
} from '../values/ip.js';
import { tryParseMac, type Mac } from '../values/mac.js';
import type { DhcpScope, Reservation } from './backend.js';

export type JsonObject = Record<string, unknown>;

/** The impossible client class that guards the High-Alert pool (see kea-notes). */
export const HIGH_ALERT_CLASS = 'HIGH_ALERT_NEVER_DYNAMIC';
export const HIGH_ALERT_CLASS_TEST = "'never' == 'dynamic'";

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function objects(v: unknown): JsonObject[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

export type Conflict = {
  readonly ok: false;
  readonly code: string;
  readonly message: string;
  readonly suggestions: string[];
};

function conflict(code: string, message: string, suggestions: string[] = []): Conflict {
  return { ok: false, code, message, suggestions };
}

/** Where a subnet lives in the configuration. */
export interface SubnetLocation {
  /** `subnet4[i]` or `shared-networks[j].subnet4[i]`, for messages. */
  readonly path: string;
  readonly subnet: JsonObject;
  readonly id: number | undefined;
  readonly text: string;
}

/** Returns `Dhcp4` of a config-get answer, or undefined if the shape is wrong. */
export function dhcp4Of(config: unknown): JsonObject | undefined {
  return isObject(config) && isObject(config.Dhcp4) ? config.Dhcp4 : undefined;
}

function canonicalCidr(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    return parseCidr(text).text;
  } catch {
    return undefined;
  }
}

function allSubnets(dhcp4: JsonObject): SubnetLocation[] {
  const out: SubnetLocation[] = [];
  const add = (subnet: JsonObject, path: string): void => {
    out.push({
      path,
      subnet,
      id: typeof subnet.id === 'number' ? subnet.id : undefined,
      text: typeof subnet.subnet === 'string' ? subnet.subnet : '',
    });
  };
  objects(dhcp4.subnet4).forEach((s, i) => add(s, `subnet4[${i}]`));
  objects(dhcp4['shared-networks']).forEach((n, j) =>
    objects(n.subnet4).forEach((s, i) => add(s, `shared-networks[${j}].subnet4[${i}]`)),
  );
  return out;
}

/**
 * Finds the scope's subnet: by `id` when the scope has one (and then its prefix must agree), else
 * (or when no subnet has that id) by its prefix.
 */
export function locateSubnet(config: unknown, scope: DhcpScope): SubnetLocation | Conflict {
  const dhcp4 = dhcp4Of(config);
  if (!dhcp4) return conflict('E_KEA_CONFIG_SHAPE', 'the configuration has no "Dhcp4" object');
  const wanted = canonicalCidr(scope.subnet);
  const subnets = allSubnets(dhcp4);
  if (scope.subnetId !== undefined) {
    const byId = subnets.find((s) => s.id === scope.subnetId);
    if (byId) {
      if (wanted !== undefined && canonicalCidr(byId.text) !== wanted) {
        return conflict(
          'E_KEA_SUBNET_MISMATCH',
          `subnet id ${scope.subnetId} is ${byId.text} on the server, but the inventory says ${scope.subnet}`,
          ['Fix the subnet id or the prefix in the inventory so that both name the same Kea subnet.'],
        );
      }
      return byId;
    }
  }
  const byText = wanted === undefined ? undefined : subnets.find((s) => canonicalCidr(s.text) === wanted);
  if (byText) return byText;
  const known = subnets.map((s) => `${s.id ?? '?'} (${s.text})`).join(', ') || 'none';
  return conflict(
    'E_KEA_SUBNET_NOT_FOUND',
    `no subnet ${scope.subnetId === undefined ? '' : `with id ${scope.subnetId} or `}${scope.subnet} in the configuration (subnets: ${known})`,
    ['Add the subnet to Kea first, or fix the scope (subnet id / prefix) in the inventory.'],
  );
}

export function isConflict(v: unknown): v is Conflict {
  return isObject(v) && v.ok === false && typeof v.message === 'string';
}

/**
 * The label a reservation read back from Kea gets when its entry carries highalert's marker but
 * no label text (see {@link reservationEntry}).
 */
export const HIGHALERT_DEFAULT_LABEL = 'highalert';

/**
 * The JSON entry highalert writes for a reservation. Every entry carries highalert's marker,
 * `"user-context": { "highalert": { ... } }` (with the label when there is one), so that the
 * audit can tell the reservations highalert made from others in the High-Alert range.
 */
export function reservationEntry(r: Reservation): JsonObject {
  return {
    'hw-address': r.mac,
    'ip-address': r.ip,
    'user-context': { highalert: r.label === undefined ? {} : { label: r.label } },
  };
}

function entryMac(e: JsonObject): Mac | undefined {
  return typeof e['hw-address'] === 'string' ? tryParseMac(e['hw-address']) : undefined;
}

function entryIp(e: JsonObject): IpAddress | undefined {
  return typeof e['ip-address'] === 'string' ? tryParseIp(e['ip-address']) : undefined;
}

/**
 * The label of an entry highalert wrote: `user-context.highalert.label`, or
 * {@link HIGHALERT_DEFAULT_LABEL} for a marked entry without one; undefined for entries without
 * the marker (`user-context.highalert` an object, or `true`).
 */
function entryLabel(e: JsonObject): string | undefined {
  const ctx = e['user-context'];
  if (!isObject(ctx)) return undefined;
  const mark = ctx.highalert;
  if (isObject(mark)) return typeof mark.label === 'string' ? mark.label : HIGHALERT_DEFAULT_LABEL;
  return mark === true ? HIGHALERT_DEFAULT_LABEL : undefined;
}

/**
 * True when a reservation read from Kea ({@link reservationsFromEntries}, so
 * `KeaBackend.listReservations`) carries highalert's marker: only those have a label, since
 * Kea's label is read from highalert's own `user-context` only.
 */
export function isHighalertReservation(r: Reservation): boolean {
  return r.label !== undefined;
}

function describeEntry(e: JsonObject): string {
  const id =
    typeof e['hw-address'] === 'string'
      ? `hw-address ${e['hw-address']}`
      : (['client-id', 'duid', 'circuit-id', 'flex-id']
          .map((k) => (typeof e[k] === 'string' ? `${k} ${e[k]}` : ''))
          .find((x) => x) ?? 'an unknown identifier');
  return id;
}

/** Reservations (hw-address + ip-address) found in a list of Kea host entries. */
export function reservationsFromEntries(entries: unknown, scope: DhcpScope): Reservation[] {
  const out: Reservation[] = [];
  for (const e of objects(entries)) {
    const mac = entryMac(e);
    const ip = entryIp(e);
    if (mac === undefined || ip === undefined) continue;
    const label = entryLabel(e);
    out.push({ mac, ip, scope, ...(label === undefined ? {} : { label }) });
  }
  return out;
}

/** Every reserved address in a list of Kea host entries, whatever identifies the host. */
export function reservedIpsFromEntries(entries: unknown): IpAddress[] {
  return objects(entries).flatMap((e) => {
    const ip = entryIp(e);
    return ip === undefined ? [] : [ip];
  });
}

/** Every MAC → IPv4 reservation of the scope's subnet. */
export function listReservationsInConfig(config: unknown, scope: DhcpScope): Reservation[] | Conflict {
  const loc = locateSubnet(config, scope);
  if (isConflict(loc)) return loc;
  return reservationsFromEntries(loc.subnet.reservations, scope);
}

export type CheckResult = { readonly ok: true; readonly present: boolean } | Conflict;

/**
 * Decides what adding `r` to the existing host entries means: already there (present), free to
 * add, or a conflict (IP reserved for someone else, or the MAC already has another address).
 */
export function checkAdd(entries: unknown, r: Reservation, subnetText: string): CheckResult {
  let cidr: Cidr | undefined;
  try {
    cidr = parseCidr(subnetText);
  } catch {
    cidr = undefined;
  }
  if (cidr && !cidrContains(cidr, r.ip)) {
    return conflict('E_KEA_IP_OUTSIDE_SUBNET', `${r.ip} is not inside subnet ${subnetText}`, [
      'Reserve an address of the High-Alert range inside the site subnet.',
    ]);
  }
  if (cidr && cidr.version === 4 && cidr.prefix <= 30 && (r.ip === cidr.network || r.ip === cidrLast(cidr))) {
    return conflict(
      'E_KEA_IP_NOT_HOST',
      `${r.ip} is the ${r.ip === cidr.network ? 'network' : 'broadcast'} address of subnet ${subnetText}`,
      ['Reserve a host address of the High-Alert range.'],
    );
  }
  let present = false;
  for (const e of objects(entries)) {
    const mac = entryMac(e);
    const ip = entryIp(e);
    if (ip === r.ip && mac !== r.mac) {
      return conflict(
        'E_KEA_IP_RESERVED',
        `${r.ip} is already reserved in subnet ${subnetText} for ${describeEntry(e)}`,
        ['Pick another free High-Alert address, or remove the other reservation first.'],
      );
    }
    if (mac === r.mac && ip !== r.ip) {
      return conflict(
        'E_KEA_MAC_RESERVED',
        `${r.mac} already has a reservation in subnet ${subnetText} for ${ip ?? 'no IPv4 address'}, not ${r.ip}`,
        ['Remove the existing reservation of this MAC first (a device has one reservation per subnet).'],
      );
    }
    if (mac === r.mac && ip === r.ip) present = true;
  }
  return { ok: true, present };
}

/** Decides what removing `r` means: present (remove it), absent (no-op) or a conflict. */
export function checkRemove(entries: unknown, r: Reservation, subnetText: string): CheckResult {
  for (const e of objects(entries)) {
    const mac = entryMac(e);
    if (mac !== r.mac) continue;
    const ip = entryIp(e);
    if (ip === r.ip) return { ok: true, present: true };
    return conflict(
      'E_KEA_MAC_RESERVED',
      `${r.mac} is reserved ${ip ?? 'without an IPv4 address'} in subnet ${subnetText}, not ${r.ip}; nothing removed`,
      ['Check the reservation with the state store; remove it by its actual address if that is intended.'],
    );
  }
  return { ok: true, present: false };
}

export interface EditResult {
  readonly ok: true;
  readonly changed: boolean;
  /** The new configuration (a copy); equal to the input when nothing changed. */
  readonly config: JsonObject;
  readonly subnetId: number | undefined;
  readonly subnetText: string;
}

function cloneWithSubnet(
  config: unknown,
  scope: DhcpScope,
): { config: JsonObject; loc: SubnetLocation } | Conflict {
  const copy = structuredClone(config) as JsonObject;
  const loc = locateSubnet(copy, scope);
  if (isConflict(loc)) return loc;
  return { config: copy, loc };
}

/** Adds `r` to its subnet's `reservations`. Idempotent; refuses conflicts. */
export function addReservationToConfig(config: unknown, r: Reservation): EditResult | Conflict {
  const c = cloneWithSubnet(config, r.scope);
  if (isConflict(c)) return c;
  const { loc } = c;
  const check = checkAdd(loc.subnet.reservations, r, loc.text);
  if (!check.ok) return check;
  if (!check.present) {
    const list = Array.isArray(loc.subnet.reservations) ? (loc.subnet.reservations as unknown[]) : [];
    loc.subnet.reservations = [...list, reservationEntry(r)];
  }
  return { ok: true, changed: !check.present, config: c.config, subnetId: loc.id, subnetText: loc.text };
}

/** Removes `r` from its subnet's `reservations`. Absent: no change. */
export function removeReservationFromConfig(config: unknown, r: Reservation): EditResult | Conflict {
  const c = cloneWithSubnet(config, r.scope);
  if (isConflict(c)) return c;
  const { loc } = c;
  const check = checkRemove(loc.subnet.reservations, r, loc.text);
  if (!check.ok) return check;
  if (check.present) {
    loc.subnet.reservations = objects(loc.subnet.reservations).filter(
      (e) => !(entryMac(e) === r.mac && entryIp(e) === r.ip),
    );
  }
  return { ok: true, changed: check.present, config: c.config, subnetId: loc.id, subnetText: loc.text };
}

/** True when the subnet of `scope` holds exactly this reservation. */
export function hasReservation(config: unknown, r: Reservation): boolean {
  const loc = locateSubnet(config, r.scope);
  if (isConflict(loc)) return false;
  return objects(loc.subnet.reservations).some((e) => entryMac(e) === r.mac && entryIp(e) === r.ip);
}

/** Parses a Kea pool (`a - b`, `a-b` or `prefix/len`) into a range. */
export function parsePool(text: string): IpRange | undefined {
  const dash = /^\s*([0-9.]+)\s*-\s*([0-9.]+)\s*$/.exec(text);
  if (dash) {
    const first = tryParseIp(dash[1]!);
    const last = tryParseIp(dash[2]!);
    if (first === undefined || last === undefined || ipToBigInt(first) > ipToBigInt(last)) return undefined;
    return { first, last, version: 4 };
  }
  try {
    const c = parseCidr(text.trim());
    if (c.version !== 4) return undefined;
    const size = 1n << BigInt(32 - c.prefix);
    const firstN = ipToBigInt(c.network);
    const last = tryParseIp(
      [24n, 16n, 8n, 0n].map((s) => String(((firstN + size - 1n) >> s) & 0xffn)).join('.'),
    );
    return last === undefined ? undefined : { first: c.network, last, version: 4 };
  } catch {
    return undefined;
  }
}

export function poolText(range: IpRange): string {
  return `${range.first} - ${range.last}`;
}

function sameRange(a: IpRange, b: IpRange): boolean {
  return a.first === b.first && a.last === b.last;
}

/** How a pool names the classes that may use it: Kea ≥ 2.7.5 also reads a `client-classes` list. */
export type ClassSpelling = 'client-class' | 'client-classes';

function usesClassList(o: JsonObject): boolean {
  return Array.isArray(o['client-classes']);
}

/**
 * The spelling the server's configuration already uses: `client-classes` if any subnet, shared
 * network or pool has a `client-classes` list (Kea ≥ 2.7.5, where `client-class` is deprecated),
 * else `client-class` (older Kea does not know the list). The global `Dhcp4.client-classes` (the
 * class definitions) does not count.
 */
export function classSpelling(config: unknown): ClassSpelling {
  const dhcp4 = dhcp4Of(config);
  if (!dhcp4) return 'client-class';
  const list =
    objects(dhcp4['shared-networks']).some(usesClassList) ||
    allSubnets(dhcp4).some((s) => usesClassList(s.subnet) || objects(s.subnet.pools).some(usesClassList));
  return list ? 'client-classes' : 'client-class';
}

/**
 * The classes a pool is restricted to, in either spelling (`client-class` and the
 * `client-classes` list of Kea ≥ 2.7.5), without duplicates. A value that is not a class name is
 * returned as its JSON text, so that it counts as a foreign class.
 */
export function poolClasses(pool: JsonObject): string[] {
  const out = new Set<string>();
  const one = (v: unknown): void => {
    if (v === undefined || v === null || v === '') return;
    out.add(typeof v === 'string' ? v : JSON.stringify(v));
  };
  one(pool['client-class']);
  const list = pool['client-classes'];
  if (Array.isArray(list)) list.forEach(one);
  else one(list);
  return [...out];
}

/** Restricts an unrestricted pool to {@link HIGH_ALERT_CLASS}, in one spelling only. */
function guardPool(pool: JsonObject, spelling: ClassSpelling): void {
  if (spelling === 'client-classes') {
    delete pool['client-class'];
    pool['client-classes'] = [HIGH_ALERT_CLASS];
  } else {
    delete pool['client-classes'];
    pool['client-class'] = HIGH_ALERT_CLASS;
  }
}

/** The guarded pool's entry as {@link ensureGuardedPoolInConfig} writes it into `config`. */
export function guardedPoolEntry(config: unknown, range: IpRange): JsonObject {
  const pool: JsonObject = { pool: poolText(range) };
  guardPool(pool, classSpelling(config));
  return pool;
}

/**
 * Makes sure the High-Alert range is a guarded pool of the scope's subnet (kea-notes): a pool
 * only the impossible class {@link HIGH_ALERT_CLASS} may use, the class defined, and the subnet
 * authoritative (so a released client is NAKed at once). Idempotent: `changed` is false when all
 * of it is already there. The pool's class is read in both spellings (`client-class`, and the
 * `client-classes` list of Kea ≥ 2.7.5) and written in the one the configuration already uses
 * ({@link classSpelling}); a pool of that range restricted to any other class is refused.
 */
export function ensureGuardedPoolInConfig(
  config: unknown,
  scope: DhcpScope,
  range: IpRange,
): EditResult | Conflict {
  const c = cloneWithSubnet(config, scope);
  if (isConflict(c)) return c;
  const { loc } = c;
  const dhcp4 = dhcp4Of(c.config)!;
  const cidr = parseCidr(loc.text);
  if (range.version !== 4 || !cidrContains(cidr, range.first) || !cidrContains(cidr, range.last)) {
    return conflict(
      'E_KEA_RANGE_OUTSIDE_SUBNET',
      `the High-Alert range ${poolText(range)} is not inside subnet ${loc.text}`,
    );
  }
  if (ipToBigInt(range.first) > ipToBigInt(range.last)) {
    return conflict('E_KEA_BAD_RANGE', `the High-Alert range ${poolText(range)} is empty (first > last)`);
  }
  let changed = false;

  // 1. The class, defined once, globally.
  const classes = objects(dhcp4['client-classes']);
  const existing = classes.find((k) => k.name === HIGH_ALERT_CLASS);
  if (existing) {
    if (existing.test !== HIGH_ALERT_CLASS_TEST) {
      return conflict(
        'E_KEA_CLASS_CHANGED',
        `client class ${HIGH_ALERT_CLASS} exists with test ${JSON.stringify(existing.test)}, not ${JSON.stringify(HIGH_ALERT_CLASS_TEST)}; a client matching it could get High-Alert addresses dynamically`,
        [`Restore the class's test to ${HIGH_ALERT_CLASS_TEST} (it must never match).`],
      );
    }
  } else {
    const list = Array.isArray(dhcp4['client-classes']) ? (dhcp4['client-classes'] as unknown[]) : [];
    dhcp4['client-classes'] = [...list, { name: HIGH_ALERT_CLASS, test: HIGH_ALERT_CLASS_TEST }];
    changed = true;
  }

  // 2. The pool, guarded; no other pool may overlap it.
  const spelling = classSpelling(c.config);
  const pools = objects(loc.subnet.pools);
  let found = false;
  for (const p of pools) {
    const r = typeof p.pool === 'string' ? parsePool(p.pool) : undefined;
    if (!r) continue;
    if (sameRange(r, range)) {
      found = true;
      const classes = poolClasses(p);
      const foreign = classes.filter((k) => k !== HIGH_ALERT_CLASS);
      if (foreign.length) {
        return conflict(
          'E_KEA_POOL_CLASS',
          `pool ${p.pool} in subnet ${loc.text} is restricted to class${classes.length === 1 ? '' : 'es'} ${classes.map((k) => JSON.stringify(k)).join(', ')}, not only ${HIGH_ALERT_CLASS}`,
          ['Change or remove that pool by hand; highalert does not take over a pool another class uses.'],
        );
      }
      if (classes.length === 0) {
        guardPool(p, spelling);
        changed = true;
      }
    } else if (rangesOverlap(r, range)) {
      return conflict(
        'E_KEA_POOL_OVERLAP',
        `pool ${p.pool} in subnet ${loc.text} overlaps the High-Alert range ${poolText(range)}; its addresses would be handed out dynamically`,
        ['Shrink the normal pool so that it ends before the High-Alert range.'],
      );
    }
  }
  if (!found) {
    const pool: JsonObject = { pool: poolText(range) };
    guardPool(pool, spelling);
    loc.subnet.pools = [...(Array.isArray(loc.subnet.pools) ? (loc.subnet.pools as unknown[]) : []), pool];
    changed = true;
  }

  // 3. Authoritative, so that a released client is NAKed at once.
  if (
    loc.subnet.authoritative !== true &&
    !(loc.subnet.authoritative === undefined && dhcp4.authoritative === true)
  ) {
    loc.subnet.authoritative = true;
    changed = true;
  }
  return { ok: true, changed, config: c.config, subnetId: loc.id, subnetText: loc.text };
}

/** `subnet 10 (10.77.0.0/24)`, or `subnet 10.77.0.0/24` without an id. */
export function subnetLabel(id: number | undefined, text: string): string {
  return id === undefined ? `subnet ${text}` : `subnet ${id} (${text})`;
}

/** One readable line per change, the JSON entry in Kea's own spelling. */
export function previewLine(
  action: 'add' | 'remove',
  r: Reservation,
  subnetId?: number,
  subnetText?: string,
): string {
  const entry = JSON.stringify(reservationEntry(r), null, 1).replace(/\n\s*/g, ' ');
  return `${action === 'add' ? '+' : '-'} ${subnetLabel(subnetId ?? r.scope.subnetId, subnetText ?? r.scope.subnet)} reservation ${entry}`;
}
