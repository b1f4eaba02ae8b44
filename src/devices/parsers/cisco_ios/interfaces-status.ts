/**
 * `show interfaces status` and `show interfaces status err-disabled`.
 *
 * The Name column is free text (spaces, even words like `connected` or `trunk`), so the row is cut
 * at the header's `Status` column; everything right of it is split on whitespace. Without a header
 * (or when a row is not aligned) the status keyword is searched instead.
 */
import {
  columnStarts,
  contentLines,
  port,
  tokens,
  Warnings,
  type Line,
  type ParseResult,
} from '../common.js';

export interface InterfaceStatus {
  /** Canonical long interface name (`Gi1/0/5` → `GigabitEthernet1/0/5`); as printed if not an interface. */
  port: string;
  name: string;
  /** `connected`, `notconnect`, `disabled`, `err-disabled`, `suspended`, `inactive`, `monitoring`, … */
  status: string;
  /** Access VLAN number, or `trunk` / `routed` / another word as printed (`unassigned`); null when absent. */
  vlan: number | string | null;
  duplex: string;
  speed: string;
  /** Media type as printed (may contain spaces: `Not Present`, `1000BaseSX SFP`). */
  type: string;
  /** Text after a `status:` word (`notconnect: TDR` → `TDR`), when printed. */
  statusDetail?: string;
  /** NX-OS Fibre Channel rows (`fc2/1 is up  Port mode is NP`). */
  fcMode?: string;
}

export interface ErrDisabledPort {
  port: string;
  name: string;
  status: string;
  reason: string;
  /** `Err-disabled Vlans` column, when printed. */
  vlans?: string;
}

const STATUS_WORD =
  /^(?:connected|notconnect?|disabled|err-?disabled?|errDisabl|suspended|suspnd|inactive|monitoring|faulty|sfpAbsent|sfpInvali|xcvrAbsen|xcvrInval|noOperMem|down|up|channelDo|linkFlapE|adminDown):?$/;
const VLAN_WORD = /^(?:\d+|trunk|routed|unassigned|f-path|pvlan|monitor|dynamic)$/i;
const FC_ROW = /^\s*(fc\S+)\s+is\s+(\S+)(?:\s+\((.*)\))?(?:\s+Port mode is\s+(\S+))?\s*$/;

/** Column cut: the token covering the header's Status column starts the right-hand side. */
function byColumn(t: string, statusCol: number | undefined): [string, string, string[]] | undefined {
  const p = /^\s*(\S+)/.exec(t)?.[1];
  if (p === undefined || statusCol === undefined || t.length <= statusCol) return undefined;
  const portEnd = t.indexOf(p) + p.length;
  let at = statusCol;
  // a row shifted left or right of the header: use the token that covers the Status column
  if (t[at] === ' ') while (at < t.length && t[at] === ' ') at++;
  else while (at > 0 && t[at - 1] !== ' ') at--;
  return at < t.length && at > portEnd ? [p, t.slice(portEnd, at).trim(), tokens(t.slice(at))] : undefined;
}

/** Token scan: the first status word followed by a word matching `next` (or a `status:` word). */
function byKeyword(t: string, next: RegExp): [string, string, string[]] | undefined {
  const spans = [...t.matchAll(/\S+/g)].map((m) => ({ word: m[0], at: m.index }));
  for (let i = 1; i < spans.length - 1; i++) {
    const w = spans[i]!.word;
    if (STATUS_WORD.test(w) && (w.endsWith(':') || next.test(spans[i + 1]!.word))) {
      const first = spans[0]!;
      const name = t.slice(first.at + first.word.length, spans[i]!.at).trim();
      return [first.word, name, spans.slice(i).map((x) => x.word)];
    }
  }
  return undefined;
}

/**
 * Splits a row into [port, name, right-hand tokens]: by the header's Status column when that lands
 * on a status word, else by keyword (whitespace-collapsed tables, rows without a header).
 */
function cut(
  line: Line,
  statusCol: number | undefined,
  next = VLAN_WORD,
): [string, string, string[]] | undefined {
  const col = byColumn(line.text, statusCol);
  if (col && STATUS_WORD.test(col[2][0]!)) return col;
  return byKeyword(line.text, next) ?? col;
}

function vlanOf(v: string | undefined): number | string | null {
  if (v === undefined) return null;
  return /^\d+$/.test(v) ? Number(v) : v;
}

export function parseInterfacesStatus(text: string): ParseResult<InterfaceStatus> {
  const records: InterfaceStatus[] = [];
  const warnings = new Warnings();
  let cols: Map<string, number> | undefined;
  for (const line of contentLines(text)) {
    if (/^\s*Port\s+Name\s+Status/.test(line.text)) {
      // a whitespace-collapsed header has no usable columns
      cols = /Port\s{2,}Name/.test(line.text)
        ? columnStarts(line.text, ['Port', 'Name', 'Status'])
        : undefined;
      continue;
    }
    if (/^\s*-+\s*$/.test(line.text)) continue;
    const fc = FC_ROW.exec(line.text);
    if (fc) {
      const r: InterfaceStatus = {
        port: fc[1]!,
        name: '',
        status: fc[2]!,
        vlan: null,
        duplex: '',
        speed: '',
        type: fc[3] ?? '',
      };
      if (fc[4]) r.fcMode = fc[4];
      records.push(r);
      continue;
    }
    const parts = cut(line, cols?.get('Status'));
    if (!parts || parts[2].length < 2) {
      warnings.add(line, 'not an interface status row');
      continue;
    }
    const [p, name, right] = parts;
    let status = right.shift()!;
    const detail: string[] = [];
    if (status.endsWith(':')) {
      status = status.slice(0, -1);
      while (right.length > 4 && !VLAN_WORD.test(right[0]!)) detail.push(right.shift()!);
    }
    const r: InterfaceStatus = {
      port: port(p),
      name,
      status,
      vlan: vlanOf(right[0]),
      duplex: right[1] ?? '',
      speed: right[2] ?? '',
      type: right.slice(3).join(' '),
    };
    if (detail.length) r.statusDetail = detail.join(' ');
    records.push(r);
  }
  return { records, warnings: warnings.list };
}

export function parseInterfacesStatusErrDisabled(text: string): ParseResult<ErrDisabledPort> {
  const records: ErrDisabledPort[] = [];
  const warnings = new Warnings();
  let cols: Map<string, number> | undefined;
  for (const line of contentLines(text)) {
    if (/^\s*Port\s+Name\s+Status\s+Reason/.test(line.text)) {
      // a whitespace-collapsed header has no usable columns
      cols = /Port\s{2,}Name/.test(line.text)
        ? columnStarts(line.text, ['Port', 'Name', 'Status'])
        : undefined;
      continue;
    }
    if (/^\s*-+\s*$/.test(line.text)) continue;
    const parts = cut(line, cols?.get('Status'), /\S/);
    if (!parts || parts[2].length < 2) {
      warnings.add(line, 'not an err-disabled row');
      continue;
    }
    const [p, name, right] = parts;
    const r: ErrDisabledPort = { port: port(p), name, status: right[0]!, reason: right[1]! };
    if (right.length > 2) r.vlans = right.slice(2).join(' ');
    records.push(r);
  }
  return { records, warnings: warnings.list };
}
