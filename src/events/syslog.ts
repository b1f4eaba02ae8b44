/**
 * Cisco IOS / IOS-XE syslog lines → security events (ios-reference.md §9). Pure and total:
 * `(text) => {records, warnings}`; a line that is not one of the messages below becomes a warning
 * with its line number, never an exception.
 *
 * Understood: SW_DAI DHCP_SNOOPING_DENY / INVALID_ARP / ACL_DENY, DHCP_SNOOPING_UNTRUSTED_PORT,
 * PORT_SECURITY PSECURE_VIOLATION (+ _MAC_MOVE, _VLAN), IP DUPADDR, SW_MATM MACFLAP_NOTIF.
 * The header before `%FACILITY-SEVERITY-MNEMONIC:` may carry a syslog priority `<189>`, a relay's
 * timestamp and hostname, `service sequence-numbers` (`000123:`), and the device timestamp —
 * calendar (with or without year, milliseconds, time zone; `*` / `.` sync flags) or uptime.
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
/** `[*.]` `[YYYY ]Mon D[ YYYY] hh:mm:ss[.fff][ ZONE]` at the end of the header. */
const CALENDAR_END = new RegExp(
  String.raw`(?:^|\s)([*.]?)((?:(\d{4})\s+)?(${MON})[a-z]*\s+(\d{1,2})(?:\s+(\d{4}))?\s+(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:\s+([A-Z]{1,5})(?:[+-]\d{1,2}(?::?\d{2})?)?)?)\s*:?\s*$`,
  'i',
);
/** Uptime stamps: `00:18:08`, `1d02h`, `2w3d`, `1y2w`, optionally with milliseconds. */
const UPTIME_END =
  /(?:^|\s)([*.]?)(\d{1,3}:\d{2}:\d{2}(?:\.\d{1,6})?|\d{1,4}[ywd]\d{1,2}[wdh](?:\.\d{1,6})?)\s*:?\s*$/;
/** A relay's RFC 3339 stamp: `2024-01-07T19:54:41.123+00:00`. */
const ISO_END = /(?:^|\s)(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?)\s*:?\s*$/;
const SEQ_END = /(?:^|\s)(\d{1,10})\s*:\s*$/;
const HOST_END = /(?:^|\s)([A-Za-z0-9][A-Za-z0-9_.-]{0,62})\s*:?\s*$/;

interface Header {
  host?: string;
  time?: string;
  timeFlag?: '*' | '.';
  at?: string;
}

/** Reads the header from the right: device time, sequence number, hostname, relay time, relay host. */
export function parseHeader(header: string, now: Date): Header {
  let rest = header.replace(/^\s*<\d{1,3}>/, '').trimEnd();
  const out: Header = {};
  for (let guard = 0; rest.trim() !== '' && guard < 8; guard++) {
    const cal = CALENDAR_END.exec(rest);
    if (cal) {
      if (out.time === undefined) {
        out.time = cal[2]!.trim();
        if (cal[1] === '*' || cal[1] === '.') out.timeFlag = cal[1];
        const at = calendarToIso(
          {
            month: cal[4]!,
            day: Number(cal[5]),
            ...(cal[3] || cal[6] ? { year: Number(cal[3] ?? cal[6]) } : {}),
            hh: Number(cal[7]),
            mm: Number(cal[8]),
            ss: Number(cal[9]),
            ...(cal[10] ? { frac: cal[10] } : {}),
            ...(cal[11] ? { zone: cal[11] } : {}),
          },
          now,
        );
        if (at !== undefined) out.at = at;
      }
      rest = rest.slice(0, cal.index);
      continue;
    }
    const iso = ISO_END.exec(rest);
    if (iso) {
      if (out.time === undefined) {
        out.time = iso[1]!;
        const d = new Date(iso[1]!.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
        if (!Number.isNaN(d.getTime())) out.at = d.toISOString();
      }
      rest = rest.slice(0, iso.index);
      continue;
    }
    const up = UPTIME_END.exec(rest);
    if (up) {
      if (out.time === undefined) {
        out.time = up[2]!;
        if (up[1] === '*' || up[1] === '.') out.timeFlag = up[1];
      }
      rest = rest.slice(0, up.index);
      continue;
    }
    const seq = SEQ_END.exec(rest);
    if (seq) {
      rest = rest.slice(0, seq.index);
      continue;
    }
    const host = HOST_END.exec(rest);
    if (host && isHostToken(host[1]!)) {
      out.host ??= host[1]!;
      rest = rest.slice(0, host.index);
      continue;
    }
    break;
  }
  return out;
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
  const [, facility, severity, mnemonic, rest] = m as unknown as [string, string, string, string, string];
  const printed = `${facility}-${severity}-${mnemonic}`;
  const b = body(facility, mnemonic, rest);
  if (b === undefined) return { warning: warn(`${printed} is not a security event highalert acts on`) };
  if ('problem' in b) return { warning: warn(`${printed}: ${b.problem}`) };
  const header = parseHeader(text.slice(0, m.index), now);
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
