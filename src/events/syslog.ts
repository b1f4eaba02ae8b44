/**
 * Cisco IOS / IOS-XE syslog lines → security events (ios-reference.md §9). Pure and total:
 * `(text) => {records, warnings}`; a line that is not one of the messages below becomes a warning
 * with its line number, never an exception.
 *
 * Understood: SW_DAI DHCP_SNOOPING_DENY / INVALID_ARP / ACL_DENY, DHCP_SNOOPING_UNTRUSTED_PORT,
 * PORT_SECURITY PSECURE_VIOLATION (+ _MAC_MOVE, _VLAN), IP DUPADDR, SW_MATM MACFLAP_NOTIF.
 * The header before `%FACILITY-SEVERITY-MNEMONIC:` may carry a syslog priority `<189>`, a relay's
 * timestamp and hostname, the device's hostname, `service sequence-numbers` (`000123:`), and the
 * device timestamp — calendar (with or without year, milliseconds, time zone; `*` / `.` sync flags)
 * or uptime. It must be exactly that: a line with anything else before the `%` is a warning.
 */
import { splitLines, type ParseResult, type ParseWarning } from '../devices/parsers/common.js';
import { interfaceShort, tryParseInterface, type InterfaceName } from '../values/interface.js';
import { tryParseIp, type IpAddress } from '../values/ip.js';
import { macToIos, tryParseMac, type Mac } from '../values/mac.js';
import { calendarToIso, isHostToken, type SecurityEvent, type SecurityEventKind } from './types.js';

export interface SyslogOptions {
  /** Reference clock for timestamps without a year (default: now). */
  now?: Date;
}

const MESSAGE = /%([A-Z][A-Z0-9_]*(?:-[A-Z][A-Z0-9_]*)*?)-([0-7])-([A-Z][A-Z0-9_]*)\s*:\s*(.*)$/;

const MON = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
/** `[YYYY ]Mon D[ YYYY] hh:mm:ss[.fff][ ZONE]`. */
const CALENDAR = String.raw`(?<cal>(?:(?<y1>\d{4})\s+)?(?<mon>${MON})[a-z]*\s+(?<day>\d{1,2})(?:\s+(?<y2>\d{4}))?\s+(?<hh>\d{1,2}):(?<mm>\d{2}):(?<ss>\d{2})(?:\.(?<frac>\d{1,9}))?(?:\s+(?<zone>[A-Z]{1,5})(?:[+-]\d{1,2}(?::?\d{2})?)?)?)`;
/** Uptime stamps: `00:18:08`, `1d02h`, `2w3d`, `1y2w`, optionally with milliseconds. */
const UPTIME = String.raw`(?<up>\d{1,3}:\d{2}:\d{2}(?:\.\d{1,6})?|\d{1,4}[ywd]\d{1,2}[wdh](?:\.\d{1,6})?)`;
/** A relay's RFC 3339 stamp: `2024-01-07T19:54:41.123+00:00`. */
const ISO = String.raw`(?<iso>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?)`;
const HOST = String.raw`(?<host>[A-Za-z0-9][A-Za-z0-9_.-]{0,62})`;
/** The header's parts, each read where the previous one ended (sticky). */
const PRI_AT = /\s*<\d{1,3}>/y;
/** A relay's stamp and the host it names (followed by a blank, never a colon: that would be a tag). */
const RELAY_AT = new RegExp(String.raw`\s*(?:${CALENDAR}|${ISO})\s+${HOST}(?=\s|$)`, 'iy');
const SEQ_AT = /\s*\d{1,10}\s*:/y;
/** The device's stamp with its sync flag (`*` not synchronised, `.` was synchronised). */
const DEVICE_TIME_AT = new RegExp(
  String.raw`\s*(?<flag>[*.]?)(?:${CALENDAR}|${UPTIME})(?:\s*:|(?=\s|$))`,
  'iy',
);
const HOST_AT = new RegExp(String.raw`\s*${HOST}\s*:`, 'y');
const UPTIME_TOKEN = new RegExp(String.raw`^${UPTIME}$`, 'i');

interface Header {
  host?: string;
  time?: string;
  timeFlag?: '*' | '.';
  at?: string;
}

interface Stamp {
  time: string;
  flag?: '*' | '.';
  at?: string;
}

/** What the header has read so far: the relay's host and stamp, the device's. */
interface Parts {
  relayHost?: string;
  relayTime?: Stamp;
  host?: string;
  seq?: true;
  time?: Stamp;
}

type Groups = Partial<Record<string, string>>;

function stampOf(g: Groups, now: Date): Stamp {
  if (g['cal'] !== undefined) {
    const year = g['y1'] ?? g['y2'];
    const at = calendarToIso(
      {
        month: g['mon']!,
        day: Number(g['day']),
        ...(year === undefined ? {} : { year: Number(year) }),
        hh: Number(g['hh']),
        mm: Number(g['mm']),
        ss: Number(g['ss']),
        ...(g['frac'] ? { frac: g['frac'] } : {}),
        ...(g['zone'] ? { zone: g['zone'] } : {}),
      },
      now,
    );
    return { time: g['cal'], ...(at === undefined ? {} : { at }) };
  }
  if (g['iso'] !== undefined) {
    const d = new Date(g['iso'].replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    return { time: g['iso'], ...(Number.isNaN(d.getTime()) ? {} : { at: d.toISOString() }) };
  }
  return { time: g['up'] ?? '' };
}

/** A hostname token, and not a bare number or an uptime stamp (`1d02h`) read as one. */
function isHost(token: string | undefined): token is string {
  return token !== undefined && isHostToken(token) && !UPTIME_TOKEN.test(token);
}

function readAt(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(text);
}

/** One optional part of the header: where it ends and what it adds, or undefined if absent here. */
type Step = (text: string, at: number, got: Parts, now: Date) => { end: number; got: Parts } | undefined;

/** The device's `HOST:`, in any one of its places (one hostname only). */
const hostStep: Step = (text, at, got) => {
  if (got.host !== undefined) return undefined;
  const m = readAt(HOST_AT, text, at);
  const host = m?.groups?.['host'];
  return m && isHost(host) ? { end: HOST_AT.lastIndex, got: { ...got, host } } : undefined;
};

const STEPS: readonly Step[] = [
  // <PRI>
  (text, at, got) => {
    const m = readAt(PRI_AT, text, at);
    return m ? { end: PRI_AT.lastIndex, got } : undefined;
  },
  // relay stamp + relay host
  (text, at, got, now) => {
    const m = readAt(RELAY_AT, text, at);
    const g: Groups = m?.groups ?? {};
    if (!m || !isHost(g['host'])) return undefined;
    return { end: RELAY_AT.lastIndex, got: { ...got, relayHost: g['host'], relayTime: stampOf(g, now) } };
  },
  // HOST: (before the sequence number)
  hostStep,
  // seq no:
  (text, at, got) =>
    readAt(SEQ_AT, text, at) ? { end: SEQ_AT.lastIndex, got: { ...got, seq: true } } : undefined,
  // HOST: (between the sequence number and the device stamp)
  hostStep,
  // [*.]device stamp:
  (text, at, got, now) => {
    const m = readAt(DEVICE_TIME_AT, text, at);
    if (!m) return undefined;
    const g: Groups = m.groups ?? {};
    const mark = g['flag'];
    const flag = mark === '*' || mark === '.' ? mark : undefined;
    const time: Stamp = { ...stampOf(g, now), ...(flag === undefined ? {} : { flag }) };
    return { end: DEVICE_TIME_AT.lastIndex, got: { ...got, time } };
  },
  // HOST: (after the device stamp)
  hostStep,
];

/**
 * A relay's stamp and host followed by just `WORD:` is how syslog files print any program's line
 * (`Dec  4 10:00:00 bastion sshd: …`): not read as a Cisco device's hostname.
 */
function tagLike(got: Parts): boolean {
  return got.relayHost !== undefined && got.host !== undefined && !got.seq && got.time === undefined;
}

/** Tries each part present, then absent, in order; the first reading that consumes everything wins. */
function readParts(text: string, step: number, at: number, got: Parts, now: Date): Parts | undefined {
  if (step === STEPS.length) return /^\s*$/.test(text.slice(at)) && !tagLike(got) ? got : undefined;
  const taken = STEPS[step]!(text, at, got, now);
  if (taken !== undefined) {
    const done = readParts(text, step + 1, taken.end, taken.got, now);
    if (done !== undefined) return done;
  }
  return readParts(text, step + 1, at, got, now);
}

/**
 * Reads the whole text before `%FACILITY-SEVERITY-MNEMONIC:` as a Cisco header, in this order,
 * every part optional: `<PRI>`, a relay's stamp and hostname, `seq no:`, the device stamp (`*` /
 * `.` flag), and one `HOST:` before, between or after those two. Undefined when anything is left
 * unread — the `%…` is then text inside some other log line, not a Cisco message — and for a
 * relay's stamp and host followed by `WORD:` alone (a program's tag, e.g. `sshd:`).
 */
export function parseHeader(header: string, now: Date): Header | undefined {
  const parts = readParts(header, 0, 0, {}, now);
  if (parts === undefined) return undefined;
  const host = parts.host ?? parts.relayHost;
  const stamp = parts.time ?? parts.relayTime;
  return {
    ...(host === undefined ? {} : { host }),
    ...(stamp === undefined ? {} : { time: stamp.time }),
    ...(stamp?.flag === undefined ? {} : { timeFlag: stamp.flag }),
    ...(stamp?.at === undefined ? {} : { at: stamp.at }),
  };
}

/** A MAC token as logged (`0013.1a41.544e`, trailing `.`/`,` allowed); undefined for 0000… / ffff…. */
function macOf(token: string | undefined): Mac | undefined {
  if (token === undefined) return undefined;
  const mac = tryParseMac(token.replace(/[.,]$/, ''));
  return mac === undefined || mac === '00:00:00:00:00:00' || mac === 'ff:ff:ff:ff:ff:ff' ? undefined : mac;
}

function ipOf(token: string | undefined): IpAddress | undefined {
  if (token === undefined) return undefined;
  const ip = tryParseIp(token.replace(/[.,]$/, ''));
  return ip === undefined || ip === '0.0.0.0' || ip === '::' ? undefined : ip;
}

function ifOf(token: string | undefined): InterfaceName | undefined {
  return token === undefined ? undefined : tryParseInterface(token.trim().replace(/[.,]$/, ''));
}

/** What a message body yields: the fields, or why it is not usable. */
type Body =
  | {
      kind: SecurityEventKind;
      mac?: Mac | undefined;
      ip?: IpAddress | undefined;
      ports: Array<string | undefined>;
      vlan?: number | undefined;
      what: string;
      tupleTime?: string;
    }
  | { problem: string };

const DAI =
  /^(\d+)\s+Invalid ARPs?\s*\(([^)]*)\)\s+on\s+([^,]+?),\s*vlan\s*(\d{1,4})\s*\.?\s*(?:\(\s*\[([^\]]*)\]\s*\))?/i;
const UNTRUSTED = /MAC sa:\s*(\S+)/i;
const MSG_TYPE = /message type:\s*([A-Za-z_]+)/i;
const PSECURE =
  /caused by MAC(?: address)?\s+(\S+)\s+on port\s+(\S+?)\.?(?:\s+attempting to access port\s+(\S+?)\.?)?(?:\s|$)/i;
const PSECURE_VLAN = /violation on port\s+(\S+?),?\s+due to MAC(?: address)?\s+(\S+)\s+on VLAN\s+(\d{1,4})/i;
const DUPADDR = /Duplicate address\s+(\S+)\s+on\s+([^,]+?),\s*sourced by\s+(\S+)/i;
const MACFLAP =
  /Host\s+(\S+)\s+in\s+(?:vlan|bd|\S+)?\s*(\d{1,4})\s+is flapping between port\s+(\S+)\s+and port\s+(\S+)/i;

/** Why a matched message is still unusable: its MAC token is not a (unicast, non-zero) MAC. */
function badMac(token: string | undefined): { problem: string } {
  return { problem: `${JSON.stringify(token ?? '')} is not a usable MAC address` };
}

function body(facility: string, mnemonic: string, text: string): Body | undefined {
  const key = `${facility}-${mnemonic}`;
  if (key === 'SW_DAI-DHCP_SNOOPING_DENY' || key === 'SW_DAI-INVALID_ARP' || key === 'SW_DAI-ACL_DENY') {
    const m = DAI.exec(text);
    if (!m) return { problem: 'DAI message not in the expected layout' };
    if (m[5] === undefined)
      return { problem: 'DAI message without the sender MAC/IP tuple: nothing to act on' };
    const [senderMac, senderIp, , , time] = m[5].split('/');
    const mac = macOf(senderMac?.trim());
    const ip = ipOf(senderIp?.trim());
    if (mac === undefined && ip === undefined)
      return { problem: 'no valid sender MAC or IP in the DAI message' };
    return {
      kind: 'dai',
      mac,
      ip,
      ports: [m[3]],
      vlan: Number(m[4]),
      what: `${m[1]} invalid ARP (${m[2]!.replace(/[^A-Za-z ]/g, '').trim()})`,
      ...(time ? { tupleTime: time.trim() } : {}),
    };
  }
  if (key === 'DHCP_SNOOPING-DHCP_SNOOPING_UNTRUSTED_PORT') {
    const token = UNTRUSTED.exec(text)?.[1];
    if (token === undefined) return { problem: 'no `MAC sa:` in the DHCP snooping message' };
    const mac = macOf(token);
    if (mac === undefined) return badMac(token);
    const type = MSG_TYPE.exec(text)?.[1];
    return { kind: 'dhcp-snooping', mac, ports: [], what: `${type ?? 'DHCP'} on an untrusted port` };
  }
  if (key === 'PORT_SECURITY-PSECURE_VIOLATION_VLAN') {
    const m = PSECURE_VLAN.exec(text);
    if (!m) return { problem: 'port-security message not in the expected layout' };
    const mac = macOf(m[2]);
    if (mac === undefined) return badMac(m[2]);
    return { kind: 'port-security', mac, ports: [m[1]], vlan: Number(m[3]), what: 'wrong VLAN' };
  }
  if (key === 'PORT_SECURITY-PSECURE_VIOLATION' || key === 'PORT_SECURITY-PSECURE_VIOLATION_MAC_MOVE') {
    const m = PSECURE.exec(text);
    if (!m) return { problem: 'port-security message not in the expected layout' };
    const mac = macOf(m[1]);
    if (mac === undefined) return badMac(m[1]);
    return {
      kind: 'port-security',
      mac,
      ports: m[3] === undefined ? [m[2]] : [m[2], m[3]],
      what: m[3] === undefined ? 'violation' : 'secure MAC moved',
    };
  }
  if (key === 'IP-DUPADDR') {
    const m = DUPADDR.exec(text);
    if (!m) return { problem: 'duplicate-address message not in the expected layout' };
    const mac = macOf(m[3]);
    const ip = ipOf(m[1]);
    if (mac === undefined) return badMac(m[3]);
    if (ip === undefined) return { problem: `${JSON.stringify(m[1])} is not a usable IP address` };
    return { kind: 'duplicate-address', mac, ip, ports: [m[2]], what: 'duplicate address' };
  }
  if (key === 'SW_MATM-MACFLAP_NOTIF') {
    const m = MACFLAP.exec(text);
    if (!m) return { problem: 'MAC flap message not in the expected layout' };
    const mac = macOf(m[1]);
    if (mac === undefined) return badMac(m[1]);
    return { kind: 'mac-flap', mac, ports: [m[3], m[4]], vlan: Number(m[2]), what: 'MAC flapping' };
  }
  return undefined;
}

/** `01:53:21 UTC Fri Jan 23 2015` (the DAI tuple's time of day) → ISO. */
function tupleTimeIso(text: string, now: Date): string | undefined {
  const m =
    /^(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d+))?\s+(?:([A-Z]{1,5})\s+)?[A-Za-z]{3}\s+([A-Za-z]{3})\s+(\d{1,2})\s+(\d{4})$/.exec(
      text,
    );
  if (!m) return undefined;
  return calendarToIso(
    {
      month: m[6]!,
      day: Number(m[7]),
      year: Number(m[8]),
      hh: Number(m[1]),
      mm: Number(m[2]),
      ss: Number(m[3]),
      ...(m[4] ? { frac: m[4] } : {}),
      ...(m[5] ? { zone: m[5] } : {}),
    },
    now,
  );
}

function shortText(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** One line → an event and/or a warning, or nothing (blank line). */
export function parseSyslogLine(
  text: string,
  line: number,
  now: Date = new Date(),
): { event?: SecurityEvent; warning?: ParseWarning } {
  if (text.trim() === '') return {};
  const warn = (reason: string): ParseWarning => ({ line, text: shortText(text), reason });
  const m = MESSAGE.exec(text);
  if (!m) return { warning: warn('not a Cisco syslog message (no %FACILITY-SEVERITY-MNEMONIC:)') };
  // Nothing but a complete header may precede the `%`: a message quoted inside another program's
  // line (sshd's "Invalid user %…", a URL) must never become an event.
  const header = parseHeader(text.slice(0, m.index), now);
  if (header === undefined) return { warning: warn('not a Cisco syslog message header') };
  const [, facility, severity, mnemonic, rest] = m as unknown as [string, string, string, string, string];
  const printed = `${facility}-${severity}-${mnemonic}`;
  const b = body(facility, mnemonic, rest);
  if (b === undefined) return { warning: warn(`${printed} is not a security event highalert acts on`) };
  if ('problem' in b) return { warning: warn(`${printed}: ${b.problem}`) };
  const ports = b.ports.map(ifOf);
  const known = ports.filter((p): p is InterfaceName => p !== undefined);
  const unread = b.ports.find((p, i) => ports[i] === undefined);
  const at = header.at ?? (b.tupleTime ? tupleTimeIso(b.tupleTime, now) : undefined);
  const where = [
    b.mac === undefined ? undefined : macToIos(b.mac),
    b.ip,
    known.length ? known.map(interfaceShort).join(' -> ') : undefined,
    b.vlan === undefined ? undefined : `vlan ${b.vlan}`,
  ].filter((x) => x !== undefined);
  const event: SecurityEvent = {
    source: 'syslog',
    kind: b.kind,
    mnemonic: printed,
    ...(b.mac === undefined ? {} : { mac: b.mac }),
    ...(b.ip === undefined ? {} : { ip: b.ip }),
    ...(ports[0] === undefined ? {} : { interface: ports[0] }),
    ...(b.ports.length > 1 && known.length > 0 ? { ports: known } : {}),
    ...(b.vlan === undefined ? {} : { vlan: b.vlan }),
    ...(header.host === undefined ? {} : { host: header.host }),
    ...(header.time === undefined ? {} : { time: header.time }),
    ...(header.timeFlag === undefined ? {} : { timeFlag: header.timeFlag }),
    ...(at === undefined ? {} : { at }),
    severity: Number(severity),
    summary: `${mnemonic} ${where.join(' ')}: ${b.what}${header.host ? ` on ${header.host}` : ''}`,
    line,
  };
  // A port that does not read as an interface name is left out of the event, and said so.
  return unread === undefined
    ? { event }
    : { event, warning: warn(`interface ${JSON.stringify(unread)} not understood; left out of the event`) };
}

/** Parses Cisco syslog text (one message per line). Never throws. */
export function parseSyslog(text: string, options: SyslogOptions = {}): ParseResult<SecurityEvent> {
  const now = options.now ?? new Date();
  const records: SecurityEvent[] = [];
  const warnings: ParseWarning[] = [];
  for (const { no, text: line } of splitLines(String(text ?? ''))) {
    try {
      const out = parseSyslogLine(line, no, now);
      if (out.event) records.push(out.event);
      if (out.warning) warnings.push(out.warning);
    } catch (err) {
      warnings.push({ line: no, text: shortText(line), reason: `could not be read: ${String(err)}` });
    }
  }
  return { records, warnings };
}
