/**
 * What to do about the suspects a batch of events names — pure: events + inventory predicates +
 * what the state says → one decision per suspect, with its events as evidence.
 *
 * Suspect: the event's MAC, else its IP (an IP-only event joins the MAC suspect whose events carry
 * that IP, when exactly one does). In order: a protected MAC / IP (or an event pinning a protected
 * IP to the MAC) → `protected`; an active quarantine → `already-quarantined`; fewer than
 * `threshold` events within `windowS` → `below-threshold`; beyond the automatic-quarantine budget
 * (`policy.auto_rate_limit`, minus what ingest started recently) → `rate-limited`; else `quarantine`.
 * The budget goes to suspects in the order their first event appears in the input.
 */
import type { IpAddress } from '../values/ip.js';
import type { Mac } from '../values/mac.js';
import { parseFreeText } from '../values/names.js';
import type { SecurityEvent } from './types.js';

export const DECISIONS = [
  'quarantine',
  'below-threshold',
  'protected',
  'already-quarantined',
  'rate-limited',
] as const;
export type DecisionKind = (typeof DECISIONS)[number];

export interface Decision {
  /** What `quarantine` is given: the canonical MAC, else the IP. */
  readonly target: string;
  readonly mac: Mac | null;
  /** Every IP the events attribute to the suspect. */
  readonly ips: readonly IpAddress[];
  readonly decision: DecisionKind;
  /** Why, in one sentence. */
  readonly why: string;
  /** The reason a quarantine records: ≤ 80 characters, free-text grammar (no `?`, `;`, controls). */
  readonly reason: string;
  /** Events within the densest window (timeless events count in every window). */
  readonly count: number;
  readonly events: readonly SecurityEvent[];
  /** The active quarantine's id, for `already-quarantined`. */
  readonly quarantineId?: number;
}

export interface PolicyInput {
  readonly events: readonly SecurityEvent[];
  /** Events per suspect needed before acting (≥ 1). */
  readonly threshold: number;
  readonly windowS: number;
  isProtectedMac(mac: Mac): boolean;
  isProtectedIp(ip: IpAddress): boolean;
  /** The active quarantine of this MAC, or holding / having held this IP. */
  activeQuarantine(suspect: { mac: Mac | null; ips: readonly IpAddress[] }): { id: number } | undefined;
  readonly rateLimit: {
    readonly max: number;
    readonly perMinutes: number;
    /** Quarantines ingest started within the last `perMinutes`. */
    readonly used: number;
  };
}

export const REASON_MAX = 80;

/**
 * Text from a log line made fit for a quarantine reason: printable ASCII only (`?`, `;` and control
 * characters become spaces), spaces collapsed, cut to `max` (with `...`). Always passes
 * parseFreeText(…, max).
 */
export function toReason(text: string, max = REASON_MAX): string {
  let out = text
    .replace(/[^\x20-\x7e]|[?;]/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
  if (out.length > max) out = `${out.slice(0, max - 3).trimEnd()}...`;
  try {
    return parseFreeText(out || 'security event', 'reason', max);
  } catch {
    return 'security event';
  }
}

/** Largest number of events inside any window of `windowS` seconds, plus the timeless ones. */
export function densestWindow(events: readonly SecurityEvent[], windowS: number): number {
  const times = events
    .map((e) => (e.at === undefined ? NaN : Date.parse(e.at)))
    .filter((t) => !Number.isNaN(t))
    .sort((a, b) => a - b);
  const timeless = events.length - times.length;
  let best = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j]! - times[i]! > windowS * 1000) i++;
    best = Math.max(best, j - i + 1);
  }
  return best + timeless;
}

interface Group {
  mac: Mac | null;
  ips: IpAddress[];
  events: SecurityEvent[];
}

/** Groups events by suspect: MAC, else IP; IP-only events join the one MAC group carrying their IP. */
export function groupBySuspect(events: readonly SecurityEvent[]): Group[] {
  const groups = new Map<string, Group>();
  const add = (key: string, mac: Mac | null, e: SecurityEvent) => {
    const g = groups.get(key) ?? { mac, ips: [], events: [] };
    g.events.push(e);
    if (e.ip !== undefined && !g.ips.includes(e.ip)) g.ips.push(e.ip);
    groups.set(key, g);
  };
  const sorted = [...events].sort((a, b) => a.line - b.line);
  for (const e of sorted) if (e.mac !== undefined) add(`mac:${e.mac}`, e.mac, e);
  for (const e of sorted) {
    if (e.mac !== undefined || e.ip === undefined) continue;
    const owners = [...groups.entries()].filter(([k, g]) => k.startsWith('mac:') && g.ips.includes(e.ip!));
    if (owners.length === 1) add(owners[0]![0], owners[0]![1].mac, e);
    else add(`ip:${e.ip}`, null, e);
  }
  return [...groups.values()]
    .map((g) => ({ ...g, events: g.events.sort((a, b) => a.line - b.line) }))
    .sort((a, b) => a.events[0]!.line - b.events[0]!.line);
}

function reasonFor(events: readonly SecurityEvent[]): string {
  const first = events[0]!;
  const more = events.length > 1 ? ` (+${events.length - 1} more)` : '';
  return toReason(`${toReason(first.summary, REASON_MAX - more.length)}${more}`);
}

export function decide(input: PolicyInput): Decision[] {
  const { max, perMinutes, used } = input.rateLimit;
  let budget = Math.max(0, max - used);
  let granted = 0;
  return groupBySuspect(input.events).map((g): Decision => {
    const target = g.mac ?? g.ips[0]!;
    const count = densestWindow(g.events, input.windowS);
    const base = { target, mac: g.mac, ips: g.ips, count, events: g.events, reason: reasonFor(g.events) };
    const protectedIp = g.ips.find((ip) => input.isProtectedIp(ip));
    if (g.mac !== null && input.isProtectedMac(g.mac))
      return { ...base, decision: 'protected', why: `${g.mac} is on the protected list: never quarantined` };
    if (protectedIp !== undefined)
      return {
        ...base,
        decision: 'protected',
        why:
          g.mac === null
            ? `${protectedIp} is infrastructure or on the protected list: never quarantined`
            : `the events tie ${g.mac} to ${protectedIp}, an infrastructure or protected address: not quarantined automatically (look at it; quarantine it by hand if it is spoofing)`,
      };
    const active = input.activeQuarantine({ mac: g.mac, ips: g.ips });
    if (active !== undefined)
      return {
        ...base,
        decision: 'already-quarantined',
        why: `already in the High-Alert group (quarantine ${active.id})`,
        quarantineId: active.id,
      };
    if (count < input.threshold)
      return {
        ...base,
        decision: 'below-threshold',
        why: `${count} event${count === 1 ? '' : 's'} within ${formatWindow(input.windowS)}; the threshold is ${input.threshold}`,
      };
    if (budget <= 0)
      return {
        ...base,
        decision: 'rate-limited',
        why: `automatic quarantine limit reached: at most ${max} per ${perMinutes} min (policy.auto_rate_limit); ${used} started by ingest before, ${granted} in this batch. Quarantine it by hand if it cannot wait`,
      };
    budget--;
    granted++;
    return {
      ...base,
      decision: 'quarantine',
      why: `${count} event${count === 1 ? '' : 's'} within ${formatWindow(input.windowS)} (threshold ${input.threshold})`,
    };
  });
}

export function formatWindow(seconds: number): string {
  for (const [unit, s] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
  ] as const)
    if (seconds % s === 0) return `${seconds / s}${unit}`;
  return `${seconds}s`;
}
