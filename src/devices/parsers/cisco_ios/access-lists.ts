/**
 * `show access-lists` / `show ip access-lists [NAME]` on IOS / IOS-XE, and NX-OS `show access-lists`.
 *
 * Headers: `Standard IP access list 1`, `Extended IP access list acl1`, `Extended MAC access list X`,
 * `Role-based IP access list X (downloaded)`, `FQDN IP access list X`, `IPv6 access list X`,
 * `IPv6 FQDN access list X`, `Reflexive IP access list X`; NX-OS `IP access list X`,
 * `IPv6 access list X`, `MAC access list X`.
 * Entries: `[seq] action text[ (N matches)| [match=N]]`; IPv6 prints `… sequence N` at the end.
 */
import { contentLines, Warnings, type ParseResult } from '../common.js';

export type AclKind =
  | 'ip-standard'
  | 'ip-extended'
  | 'ip'
  | 'ipv6'
  | 'mac-extended'
  | 'mac'
  | 'ip-role-based'
  | 'ip-fqdn'
  | 'ipv6-fqdn'
  | 'ip-reflexive'
  | 'other';

export interface AclEntry {
  seq?: number;
  /** `permit`, `deny`, `remark`, `evaluate`, … */
  action: string;
  /** The entry as printed, without the sequence number and without the match counter. */
  text: string;
  /** Hit counter (`(N matches)` on IOS, `[match=N]` on NX-OS), when printed. */
  matches?: number;
}

export interface Acl {
  name: string;
  kind: AclKind;
  /** The header as printed (`Extended IP access list 101`). */
  header: string;
  entries: AclEntry[];
  /** Header attributes: `(downloaded)`, NX-OS `statistics per-entry` / `fragments deny-all`. */
  attributes?: string[];
}

const HEADER =
  /^\s*(?<type>Standard IP|Extended IP|Extended MAC|Role-based IP|FQDN IP|IPv6 FQDN|Reflexive IP|IP|IPv6|MAC|Extended IPv6|Standard IPv6)\s+access\s+list\s+(?<name>\S+)(?:\s+(?<attr>\(.*\)))?\s*$/i;
/** Any other `<words> access list NAME` heading (unindented), so its entries are not mixed into the previous list. */
const OTHER_HEADER = /^(?<type>\S.*?)\s+access\s+list\s+(?<name>\S+)(?:\s+(?<attr>\(.*\)))?\s*$/i;
const KIND: Record<string, AclKind> = {
  'standard ip': 'ip-standard',
  'extended ip': 'ip-extended',
  'extended mac': 'mac-extended',
  'role-based ip': 'ip-role-based',
  'fqdn ip': 'ip-fqdn',
  'ipv6 fqdn': 'ipv6-fqdn',
  'reflexive ip': 'ip-reflexive',
  ip: 'ip',
  ipv6: 'ipv6',
  mac: 'mac',
};
const ACTION = /^(?:permit|deny|remark|evaluate|dynamic)$/i;

/** Parses one ACL entry line (already trimmed): `[seq] action rest [counter]`. */
export function parseAclEntry(line: string): AclEntry | undefined {
  let s = line.trim();
  let seq: number | undefined;
  let matches: number | undefined;
  const lead = /^(\d+)\s+(.*)$/.exec(s);
  if (lead) {
    seq = Number(lead[1]);
    s = lead[2]!;
  }
  // trailing decorations, in either order: ` (N matches)` / ` [match=N]` and IPv6 ` sequence N`
  for (let i = 0; i < 2; i++) {
    // the counter is last, except on reflexive entries: `(6 matches) (time left 3)`
    const counter =
      matches === undefined
        ? /\s*(?:\((\d+) match(?:es)?\)|\[match=(\d+)\])(\s+\(time left \d+\))?\s*$/.exec(s)
        : null;
    if (counter) {
      matches = Number(counter[1] ?? counter[2]);
      s = s.slice(0, counter.index) + (counter[3] ?? '');
    }
    const trailingSeq = seq === undefined ? /\s+sequence\s+(\d+)\s*$/.exec(s) : null;
    if (trailingSeq) {
      seq = Number(trailingSeq[1]);
      s = s.slice(0, trailingSeq.index);
    }
  }
  s = s.trimEnd();
  const action = /^(\S+)/.exec(s)?.[1];
  if (action === undefined || !ACTION.test(action)) return undefined;
  const entry: AclEntry = { action: action.toLowerCase(), text: s };
  if (seq !== undefined) entry.seq = seq;
  if (matches !== undefined) entry.matches = matches;
  return entry;
}

export function parseAccessLists(text: string): ParseResult<Acl> {
  const records: Acl[] = [];
  const warnings = new Warnings();
  let current: Acl | undefined;
  for (const line of contentLines(text)) {
    const h = HEADER.exec(line.text) ?? (parseAclEntry(line.text) ? null : OTHER_HEADER.exec(line.text));
    if (h?.groups) {
      current = {
        name: h.groups.name!,
        kind: KIND[h.groups.type!.toLowerCase()] ?? 'other',
        header: line.text.trim(),
        entries: [],
      };
      if (h.groups.attr) current.attributes = [h.groups.attr];
      records.push(current);
      continue;
    }
    const attr = /^\s*(statistics per-entry|fragments (?:permit|deny)-all)\s*$/i.exec(line.text);
    if (current && attr) {
      (current.attributes ??= []).push(attr[1]!);
      continue;
    }
    const entry = current ? parseAclEntry(line.text) : undefined;
    if (current && entry) {
      current.entries.push(entry);
      continue;
    }
    warnings.add(line, current ? 'not an access-list entry' : 'entry before any access-list header');
  }
  return { records, warnings: warnings.list };
}
