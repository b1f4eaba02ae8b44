/**
 * Extended IP and MAC access-list entries: parsing with IOS normalisation (`eq 67` → `eq bootps`,
 * `A 0.0.0.0` → `host A`), printing, and a small packet evaluator for the lab's world.
 */
import { isV4 } from './parser.js';

const PORT_NAMES: Record<number, string> = {
  7: 'echo',
  20: 'ftp-data',
  21: 'ftp',
  22: '22',
  23: 'telnet',
  25: 'smtp',
  49: 'tacacs',
  53: 'domain',
  67: 'bootps',
  68: 'bootpc',
  69: 'tftp',
  80: 'www',
  110: 'pop3',
  123: 'ntp',
  161: 'snmp',
  162: 'snmptrap',
  179: 'bgp',
  514: 'syslog',
};
const NAME_PORTS: Record<string, number> = Object.fromEntries(
  Object.entries(PORT_NAMES)
    .filter(([, n]) => !/^\d+$/.test(n))
    .map(([p, n]) => [n, Number(p)]),
);
NAME_PORTS.http = 80;
NAME_PORTS.ssh = 22;

const PROTOCOLS = ['ip', 'tcp', 'udp', 'icmp', 'gre', 'esp', 'ahp', 'igmp', 'ospf', 'pim', 'eigrp'];

export interface AddrSpec {
  /** 'any', or an address with wildcard bits ('host A' when the wildcard is 0.0.0.0). */
  readonly any: boolean;
  readonly ip: string;
  readonly wildcard: string;
}

export interface PortSpec {
  readonly op: 'eq' | 'neq' | 'lt' | 'gt' | 'range';
  readonly ports: number[];
}

export interface IpAce {
  readonly action: 'permit' | 'deny';
  readonly protocol: string;
  readonly src: AddrSpec;
  readonly srcPort?: PortSpec;
  readonly dst: AddrSpec;
  readonly dstPort?: PortSpec;
  /** Trailing options kept verbatim (`log`, `established`, …). */
  readonly extra: string[];
}

export type AceParse<T> =
  { ok: true; ace: T } | { ok: false; offset: number } | { ok: false; incomplete: true };

interface T {
  text: string;
  start: number;
}

function toks(s: string): T[] {
  const out: T[] = [];
  const re = /\S+/g;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) out.push({ text: m[0], start: m.index });
  return out;
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, o) => ((acc << 8) | Number(o)) >>> 0, 0);
}

class Cursor {
  i = 0;
  constructor(
    readonly t: T[],
    readonly end: number,
  ) {}
  peek(): T | undefined {
    return this.t[this.i];
  }
  take(): T | undefined {
    return this.t[this.i++];
  }
}

class Fail {
  constructor(readonly offset: number | undefined) {}
}

function need(c: Cursor): T {
  const t = c.take();
  if (!t) throw new Fail(undefined);
  return t;
}

function kwMatch(t: T, words: string[]): string | undefined {
  const x = t.text.toLowerCase();
  const exact = words.find((w) => w === x);
  if (exact) return exact;
  const m = words.filter((w) => w.startsWith(x));
  return m.length === 1 ? m[0] : undefined;
}

function addr(c: Cursor): AddrSpec {
  const t = need(c);
  const k = kwMatch(t, ['any', 'host']);
  if (k === 'any') return { any: true, ip: '0.0.0.0', wildcard: '255.255.255.255' };
  if (k === 'host') {
    const h = need(c);
    if (!isV4(h.text)) throw new Fail(h.start);
    return { any: false, ip: h.text, wildcard: '0.0.0.0' };
  }
  if (!isV4(t.text)) throw new Fail(t.start);
  const w = need(c);
  if (!isV4(w.text)) throw new Fail(w.start);
  const wild = ipToInt(w.text);
  const base = (ipToInt(t.text) & ~wild) >>> 0;
  const ip = [24, 16, 8, 0].map((s) => (base >>> s) & 255).join('.');
  return { any: false, ip, wildcard: w.text };
}

function portNum(t: T): number {
  if (/^\d{1,5}$/.test(t.text) && Number(t.text) <= 65535) return Number(t.text);
  const n = NAME_PORTS[t.text.toLowerCase()];
  if (n === undefined) throw new Fail(t.start);
  return n;
}

function port(c: Cursor, proto: string): PortSpec | undefined {
  if (proto !== 'tcp' && proto !== 'udp') return undefined;
  const t = c.peek();
  if (!t) return undefined;
  const op = kwMatch(t, ['eq', 'neq', 'lt', 'gt', 'range']) as PortSpec['op'] | undefined;
  if (!op) return undefined;
  c.take();
  const first = portNum(need(c));
  if (op === 'range') return { op, ports: [first, portNum(need(c))] };
  return { op, ports: [first] };
}

const EXTRA = [
  'log',
  'log-input',
  'established',
  'fragments',
  'precedence',
  'tos',
  'dscp',
  'time-range',
  'ttl',
];

/** Parses `{permit|deny} proto src [port] dst [port] [options]` (the text after any sequence number). */
export function parseIpAce(text: string): AceParse<IpAce> {
  const c = new Cursor(toks(text), text.length);
  try {
    const at = need(c);
    const action = kwMatch(at, ['permit', 'deny']) as IpAce['action'] | undefined;
    if (!action) throw new Fail(at.start);
    const pt = need(c);
    let protocol = kwMatch(pt, PROTOCOLS);
    if (!protocol) {
      if (/^\d{1,3}$/.test(pt.text) && Number(pt.text) <= 255) protocol = pt.text;
      else throw new Fail(pt.start);
    }
    const src = addr(c);
    const srcPort = port(c, protocol);
    const dst = addr(c);
    const dstPort = port(c, protocol);
    const extra: string[] = [];
    for (let t = c.take(); t; t = c.take()) {
      const k = kwMatch(t, EXTRA);
      if (!k) throw new Fail(t.start);
      extra.push(k);
      if (['precedence', 'tos', 'dscp', 'time-range', 'ttl'].includes(k)) extra.push(need(c).text);
    }
    return {
      ok: true,
      ace: {
        action,
        protocol,
        src,
        dst,
        extra,
        ...(srcPort ? { srcPort } : {}),
        ...(dstPort ? { dstPort } : {}),
      },
    };
  } catch (e) {
    if (e instanceof Fail)
      return e.offset === undefined ? { ok: false, incomplete: true } : { ok: false, offset: e.offset };
    throw e;
  }
}

function fmtAddr(s: AddrSpec): string {
  if (s.any) return 'any';
  if (s.wildcard === '0.0.0.0') return `host ${s.ip}`;
  return `${s.ip} ${s.wildcard}`;
}

function fmtPort(p: PortSpec | undefined): string {
  if (!p) return '';
  return ` ${p.op} ${p.ports.map((n) => PORT_NAMES[n] ?? String(n)).join(' ')}`;
}

/** Normalised entry text; `padDeny` gives the running-config form `deny   ip …`. */
export function formatIpAce(a: IpAce, padDeny = false): string {
  const act = a.action === 'deny' && padDeny ? 'deny  ' : a.action;
  const extra = a.extra.length ? ` ${a.extra.join(' ')}` : '';
  return `${act} ${a.protocol} ${fmtAddr(a.src)}${fmtPort(a.srcPort)} ${fmtAddr(a.dst)}${fmtPort(a.dstPort)}${extra}`;
}

export interface Packet {
  protocol: 'tcp' | 'udp' | 'icmp';
  src: string;
  dst: string;
  sport?: number;
  dport?: number;
}

function addrMatch(s: AddrSpec, ip: string): boolean {
  if (s.any) return true;
  const w = ipToInt(s.wildcard);
  return (ipToInt(ip) & ~w) >>> 0 === (ipToInt(s.ip) & ~w) >>> 0;
}

function portMatch(p: PortSpec | undefined, n: number | undefined): boolean {
  if (!p) return true;
  if (n === undefined) return false;
  switch (p.op) {
    case 'eq':
      return n === p.ports[0];
    case 'neq':
      return n !== p.ports[0];
    case 'lt':
      return n < p.ports[0]!;
    case 'gt':
      return n > p.ports[0]!;
    case 'range':
      return n >= p.ports[0]! && n <= p.ports[1]!;
  }
}

export function aceMatches(a: IpAce, p: Packet): boolean {
  if (a.protocol !== 'ip' && a.protocol !== p.protocol) return false;
  return (
    addrMatch(a.src, p.src) &&
    addrMatch(a.dst, p.dst) &&
    portMatch(a.srcPort, p.sport) &&
    portMatch(a.dstPort, p.dport)
  );
}

/** First match wins; no match = implicit deny. */
export function aclPermits(aces: IpAce[], p: Packet): boolean {
  for (const a of aces) if (aceMatches(a, p)) return a.action === 'permit';
  return false;
}

// ---- MAC ACL entries ----

export interface MacAce {
  readonly action: 'permit' | 'deny';
  /** Normalised text after the action: `host 0011.2233.4455 any`. */
  readonly body: string;
}

const DOTTED = /^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/i;

function macAddr(c: Cursor): string {
  const t = need(c);
  const k = kwMatch(t, ['any', 'host']);
  if (k === 'any') return 'any';
  if (k === 'host') {
    const h = need(c);
    if (!DOTTED.test(h.text)) throw new Fail(h.start);
    return `host ${h.text.toLowerCase()}`;
  }
  if (!DOTTED.test(t.text)) throw new Fail(t.start);
  const m = need(c);
  if (!DOTTED.test(m.text)) throw new Fail(m.start);
  return `${t.text.toLowerCase()} ${m.text.toLowerCase()}`;
}

export function parseMacAce(text: string): AceParse<MacAce> {
  const c = new Cursor(toks(text), text.length);
  try {
    const at = need(c);
    const action = kwMatch(at, ['permit', 'deny']) as MacAce['action'] | undefined;
    if (!action) throw new Fail(at.start);
    const parts = [macAddr(c), macAddr(c)];
    for (let t = c.take(); t; t = c.take()) parts.push(t.text);
    return { ok: true, ace: { action, body: parts.join(' ') } };
  } catch (e) {
    if (e instanceof Fail)
      return e.offset === undefined ? { ok: false, incomplete: true } : { ok: false, offset: e.offset };
    throw e;
  }
}

/** `permit host …` / `deny   any any` (deny padded to six, as IOS prints MAC ACLs everywhere). */
export function formatMacAce(a: MacAce): string {
  return `${a.action === 'deny' ? 'deny  ' : 'permit'} ${a.body}`;
}

/** Does the MAC ACL forward a (non-IP) frame from `mac` (dotted)? No match = implicit deny. */
export function macAclPermits(aces: MacAce[], mac: string): boolean {
  for (const a of aces) {
    const [src] = a.body.split(/ (?=any|host|[0-9a-f]{4}\.)/);
    const s = src ?? '';
    const hit = s === 'any' || s === `host ${mac}`;
    if (hit) return a.action === 'permit';
  }
  return false;
}
