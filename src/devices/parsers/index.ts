/**
 * Show-output parsers: a registry keyed by platform and command, and `parseShow`, which accepts the
 * command as an engineer types it (`sh ip arp`, `show mac add`, `show run int Gi1/0/5`).
 */
import { ValidationError } from '../../errors.js';
import type { Parser, ParseResult } from './common.js';
import { parseAccessLists, type Acl } from './cisco_ios/access-lists.js';
import { parseArp, type ArpEntry } from './cisco_ios/arp.js';
import { parseDhcpBinding, type DhcpBinding } from './cisco_ios/dhcp-binding.js';
import { parseDhcpPool, type DhcpPoolStatus } from './cisco_ios/dhcp-pool.js';
import { parseDhcpSnoopingBinding, type DhcpSnoopingBinding } from './cisco_ios/dhcp-snooping-binding.js';
import {
  parseInterfacesStatus,
  parseInterfacesStatusErrDisabled,
  type ErrDisabledPort,
  type InterfaceStatus,
} from './cisco_ios/interfaces-status.js';
import { parseInterfacesTrunk, type TrunkPort } from './cisco_ios/interfaces-trunk.js';
import { parseIpInterfaceBrief, type IpInterfaceBrief } from './cisco_ios/ip-interface-brief.js';
import { parseMacAddressTable, type MacTableEntry } from './cisco_ios/mac-address-table.js';
import { parseRouteMap, type RouteMapEntry } from './cisco_ios/route-map.js';
import {
  parseRunningConfig,
  parseRunningConfigInterface,
  type RunningConfig,
} from './cisco_ios/running-config.js';

export type { Parser, ParseResult, ParseWarning } from './common.js';
export * from './cisco_ios/access-lists.js';
export * from './cisco_ios/arp.js';
export * from './cisco_ios/dhcp-binding.js';
export * from './cisco_ios/dhcp-pool.js';
export * from './cisco_ios/dhcp-snooping-binding.js';
export * from './cisco_ios/interfaces-status.js';
export * from './cisco_ios/interfaces-trunk.js';
export * from './cisco_ios/ip-interface-brief.js';
export * from './cisco_ios/mac-address-table.js';
export * from './cisco_ios/route-map.js';
export * from './cisco_ios/running-config.js';

export type ParserPlatform = 'cisco_ios' | 'cisco_nxos';

/** Record type of each parser, by parser id (the command's full spelling). */
export interface ShowRecords {
  'show mac address-table': MacTableEntry;
  'show ip arp': ArpEntry;
  'show access-lists': Acl;
  'show running-config': RunningConfig;
  'show running-config interface': RunningConfig;
  'show ip dhcp binding': DhcpBinding;
  'show ip dhcp snooping binding': DhcpSnoopingBinding;
  'show ip dhcp pool': DhcpPoolStatus;
  'show interfaces status': InterfaceStatus;
  'show interfaces status err-disabled': ErrDisabledPort;
  'show interfaces trunk': TrunkPort;
  'show route-map': RouteMapEntry;
  'show ip interface brief': IpInterfaceBrief;
}
export type ParserId = keyof ShowRecords;

export interface ParserSpec {
  /** Stable id, e.g. `show mac address-table`. */
  id: ParserId;
  platforms: readonly ParserPlatform[];
  /** Full keywords of the command; typed words may abbreviate them. Extra words are arguments. */
  keywords: readonly string[];
  /** Other full spellings of the same command (`show mac-address-table`, `show arp`). */
  aliases?: readonly (readonly string[])[];
  parse: Parser<unknown>;
}

const BOTH: readonly ParserPlatform[] = ['cisco_ios', 'cisco_nxos'];
const IOS: readonly ParserPlatform[] = ['cisco_ios'];

const spec = <K extends ParserId>(
  id: K,
  platforms: readonly ParserPlatform[],
  parse: Parser<ShowRecords[K]>,
  aliases: string[] = [],
): ParserSpec => ({
  id,
  platforms,
  keywords: id.split(' '),
  aliases: aliases.map((a) => a.split(' ')),
  parse: parse as Parser<unknown>,
});

/** Every parser, by command. */
export const PARSERS: readonly ParserSpec[] = [
  spec('show mac address-table', BOTH, parseMacAddressTable, ['show mac-address-table']),
  spec('show ip arp', BOTH, parseArp, ['show arp']),
  spec('show access-lists', BOTH, parseAccessLists, ['show ip access-lists', 'show mac access-lists']),
  spec('show running-config', IOS, parseRunningConfig),
  spec('show running-config interface', IOS, parseRunningConfigInterface),
  spec('show ip dhcp binding', IOS, parseDhcpBinding),
  spec('show ip dhcp snooping binding', IOS, parseDhcpSnoopingBinding),
  spec('show ip dhcp pool', IOS, parseDhcpPool),
  spec('show interfaces status', BOTH, parseInterfacesStatus),
  spec('show interfaces status err-disabled', IOS, parseInterfacesStatusErrDisabled),
  spec('show interfaces trunk', IOS, parseInterfacesTrunk),
  spec('show route-map', IOS, parseRouteMap),
  spec('show ip interface brief', BOTH, parseIpInterfaceBrief),
];

/** Lower-cases, drops `| …` filters and a leading `do`, splits into words. */
function words(command: string): string[] {
  const [main = ''] = command.split('|');
  const w = main.trim().toLowerCase().split(/\s+/).filter(Boolean);
  return w[0] === 'do' ? w.slice(1) : w;
}

/** Number of keywords matched when every keyword is abbreviated by the typed word, else 0. */
function matchLength(typed: readonly string[], keywords: readonly string[]): number {
  if (typed.length < keywords.length) return 0;
  return keywords.every((k, i) => k.startsWith(typed[i]!)) ? keywords.length : 0;
}

/** Finds the parser for a typed command; undefined when none (or when the abbreviation is ambiguous). */
export function findParser(platform: ParserPlatform, command: string): ParserSpec | undefined {
  const typed = words(command);
  let best: { spec: ParserSpec; len: number }[] = [];
  for (const s of PARSERS) {
    if (!s.platforms.includes(platform)) continue;
    const len = Math.max(...[s.keywords, ...(s.aliases ?? [])].map((k) => matchLength(typed, k)));
    if (len === 0 || (best[0] && len < best[0].len)) continue;
    if (best[0] && len > best[0].len) best = [];
    best.push({ spec: s, len });
  }
  return best.length === 1 ? best[0]!.spec : undefined;
}

/**
 * Parses the output of `command` on `platform`.
 * @throws ValidationError `E_NO_PARSER` when no parser handles the command.
 */
export function parseShow(platform: ParserPlatform, command: string, text: string): ParseResult<unknown> {
  const found = findParser(platform, command);
  if (!found) {
    throw new ValidationError(`no parser for ${JSON.stringify(command)} on ${platform}`, {
      code: 'E_NO_PARSER',
      suggestions: [
        `Parsers exist for: ${PARSERS.filter((p) => p.platforms.includes(platform))
          .map((p) => p.id)
          .join(', ')}.`,
      ],
      details: { platform, command },
    });
  }
  return found.parse(text);
}

/**
 * Typed variant of {@link parseShow} for callers that know which command they sent:
 * `parseShowAs('cisco_ios', 'show ip arp', 'sh ip arp vrf X', text)` gives `ParseResult<ArpEntry>`.
 * @throws ValidationError `E_NO_PARSER` when `command` is not handled by the parser `id`.
 */
export function parseShowAs<K extends ParserId>(
  platform: ParserPlatform,
  id: K,
  command: string,
  text: string,
): ParseResult<ShowRecords[K]> {
  const found = findParser(platform, command);
  if (found?.id !== id) {
    throw new ValidationError(
      `${JSON.stringify(command)} is not handled by the ${id} parser on ${platform}`,
      {
        code: 'E_NO_PARSER',
        details: { platform, command, parser: id, found: found?.id ?? null },
      },
    );
  }
  return found.parse(text) as ParseResult<ShowRecords[K]>;
}
