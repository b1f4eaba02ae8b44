/**
 * `show running-config`, `show running-config interface X`, `show running-config partition …`
 * and `show running-config | section …`.
 *
 * The text is first cut into blocks (a top-level line plus its indented sub-lines, `!` comments,
 * blank lines, the `Building configuration...` preamble, `end`); every original line is kept, so
 * `stringifyRunningConfig(parseRunningConfig(x).records[0])` gives `x` back. Typed views are then
 * read from the blocks: interfaces, ACLs (named and numbered), route-maps, DHCP pools, excluded
 * address ranges, archive.
 */
import { clientIdToMac, type Mac } from '../../../values/index.js';
import {
  expandTabs,
  isNoise,
  isPromptOrEcho,
  mac,
  port,
  Warnings,
  type Line,
  type ParseResult,
} from '../common.js';
import { parseAclEntry, type AclEntry } from './access-lists.js';

export type BlockKind = 'section' | 'comment' | 'blank' | 'preamble' | 'end' | 'noise';

export interface ConfigBlock {
  kind: BlockKind;
  /** 1-based number of the block's first line. */
  line: number;
  /** Original lines, line endings removed (tabs and trailing spaces kept). */
  lines: string[];
}

/** Common to every typed section: where it came from and its original lines (for round-trips). */
export interface ConfigSource {
  line: number;
  lines: string[];
}

export interface ConfigInterface extends ConfigSource {
  /** Canonical long name. */
  name: string;
  description?: string;
  /** True when `shutdown` is configured. */
  shutdown: boolean;
  switchportMode?: string;
  accessVlan?: number;
  voiceVlan?: string;
  /** `switchport trunk allowed vlan` lists, `add` lines appended with a comma. */
  trunkAllowedVlans?: string;
  nativeVlan?: number;
  /** `ip address A M` (first, non-secondary); `dhcp` for `ip address dhcp`. */
  ipAddress?: { address: string; mask: string } | 'dhcp';
  secondaryAddresses: { address: string; mask: string }[];
  ipAccessGroup: { in?: string; out?: string };
  macAccessGroup?: { in?: string; out?: string };
  ipPolicyRouteMap?: string;
  vrf?: string;
}

export type ConfigAclKind =
  'ip-standard' | 'ip-extended' | 'ip-role-based' | 'ip' | 'ipv6' | 'mac-extended' | 'mac' | 'numbered-other';

export interface ConfigAcl extends ConfigSource {
  name: string;
  kind: ConfigAclKind;
  /** True for `access-list N …` lines (grouped by number; their lines need not be adjacent). */
  numbered: boolean;
  entries: AclEntry[];
}

export interface ConfigRouteMap extends ConfigSource {
  name: string;
  action: 'permit' | 'deny';
  /** Absent when the header has none (IOS then means 10). */
  seq?: number;
  description?: string;
  match: string[];
  set: string[];
}

export interface ConfigDhcpPool extends ConfigSource {
  name: string;
  network?: { address: string; mask: string };
  host?: { address: string; mask: string };
  hardwareAddress?: string;
  clientIdentifier?: string;
  /** From a `01`-prefixed client-identifier or the hardware-address. */
  mac: Mac | null;
  defaultRouters: string[];
  dnsServers: string[];
  domainName?: string;
  lease?: string;
}

export interface DhcpExcludedRange extends ConfigSource {
  vrf?: string;
  first: string;
  /** Same as `first` for a single address. */
  last: string;
}

export interface ArchiveConfig extends ConfigSource {
  path?: string;
  writeMemory: boolean;
}

export interface RunningConfig {
  blocks: ConfigBlock[];
  /** Line ending used when stringifying (`\r\n` when the input had any). */
  eol: '\n' | '\r\n';
  finalNewline: boolean;
  hostname?: string;
  interfaces: ConfigInterface[];
  acls: ConfigAcl[];
  routeMaps: ConfigRouteMap[];
  dhcpPools: ConfigDhcpPool[];
  dhcpExcluded: DhcpExcludedRange[];
  archive: ArchiveConfig | null;
}

export interface SplitOptions {
  /**
   * `show running-config interface X` output: every line up to `end` or the next `interface`
   * belongs to the interface, even unindented ones (some captures lose the indentation).
   */
  interfaceOutput?: boolean;
}

const PREAMBLE =
  /^(?:Building configuration\.\.\.|Current configuration\s*:.*|Configuration of Partition - .*)$/;

function indentOf(s: string): number {
  return /^\s*/.exec(expandTabs(s))![0].length;
}

/** The generic section splitter. Keeps every line; see {@link BlockKind}. */
export function splitSections(
  text: string,
  options: SplitOptions = {},
): {
  blocks: ConfigBlock[];
  eol: '\n' | '\r\n';
  finalNewline: boolean;
  mixedEol: boolean;
  orphans: number[];
} {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const mixedEol = eol === '\r\n' && /(^|[^\r])\n/.test(text);
  const finalNewline = /\r?\n$/.test(text);
  const raw = text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/);
  const nonBlank = raw.filter((l) => l.trim() !== '' && !isPromptOrEcho(l) && !PREAMBLE.test(l.trim()));
  const base = nonBlank.length ? Math.min(...nonBlank.map(indentOf)) : 0;
  const blocks: ConfigBlock[] = [];
  let open: ConfigBlock | undefined;
  let banner: string | undefined; // delimiter of an open multi-line banner
  const orphans: number[] = [];
  raw.forEach((l, i) => {
    const t = l.trim();
    const push = (kind: BlockKind): void => {
      open = { kind, line: i + 1, lines: [l] };
      blocks.push(open);
    };
    if (banner !== undefined) {
      open!.lines.push(l);
      if (l.includes(banner)) banner = undefined;
      return;
    }
    const top = indentOf(l) <= base;
    const inInterface =
      options.interfaceOutput && open?.kind === 'section' && /^\s*interface\s/.test(open.lines[0]!);
    if (t === '') return push('blank');
    if (isPromptOrEcho(l) || isNoise(l)) return push('noise');
    if (PREAMBLE.test(t)) return push('preamble');
    if (t === 'end' && top) return push('end');
    if (t.startsWith('!') && (top || inInterface || open?.kind !== 'section')) return push('comment');
    if (options.interfaceOutput && /^interface\s/.test(t)) return push('section');
    if (open?.kind === 'section' && (!top || (inInterface && !/^interface\s/.test(t)))) {
      open.lines.push(l);
      return;
    }
    if (!top) orphans.push(i + 1);
    push('section');
    const b = /^banner\s+\S+\s+(\^C|\S)(.*)$/.exec(t);
    if (b && !b[2]!.includes(b[1]!)) banner = b[1]!;
  });
  return { blocks, eol, finalNewline, mixedEol, orphans };
}

/** Joins lines back: `stringifySection(x, eol)`. */
export function stringifySection(section: { lines: readonly string[] }, eol = '\n'): string {
  return section.lines.join(eol);
}

export function stringifyRunningConfig(
  config: Pick<RunningConfig, 'blocks' | 'eol' | 'finalNewline'>,
): string {
  const body = config.blocks.flatMap((b) => b.lines).join(config.eol);
  return config.finalNewline ? body + config.eol : body;
}

function sub(block: ConfigBlock): Line[] {
  return block.lines.slice(1).map((text, i) => ({ no: block.line + 1 + i, text }));
}

function parseInterface(block: ConfigBlock, name: string): ConfigInterface {
  const intf: ConfigInterface = {
    name: port(name),
    line: block.line,
    lines: block.lines,
    shutdown: false,
    secondaryAddresses: [],
    ipAccessGroup: {},
  };
  for (const { text } of sub(block)) {
    const t = text.trim();
    let m: RegExpExecArray | null;
    if ((m = /^description\s(.*)$/.exec(t))) intf.description = m[1]!;
    else if (t === 'shutdown') intf.shutdown = true;
    else if (t === 'no shutdown') intf.shutdown = false;
    else if ((m = /^switchport mode\s+(\S+)/.exec(t))) intf.switchportMode = m[1]!;
    else if ((m = /^switchport access vlan\s+(\d+)$/.exec(t))) intf.accessVlan = Number(m[1]);
    else if ((m = /^switchport voice vlan\s+(\S+)$/.exec(t))) intf.voiceVlan = m[1]!;
    else if ((m = /^switchport trunk native vlan\s+(\d+)$/.exec(t))) intf.nativeVlan = Number(m[1]);
    else if ((m = /^switchport trunk allowed vlan\s+add\s+(\S+)$/.exec(t)))
      intf.trunkAllowedVlans = intf.trunkAllowedVlans ? `${intf.trunkAllowedVlans},${m[1]}` : m[1]!;
    else if ((m = /^switchport trunk allowed vlan\s+(\S+)$/.exec(t))) intf.trunkAllowedVlans = m[1]!;
    else if (t === 'ip address dhcp' || t.startsWith('ip address dhcp ')) intf.ipAddress = 'dhcp';
    else if ((m = /^ip address\s+(\S+)\s+(\S+)\s+secondary$/.exec(t)))
      intf.secondaryAddresses.push({ address: m[1]!, mask: m[2]! });
    else if ((m = /^ip address\s+(\S+)\s+(\S+)$/.exec(t))) intf.ipAddress = { address: m[1]!, mask: m[2]! };
    else if ((m = /^ip access-group\s+(\S+)\s+(in|out)$/.exec(t)))
      intf.ipAccessGroup[m[2] as 'in' | 'out'] = m[1]!;
    else if ((m = /^mac access-group\s+(\S+)\s+(in|out)$/.exec(t)))
      (intf.macAccessGroup ??= {})[m[2] as 'in' | 'out'] = m[1]!;
    else if ((m = /^ip policy route-map\s+(\S+)$/.exec(t))) intf.ipPolicyRouteMap = m[1]!;
    else if ((m = /^(?:ip )?vrf forwarding\s+(\S+)$/.exec(t))) intf.vrf = m[1]!;
  }
  return intf;
}

const ACL_HEADER: ReadonlyArray<readonly [RegExp, ConfigAclKind]> = [
  [/^ip access-list\s+extended\s+(\S+)$/, 'ip-extended'],
  [/^ip access-list\s+standard\s+(\S+)$/, 'ip-standard'],
  [/^ip access-list\s+role-based\s+(\S+)$/, 'ip-role-based'],
  [/^mac access-list\s+extended\s+(\S+)$/, 'mac-extended'],
  [/^ipv6 access-list\s+(\S+)$/, 'ipv6'],
  [/^mac access-list\s+(\S+)$/, 'mac'],
  [/^ip access-list\s+(?!logging\b|resequence\b|log-update\b|persistent\b|match-local)(\S+)$/, 'ip'],
];

function numberedKind(n: number): ConfigAclKind {
  if ((n >= 1 && n <= 99) || (n >= 1300 && n <= 1999)) return 'ip-standard';
  if ((n >= 100 && n <= 199) || (n >= 2000 && n <= 2699)) return 'ip-extended';
  if (n >= 1100 && n <= 1199) return 'mac-extended';
  return 'numbered-other';
}

function parseAcl(block: ConfigBlock, name: string, kind: ConfigAclKind, warnings: Warnings): ConfigAcl {
  const acl: ConfigAcl = { name, kind, numbered: false, line: block.line, lines: block.lines, entries: [] };
  for (const l of sub(block)) {
    if (l.text.trim().startsWith('!')) continue;
    const e = parseAclEntry(l.text);
    if (e) acl.entries.push(e);
    else warnings.add(l, `not an entry of access-list ${name}`);
  }
  return acl;
}

function parseRouteMap(block: ConfigBlock, m: RegExpExecArray): ConfigRouteMap {
  const rm: ConfigRouteMap = {
    name: m[1]!,
    action: (m[2] ?? 'permit') as 'permit' | 'deny',
    line: block.line,
    lines: block.lines,
    match: [],
    set: [],
  };
  if (m[3] !== undefined) rm.seq = Number(m[3]);
  for (const { text } of sub(block)) {
    const t = text.trim();
    if (t.startsWith('match ')) rm.match.push(t.slice(6));
    else if (t.startsWith('set ')) rm.set.push(t.slice(4));
    else if (t.startsWith('description ')) rm.description = t.slice(12);
  }
  return rm;
}

function addressMask(rest: string): { address: string; mask: string } | undefined {
  const m = /^(\S+)\s*(\/\d+|\S+)?/.exec(rest);
  return m ? { address: m[1]!, mask: m[2] ?? '' } : undefined;
}

function parseDhcpPool(block: ConfigBlock, name: string): ConfigDhcpPool {
  const pool: ConfigDhcpPool = {
    name,
    line: block.line,
    lines: block.lines,
    mac: null,
    defaultRouters: [],
    dnsServers: [],
  };
  for (const { text } of sub(block)) {
    const t = text.trim();
    let m: RegExpExecArray | null;
    if ((m = /^network\s+(.*)$/.exec(t))) pool.network = addressMask(m[1]!);
    else if ((m = /^host\s+(.*)$/.exec(t))) pool.host = addressMask(m[1]!);
    else if ((m = /^hardware-address\s+(\S+)/.exec(t))) pool.hardwareAddress = m[1]!;
    else if ((m = /^client-identifier\s+(\S+)/.exec(t))) pool.clientIdentifier = m[1]!;
    else if ((m = /^default-router\s+(.*)$/.exec(t))) pool.defaultRouters.push(...m[1]!.split(/\s+/));
    else if ((m = /^dns-server\s+(.*)$/.exec(t))) pool.dnsServers.push(...m[1]!.split(/\s+/));
    else if ((m = /^domain-name\s+(\S+)/.exec(t))) pool.domainName = m[1]!;
    else if ((m = /^lease\s+(.*)$/.exec(t))) pool.lease = m[1]!;
  }
  const fromCid = pool.clientIdentifier === undefined ? undefined : clientIdToMac(pool.clientIdentifier);
  const fromHw = pool.hardwareAddress === undefined ? undefined : mac(pool.hardwareAddress);
  pool.mac = fromCid ?? fromHw ?? null;
  return pool;
}

export function parseRunningConfig(text: string, options: SplitOptions = {}): ParseResult<RunningConfig> {
  const warnings = new Warnings();
  const { blocks, eol, finalNewline, mixedEol, orphans } = splitSections(text, options);
  if (mixedEol) warnings.add({ no: 1, text: '' }, 'mixed line endings; stringify uses \\r\\n throughout');
  const cfg: RunningConfig = {
    blocks,
    eol,
    finalNewline,
    interfaces: [],
    acls: [],
    routeMaps: [],
    dhcpPools: [],
    dhcpExcluded: [],
    archive: null,
  };
  const numbered = new Map<string, ConfigAcl>();
  for (const block of blocks) {
    if (block.kind !== 'section') continue;
    const head = expandTabs(block.lines[0]!).trim();
    let m: RegExpExecArray | null;
    const acl = ACL_HEADER.find(([re]) => re.test(head));
    if ((m = /^hostname\s+(\S+)/.exec(head))) cfg.hostname = m[1]!;
    else if ((m = /^interface\s+(.+?)\s*$/.exec(head))) cfg.interfaces.push(parseInterface(block, m[1]!));
    else if (acl) cfg.acls.push(parseAcl(block, acl[0].exec(head)![1]!, acl[1], warnings));
    else if ((m = /^access-list\s+(\d+)\s+(.*)$/.exec(head))) {
      const entry = parseAclEntry(m[2]!);
      let group = numbered.get(m[1]!);
      if (!group) {
        group = {
          name: m[1]!,
          kind: numberedKind(Number(m[1])),
          numbered: true,
          line: block.line,
          lines: [],
          entries: [],
        };
        numbered.set(m[1]!, group);
        cfg.acls.push(group);
      }
      group.lines.push(...block.lines);
      if (entry) group.entries.push(entry);
      else warnings.add({ no: block.line, text: head }, `not an entry of access-list ${m[1]}`);
    } else if ((m = /^route-map\s+(\S+)(?:\s+(permit|deny))?(?:\s+(\d+))?\s*$/.exec(head)))
      cfg.routeMaps.push(parseRouteMap(block, m));
    else if ((m = /^ip dhcp pool\s+(\S+)\s*$/.exec(head))) cfg.dhcpPools.push(parseDhcpPool(block, m[1]!));
    else if ((m = /^ip dhcp excluded-address\s+(?:vrf\s+(\S+)\s+)?(\S+)(?:\s+(\S+))?\s*$/.exec(head))) {
      const r: DhcpExcludedRange = {
        first: m[2]!,
        last: m[3] ?? m[2]!,
        line: block.line,
        lines: block.lines,
      };
      if (m[1]) r.vrf = m[1];
      cfg.dhcpExcluded.push(r);
    } else if (head === 'archive') {
      const a: ArchiveConfig = { line: block.line, lines: block.lines, writeMemory: false };
      for (const { text: s } of sub(block)) {
        const p = /^\s*path\s+(\S+)/.exec(s);
        if (p) a.path = p[1]!;
        if (s.trim() === 'write-memory') a.writeMemory = true;
      }
      cfg.archive = a;
    }
  }
  for (const n of orphans) {
    warnings.add(
      { no: n, text: expandTabs(blocks.find((b) => b.line === n)!.lines[0]!) },
      'indented line outside any section',
    );
  }
  return { records: [cfg], warnings: warnings.list };
}

/** `show running-config interface X`: like {@link parseRunningConfig}, tolerant of lost indentation. */
export function parseRunningConfigInterface(text: string): ParseResult<RunningConfig> {
  return parseRunningConfig(text, { interfaceOutput: true });
}
