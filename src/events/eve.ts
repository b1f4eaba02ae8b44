/**
 * Suricata EVE JSON (one object per line) → security events. Pure and total: `(text) =>
 * {records, warnings}`; only `event_type: "alert"` lines are events, anything else is a warning
 * with its line number.
 *
 * The suspect is the internal address: `src_ip`, unless it lies outside every inventory subnet and
 * `dest_ip` lies inside one (an outside scanner hitting an inside host points at the inside host).
 * Whether an address is internal is the caller's predicate; without one, `src_ip` is taken.
 */
import { splitLines, type ParseResult, type ParseWarning } from '../devices/parsers/common.js';
import { tryParseIp, type IpAddress } from '../values/ip.js';
import { isHostToken, oneLine, type SecurityEvent } from './types.js';

export interface EveOptions {
  /** True when the address lies inside one of the inventory's subnets. */
  isInternal?: (ip: IpAddress) => boolean;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function ipOf(v: unknown): IpAddress | undefined {
  const s = str(v);
  return s === undefined ? undefined : tryParseIp(s.trim());
}

/** EVE's `2024-01-07T19:54:41.712927+0000` → ISO UTC. */
export function eveTimeToIso(ts: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(ts.trim());
  if (!m) return undefined;
  const frac = (m[2] ?? '').padEnd(3, '0').slice(0, 3);
  const zone = m[3] === undefined ? 'Z' : m[3] === 'Z' ? 'Z' : `${m[3].slice(0, 3)}:${m[3].slice(-2)}`;
  const d = new Date(`${m[1]}.${frac}${zone}`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function shortText(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** One EVE line → an event, a warning, or nothing (blank line). */
export function parseEveLine(
  text: string,
  line: number,
  options: EveOptions = {},
): { event?: SecurityEvent; warning?: ParseWarning } {
  if (text.trim() === '') return {};
  const warn = (reason: string) => ({ warning: { line, text: shortText(text), reason } });
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return warn('not a JSON object (EVE lines are one JSON object each)');
  }
  if (!isObject(doc)) return warn('not a JSON object (EVE lines are one JSON object each)');
  const type = str(doc.event_type);
  if (type !== 'alert')
    return warn(
      `event_type ${JSON.stringify(oneLine(String(type ?? 'missing')).slice(0, 40))} is not an alert`,
    );
  const src = ipOf(doc.src_ip);
  const dest = ipOf(doc.dest_ip);
  const inside = options.isInternal;
  let suspect = src;
  let peer = dest;
  if (
    (src === undefined && dest !== undefined) ||
    (src !== undefined && dest !== undefined && inside && !inside(src) && inside(dest))
  ) {
    suspect = dest;
    peer = src;
  }
  if (suspect === undefined) return warn('alert without a valid src_ip or dest_ip');
  const alert = isObject(doc.alert) ? doc.alert : {};
  const signature = oneLine(str(alert.signature) ?? '').slice(0, 200);
  const category = oneLine(str(alert.category) ?? '').slice(0, 100);
  const severity =
    typeof alert.severity === 'number' && Number.isFinite(alert.severity) ? alert.severity : undefined;
  const sid =
    typeof alert.signature_id === 'number' && Number.isInteger(alert.signature_id)
      ? alert.signature_id
      : undefined;
  const time = str(doc.timestamp);
  const at = time === undefined ? undefined : eveTimeToIso(time);
  const host = str(doc.host);
  const vlans = Array.isArray(doc.vlan) ? doc.vlan : [];
  const vlan =
    typeof vlans[0] === 'number' && Number.isInteger(vlans[0]) && vlans[0] >= 1 && vlans[0] <= 4094
      ? vlans[0]
      : undefined;
  const flow = suspect === src ? `${src} -> ${dest ?? '?'}` : `${dest} <- ${src ?? '?'}`;
  const event: SecurityEvent = {
    source: 'eve',
    kind: 'ids-alert',
    mnemonic: 'eve:alert',
    ip: suspect,
    ...(vlan === undefined ? {} : { vlan }),
    ...(host !== undefined && isHostToken(host) ? { host } : {}),
    ...(time === undefined ? {} : { time: oneLine(time).slice(0, 40) }),
    ...(at === undefined ? {} : { at }),
    ...(severity === undefined ? {} : { severity }),
    ...(signature ? { signature } : {}),
    ...(sid === undefined ? {} : { signatureId: sid }),
    ...(category ? { category } : {}),
    ...(peer === undefined ? {} : { peerIp: peer }),
    summary: `IDS${severity === undefined ? '' : ` sev ${severity}`}: ${signature || `sid ${sid ?? '?'}`} (${flow})`,
    line,
  };
  return { event };
}

/** Parses Suricata EVE JSON lines. Never throws. */
export function parseEve(text: string, options: EveOptions = {}): ParseResult<SecurityEvent> {
  const records: SecurityEvent[] = [];
  const warnings: ParseWarning[] = [];
  for (const { no, text: line } of splitLines(String(text ?? ''))) {
    try {
      const out = parseEveLine(line, no, options);
      if (out.event) records.push(out.event);
      if (out.warning) warnings.push(out.warning);
    } catch (err) {
      warnings.push({ line: no, text: shortText(line), reason: `could not be read: ${String(err)}` });
    }
  }
  return { records, warnings };
}
