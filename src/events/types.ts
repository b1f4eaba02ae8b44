/**
 * Security events as the parsers hand them to the ingest policy: what happened, to which MAC / IP,
 * where (interface, VLAN, reporting host) and when. Values are canonical (src/values); `summary` is
 * one printable line built from the parsed fields, never the raw message text.
 */
import type { InterfaceName } from '../values/interface.js';
import type { IpAddress } from '../values/ip.js';
import type { Mac } from '../values/mac.js';

export type SecurityEventKind =
  'dai' | 'dhcp-snooping' | 'port-security' | 'duplicate-address' | 'mac-flap' | 'ids-alert';

export interface SecurityEvent {
  readonly source: 'syslog' | 'eve';
  readonly kind: SecurityEventKind;
  /** `SW_DAI-4-DHCP_SNOOPING_DENY` as printed; `eve:alert` for Suricata. */
  readonly mnemonic: string;
  /** The suspect's MAC (DAI sender, snooping `MAC sa`, port-security / flapping / sourced-by MAC). */
  readonly mac?: Mac;
  /** The suspect's IP (DAI sender IP, the duplicated address, the internal side of an IDS alert). */
  readonly ip?: IpAddress;
  /** The ingress / violating port, long name. */
  readonly interface?: InterfaceName;
  /** Every port the message names (MAC flap: both; MAC move: from, to). */
  readonly ports?: readonly InterfaceName[];
  readonly vlan?: number;
  /** The reporting device's hostname (syslog), or the sensor (EVE `host`). */
  readonly host?: string;
  /** The timestamp as printed (without a leading `*` or `.`). */
  readonly time?: string;
  /** `*`: the device clock was not synchronised; `.`: it was, but lost sync. */
  readonly timeFlag?: '*' | '.';
  /** ISO-8601 UTC when `time` is a calendar time (uptime stamps have none). */
  readonly at?: string;
  /** Syslog severity 0-7, or the Suricata alert severity (1 highest). */
  readonly severity?: number;
  /** IDS alerts: the rule's signature, id and category, and the other side of the flow. */
  readonly signature?: string;
  readonly signatureId?: number;
  readonly category?: string;
  readonly peerIp?: IpAddress;
  /** One line for the quarantine reason. */
  readonly summary: string;
  /** 1-based line number in the input. */
  readonly line: number;
}

/** Control characters and anything outside printable ASCII become spaces; runs of spaces collapse. */
export function oneLine(text: string): string {
  return text
    .replace(/[^\x20-\x7e]/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** Hostnames as syslog relays and devices print them (names or addresses), nothing else. */
export function isHostToken(token: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(token) && !/^\d+$/.test(token);
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** Offsets (minutes) of zone names IOS `clock timezone` commonly uses; unknown zones count as UTC. */
const ZONES: Readonly<Record<string, number>> = {
  UTC: 0,
  GMT: 0,
  Z: 0,
  WET: 0,
  BST: 60,
  CET: 60,
  MET: 60,
  CEST: 120,
  MEST: 120,
  EET: 120,
  EEST: 180,
  MSK: 180,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
  AKST: -540,
  AKDT: -480,
  HST: -600,
  JST: 540,
  KST: 540,
  AEST: 600,
  AEDT: 660,
};

export interface CalendarTime {
  month: string;
  day: number;
  year?: number;
  hh: number;
  mm: number;
  ss: number;
  frac?: string;
  zone?: string;
}

/**
 * A calendar time to ISO UTC. Without a year, the year of `now` (the previous one when that would
 * put the time more than a day in the future: a December log read in January).
 */
export function calendarToIso(t: CalendarTime, now: Date): string | undefined {
  const month = MONTHS.indexOf(t.month.slice(0, 3).toLowerCase());
  if (month < 0 || t.day < 1 || t.day > 31 || t.hh > 23 || t.mm > 59 || t.ss > 60) return undefined;
  const ms = t.frac ? Math.round(Number(`0.${t.frac}`) * 1000) : 0;
  const offset = t.zone ? (ZONES[t.zone.toUpperCase()] ?? 0) : 0;
  const at = (year: number) => Date.UTC(year, month, t.day, t.hh, t.mm, t.ss, ms) - offset * 60_000;
  let value = at(t.year ?? now.getUTCFullYear());
  if (t.year === undefined && value > now.getTime() + 86_400_000) value = at(now.getUTCFullYear() - 1);
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
