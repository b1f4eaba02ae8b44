/**
 * `show route-map [NAME]`:
 * ```
 * route-map pbr-gre, permit, sequence 1
 *   Match clauses:
 *     ip address (access-lists): pbr-acl
 *   Set clauses:
 *     ip next-hop 10.0.0.20
 *   Policy routing matches: 0 packets, 0 bytes
 * ```
 * IOS-XE may group the maps under `STATIC routemaps` / `DYNAMIC routemaps`.
 */
import { contentLines, Warnings, type ParseResult } from '../common.js';

export interface RouteMapEntry {
  name: string;
  action: 'permit' | 'deny';
  seq: number;
  description?: string;
  /** Clauses as printed, trimmed (`ip address (access-lists): pbr-acl`). */
  matchClauses: string[];
  setClauses: string[];
  /** Null when the line is absent. */
  policyRoutingMatches: { packets: number; bytes: number } | null;
  /** `static` or `dynamic` when the output groups route-maps that way. */
  group?: 'static' | 'dynamic';
}

const HEADER =
  /^\s*route-map\s+(?<name>.+?),\s+(?<action>permit|deny),\s+sequence\s+(?<seq>\d+)(?:,.*)?\s*$/i;
const PBR = /^\s*Policy routing matches:\s+(\d+)\s+packets?,\s+(\d+)\s+bytes?\s*$/i;
const SKIP = [/^\s*Current active dynamic routemaps/i];

export function parseRouteMap(text: string): ParseResult<RouteMapEntry> {
  const records: RouteMapEntry[] = [];
  const warnings = new Warnings();
  let current: RouteMapEntry | undefined;
  let clauses: 'match' | 'set' | undefined;
  let group: 'static' | 'dynamic' | undefined;
  for (const line of contentLines(text)) {
    const t = line.text.trim();
    const grp = /^(STATIC|DYNAMIC) routemaps$/i.exec(t);
    if (grp) {
      group = grp[1]!.toLowerCase() as 'static' | 'dynamic';
      current = undefined;
      continue;
    }
    const h = HEADER.exec(line.text);
    if (h?.groups) {
      current = {
        name: h.groups.name!,
        action: h.groups.action!.toLowerCase() as 'permit' | 'deny',
        seq: Number(h.groups.seq),
        matchClauses: [],
        setClauses: [],
        policyRoutingMatches: null,
      };
      if (group) current.group = group;
      records.push(current);
      clauses = undefined;
      continue;
    }
    const pbr = PBR.exec(line.text);
    if (current && pbr) {
      current.policyRoutingMatches = { packets: Number(pbr[1]), bytes: Number(pbr[2]) };
      clauses = undefined;
    } else if (current && /^Match clauses:$/i.test(t)) clauses = 'match';
    else if (current && /^Set clauses:$/i.test(t)) clauses = 'set';
    else if (current && /^description\s/i.test(t) && clauses === undefined)
      current.description = t.slice(12).trim();
    else if (current && clauses === 'match') current.matchClauses.push(t);
    else if (current && clauses === 'set') current.setClauses.push(t);
    else if (!SKIP.some((re) => re.test(line.text))) warnings.add(line, 'not part of a route-map entry');
  }
  return { records, warnings: warnings.list };
}
