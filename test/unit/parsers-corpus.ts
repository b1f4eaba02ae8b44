/**
 * Runs every raw sample of the shared corpus (`<root>/<platform>/<command folder>/`) through
 * `parseShow` and compares the fields we extract with the expected parse lying beside it:
 * ntc-templates `*.yml` (`parsed_sample:`), genieparser `*_expected.json`, NAPALM
 * `*_expected_result.json`. Files are discovered at run time; the command comes from the folder name.
 * Both sides are projected to comparable rows (canonical MAC / interface names) and compared as
 * sorted lists. Used by test/unit/parsers.test.ts and test/parsers-report.ts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  findParser,
  parseShow,
  stringifyRunningConfig,
  type Acl,
  type ArpEntry,
  type DhcpBinding,
  type DhcpPoolStatus,
  type DhcpSnoopingBinding,
  type ErrDisabledPort,
  type InterfaceStatus,
  type IpInterfaceBrief,
  type MacTableEntry,
  type ParserPlatform,
  type RouteMapEntry,
  type RunningConfig,
} from '../../src/devices/parsers/index.js';
import { tryParseInterface, tryParseMac } from '../../src/values/index.js';

/** The shared corpus: $HIGHALERT_CORPUS, else `shared/corpus` beside the repository (as CI lays it). */
export const DEFAULT_CORPUS =
  process.env.HIGHALERT_CORPUS ??
  [join(fileURLToPath(new URL('../../..', import.meta.url)), 'shared', 'corpus'), '/work/shared/corpus'].find(
    (d) => existsSync(d),
  ) ??
  '../shared/corpus';

type Source = 'ntc' | 'genie' | 'napalm';
type Obj = Record<string, unknown>;
type Rows = string[];

export interface SampleResult {
  platform: ParserPlatform;
  folder: string;
  file: string;
  command: string;
  source: Source | 'none';
  expectedFile?: string;
  records: number;
  warnings: number;
  /** Parse threw, or produced no records when records were expected. */
  error?: string;
  /** Only when an expected parse exists. */
  matched?: boolean;
  reason?: string;
}

// ---------- normalization helpers ----------

const s = (v: unknown): string => (v === undefined || v === null ? '' : String(v)).trim();
const nmac = (v: unknown): string => tryParseMac(s(v)) ?? s(v).toLowerCase();
const nif = (v: unknown): string => tryParseInterface(s(v)) ?? s(v).toLowerCase();
const obj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});
const entries = (v: unknown): [string, Obj][] => Object.entries(obj(v)).map(([k, x]) => [k, obj(x)]);
const vlanKey = (v: unknown): string => {
  const t = s(v).toLowerCase();
  return /^\d+$/.test(t) ? String(Number(t)) : t === 'all' ? 'all' : '';
};
const row = (...xs: unknown[]): string => xs.map(s).join('|');
const ntcList = (data: unknown): Obj[] => (obj(data).parsed_sample as Obj[] | undefined) ?? [];

// ---------- per-command projections: [expected(source, data), actual(source, records, expectedData)] ----------

interface Projection {
  expected(src: Source, data: unknown): Rows;
  actual(src: Source, records: unknown[], data: unknown): Rows;
}

const NON_IF_NAPALM = new Set(['router', 'switch', 'cpu', 'stby-switch', 'drop']);

const macTable: Projection = {
  expected(src, data) {
    if (src === 'ntc') {
      return ntcList(data).map((r) => {
        const ports = r.destination_port ?? r.ports;
        const list = (Array.isArray(ports) ? ports : [ports]).map(nif).sort();
        return row(
          vlanKey(r.vlan_id ?? r.vlan),
          nmac(r.destination_address ?? r.mac_address),
          list.join(','),
        );
      });
    }
    if (src === 'genie' && obj(data).ports) {
      // ShowMacAddressTableDynamic: {ports: {n: {mac-address, port, vlan-id}}}
      return entries(obj(data).ports).map(([, p]) =>
        row(vlanKey(p['vlan-id']), nmac(p['mac-address']), nif(p.port)),
      );
    }
    if (src === 'genie') {
      return entries(obj(obj(data).mac_table).vlans).flatMap(([vlan, v]) =>
        entries(v.mac_addresses).map(([m, e]) => {
          const ports = Object.keys(obj(e.interfaces)).map(nif);
          if (e.drop) ports.push('drop');
          return row(vlanKey(vlan), nmac(m), ports.sort().join(','));
        }),
      );
    }
    return (data as Obj[]).map((r) => row(s(r.vlan) === '0' ? '' : s(r.vlan), nmac(r.mac), nif(r.interface)));
  },
  actual(src, records) {
    const recs = records as MacTableEntry[];
    const v = (e: MacTableEntry): string => (e.vlan === null ? '' : String(e.vlan));
    if (src === 'ntc')
      return recs.filter((e) => !e.multicast).map((e) => row(v(e), e.mac, e.ports.map(nif).sort().join(',')));
    if (src === 'genie') return recs.map((e) => row(v(e), e.mac, e.ports.map(nif).sort().join(',')));
    return recs.flatMap((e) =>
      e.ports.map((p) => {
        const napalmPort = NON_IF_NAPALM.has(p.toLowerCase()) ? '' : nif(p);
        return row(typeof e.vlan === 'number' ? e.vlan : '', e.mac, napalmPort);
      }),
    );
  },
};

const arp: Projection = {
  expected(src, data) {
    if (src === 'ntc')
      return ntcList(data).map((r) =>
        row(
          r.ip_address ?? r.address,
          nmac(r.mac_address ?? r.hardware_address),
          nif(r.interface) === '-' ? '' : nif(r.interface),
          r.age ?? r.age_min,
        ),
      );
    if (src === 'genie') {
      const d = obj(data);
      const perIf = entries(d.interfaces).flatMap(([intf, i]) =>
        entries(obj(i.ipv4).neighbors).map(([ip, n]) =>
          row(ip, nmac(n.link_layer_address), nif(intf), n.age),
        ),
      );
      const global = entries(d.global_static_table).map(([ip, n]) => row(ip, nmac(n.mac_address), '', n.age));
      return [...perIf, ...global];
    }
    return (data as Obj[]).map((r) => row(r.ip, nmac(r.mac), nif(r.interface)));
  },
  actual(src, records) {
    return (records as ArpEntry[]).map((e) =>
      src === 'napalm'
        ? row(e.ip, e.mac ?? 'incomplete', e.interface ?? '')
        : row(e.ip, e.mac ?? 'incomplete', e.interface ?? '', e.age),
    );
  },
};

const accessLists: Projection = {
  expected(src, data) {
    if (src === 'ntc') {
      return ntcList(data).map((r) =>
        row(
          r.name ?? r.acl_name,
          r.sn ?? r.line_num,
          s(r.action).toLowerCase(),
          s(r.matches).replace(/\D/g, ''),
        ),
      );
    }
    return entries(data).flatMap(([name, acl]) => {
      const aces = entries(acl.aces);
      if (aces.length === 0) return [row(name, '', '', '')];
      return aces.map(([seq, a]) =>
        row(name, seq, obj(a.actions).forwarding, obj(a.statistics).matched_packets),
      );
    });
  },
  actual(src, records, data) {
    const acls = records as Acl[];
    if (src === 'ntc') {
      const withHeaders = ntcList(data).some((r) => s(r.action) === '');
      // the NX-OS template leaves `[match=N]` inside `modifier`, so counters are compared only when extracted
      const withMatches = ntcList(data).some((r) => 'matches' in r);
      return acls.flatMap((acl) => [
        ...(withHeaders ? [row(acl.name, '', '', '')] : []),
        ...acl.entries.map((e) => row(acl.name, e.seq, e.action, withMatches ? e.matches : '')),
      ]);
    }
    // genieparser merges same-name lists, numbers unnumbered entries 10, 20, … and drops remarks
    const byName = new Map<string, Acl['entries']>();
    for (const acl of acls) byName.set(acl.name, [...(byName.get(acl.name) ?? []), ...acl.entries]);
    return [...byName].flatMap(([name, list]) => {
      const aces = list.filter((e) => e.action !== 'remark');
      if (aces.length === 0) return [row(name, '', '', '')];
      return aces.map((e, i) => row(name, e.seq ?? (i + 1) * 10, e.action, e.matches));
    });
  },
};

const config = (records: unknown[]): RunningConfig => records[0] as RunningConfig;

const runInterface: Projection = {
  expected(src, data) {
    if (src === 'ntc') {
      return ntcList(data).map((r) =>
        row(nif(r.interface), r.description, r.ip_address, r.netmask, r.access_group_in, r.access_group_out),
      );
    }
    return entries(obj(data).interfaces).map(([name, i]) => {
      const acl = obj(i.acl);
      const v4 = obj(i.ipv4);
      return row(
        nif(name),
        i.description,
        i.switchport_mode,
        i.switchport_access_vlan,
        v4.ip,
        v4.netmask,
        obj(acl.inbound).acl_name,
        obj(acl.outbound).acl_name,
      );
    });
  },
  actual(src, records) {
    return config(records).interfaces.map((i) => {
      const ip = typeof i.ipAddress === 'object' ? i.ipAddress : undefined;
      return src === 'ntc'
        ? row(nif(i.name), i.description, ip?.address, ip?.mask, i.ipAccessGroup.in, i.ipAccessGroup.out)
        : row(
            nif(i.name),
            i.description,
            i.switchportMode,
            i.accessVlan,
            ip?.address,
            ip?.mask,
            i.ipAccessGroup.in,
            i.ipAccessGroup.out,
          );
    });
  },
};

const partitionAcl: Projection = {
  expected(_src, data) {
    // ntc: one row per ACL header (action "") and per entry; remarks are folded into `comment`
    return ntcList(data).map((r) => row(r.acl_name, s(r.action).toLowerCase()));
  },
  actual(_src, records) {
    return config(records).acls.flatMap((acl) => {
      const rows = acl.entries.filter((e) => e.action !== 'remark').map((e) => row(acl.name, e.action));
      return acl.numbered ? rows : [row(acl.name, ''), ...rows];
    });
  },
};

const partitionRouteMap: Projection = {
  expected: (_src, data) => ntcList(data).map((r) => row(r.route_map_name, r.sequence)),
  actual: (_src, records) => config(records).routeMaps.map((r) => row(r.name, r.seq)),
};

const routeMap: Projection = {
  expected(src, data) {
    if (src === 'ntc') {
      return ntcList(data).map((r) =>
        row(
          r.name,
          r.action,
          r.seq,
          (r.match_clauses as string[]).join(';'),
          (r.set_clauses as string[]).join(';'),
        ),
      );
    }
    return entries(data).flatMap(([name, rm]) =>
      entries(rm.statements).map(([seq, st]) =>
        row(name, seq, obj(st.actions).route_disposition, obj(st.policy_routing_matches).packets),
      ),
    );
  },
  actual(src, records) {
    return (records as RouteMapEntry[]).map((r) =>
      src === 'ntc'
        ? row(r.name, r.action, r.seq, r.matchClauses.join(';'), r.setClauses.join(';'))
        : row(r.name, r.seq, r.action, r.policyRoutingMatches?.packets),
    );
  },
};

const dhcpBinding: Projection = {
  expected(src, data) {
    if (src === 'ntc')
      return ntcList(data).map((r) =>
        row(r.ip_address, s(r.hardware_address).toLowerCase(), r.expiration, r.type),
      );
    return entries(obj(data).dhcp_binding).map(([, b]) =>
      row(b.ip_address, s(b.client_id).toLowerCase(), b.lease_expiration, b.type, b.state, nif(b.interface)),
    );
  },
  actual(src, records) {
    return (records as DhcpBinding[]).map((b) =>
      src === 'ntc'
        ? row(b.ip, b.clientId.toLowerCase(), b.expires, b.type)
        : row(
            b.ip,
            b.clientId.toLowerCase(),
            b.expires,
            b.type,
            b.state,
            b.interface ? nif(b.interface) : '',
          ),
    );
  },
};

const snooping: Projection = {
  expected(src, data) {
    if (src === 'ntc')
      return ntcList(data).map((r) =>
        row(nmac(r.mac_address), r.ip_address, r.lease, r.type, r.vlan_id, nif(r.interface)),
      );
    return entries(obj(data).interfaces).flatMap(([intf, i]) =>
      entries(i.vlan).map(([vlan, b]) => row(nmac(b.mac), b.ip, b.lease, b.type, vlan, nif(intf))),
    );
  },
  actual: (_src, records) =>
    (records as DhcpSnoopingBinding[]).map((b) => row(b.mac, b.ip, b.leaseSec, b.type, b.vlan, b.interface)),
};

const interfacesStatus: Projection = {
  expected: (_src, data) =>
    ntcList(data).map((r) =>
      row(nif(r.port), r.name, r.status, r.vlan_id, r.duplex, r.speed, r.type, r.fc_mode),
    ),
  actual: (_src, records) =>
    (records as InterfaceStatus[]).map((r) =>
      row(nif(r.port), r.name, r.status, r.vlan, r.duplex, r.speed, r.type, r.fcMode),
    ),
};

const errDisabled: Projection = {
  expected(src, data) {
    if (src === 'ntc') return ntcList(data).map((r) => row(nif(r.interface), r.name, r.status, r.port_error));
    return entries(obj(data).interfaces).map(([p, r]) => row(nif(p), r.name, r.status, r.reason));
  },
  actual: (_src, records) =>
    (records as ErrDisabledPort[]).map((r) => row(nif(r.port), r.name, r.status, r.reason)),
};

const dhcpPool: Projection = {
  expected: (_src, data) =>
    entries(obj(data).pools).map(([name, p]) =>
      row(
        name,
        p.total_addresses,
        p.leased_addresses,
        entries(p.subnets)
          .map(([, sn]) => s(sn.ip_range).replace(/\s+/g, ''))
          .join(','),
      ),
    ),
  actual: (_src, records) =>
    (records as DhcpPoolStatus[]).map((p) =>
      row(
        p.name,
        p.totalAddresses,
        p.leasedAddresses,
        p.subnets.map((sn) => `${sn.first}-${sn.last}`).join(','),
      ),
    ),
};

const ipIntBrief: Projection = {
  expected(src, data) {
    if (src === 'ntc')
      return ntcList(data).map((r) => row(nif(r.interface), r.ip_address, r.status, r.proto));
    return entries(obj(data).interface).map(([i, r]) => row(nif(i), r.ip_address, r.status, r.protocol));
  },
  actual: (_src, records) =>
    (records as IpInterfaceBrief[]).map((r) => row(nif(r.interface), r.ip, r.status, r.protocol)),
};

/** Folder → projection. Folders not listed are parsed (must not throw) but not compared. */
const PROJECTIONS: Record<string, Projection> = {
  'show_mac_address-table': macTable,
  'show_mac_address-table_dynamic': macTable,
  show_arp: arp,
  show_ip_arp: arp,
  show_ip_arp_detail: arp,
  show_ip_arp_detail_vrf_all: arp,
  'show_mac_address-table_vni': macTable,
  'show_access-lists': accessLists,
  'show_ip_access-lists': accessLists,
  'show_running-config_interface': runInterface,
  'show_running-config_partition_access-list': partitionAcl,
  'show_running-config_partition_route-map': partitionRouteMap,
  'show_route-map': routeMap,
  show_ip_dhcp_binding: dhcpBinding,
  show_ip_dhcp_snooping_binding: snooping,
  show_interfaces_status: interfacesStatus,
  'show_interfaces_status_err-disabled': errDisabled,
  show_ip_dhcp_pool: dhcpPool,
  show_ip_interface_brief: ipIntBrief,
};

// ---------- discovery ----------

function isRaw(file: string): boolean {
  return !/\.(ya?ml|json)$/.test(file);
}

function expectedFor(file: string, all: string[]): { source: Source; file: string } | undefined {
  if (file.endsWith('.raw')) {
    const yml = file.replace(/\.raw$/, '.yml');
    return all.includes(yml) ? { source: 'ntc', file: yml } : undefined;
  }
  if (file.startsWith('genieparser_') && file.endsWith('_output.txt')) {
    const exp = file.replace(/_output\.txt$/, '_expected.json');
    return all.includes(exp) ? { source: 'genie', file: exp } : undefined;
  }
  if (file.startsWith('napalm_')) {
    const candidates = all
      .filter((f) => f.endsWith('_expected_result.json'))
      .filter((f) => file.startsWith(f.replace(/expected_result\.json$/, '')))
      .sort((a, b) => b.length - a.length);
    return candidates[0] ? { source: 'napalm', file: candidates[0] } : undefined;
  }
  return undefined;
}

function sourceOf(file: string): Source | 'none' {
  if (file.startsWith('genieparser_')) return 'genie';
  if (file.startsWith('napalm_')) return 'napalm';
  if (file.endsWith('.raw')) return 'ntc';
  return 'none';
}

function diff(exp: Rows, act: Rows): string {
  const count = (rows: Rows): Map<string, number> => {
    const m = new Map<string, number>();
    for (const r of rows) m.set(r, (m.get(r) ?? 0) + 1);
    return m;
  };
  const e = count(exp);
  const a = count(act);
  const missing = [...e].filter(([r, n]) => (a.get(r) ?? 0) < n).map(([r]) => r);
  const extra = [...a].filter(([r, n]) => (e.get(r) ?? 0) < n).map(([r]) => r);
  const show = (xs: string[]): string =>
    xs.slice(0, 3).join(' ; ') + (xs.length > 3 ? ` (+${xs.length - 3} more)` : '');
  return [
    `expected ${exp.length} rows, got ${act.length}`,
    missing.length ? `missing: ${show(missing)}` : '',
    extra.length ? `unexpected: ${show(extra)}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

function hasRecords(folder: string, records: unknown[]): boolean {
  if (!folder.startsWith('show_running-config')) return records.length > 0;
  const c = config(records);
  return c.interfaces.length + c.acls.length + c.routeMaps.length + c.dhcpPools.length > 0;
}

/** Runs one sample. Never throws. */
export function runSample(
  root: string,
  platform: ParserPlatform,
  folder: string,
  file: string,
): SampleResult {
  const dir = join(root, platform, folder);
  const all = readdirSync(dir);
  const command = folder.replace(/_/g, ' ');
  const exp = expectedFor(file, all);
  const result: SampleResult = {
    platform,
    folder,
    file,
    command,
    source: exp?.source ?? sourceOf(file),
    records: 0,
    warnings: 0,
  };
  if (exp) result.expectedFile = exp.file;
  const text = readFileSync(join(dir, file), 'utf8');
  let records: unknown[];
  try {
    const parsed = parseShow(platform, command, text);
    records = parsed.records;
    result.records = records.length;
    result.warnings = parsed.warnings.length;
  } catch (err) {
    result.error = `parse threw: ${err instanceof Error ? err.message : String(err)}`;
    if (exp) result.matched = false;
    return result;
  }
  if (
    folder.startsWith('show_running-config') &&
    stringifyRunningConfig(config(records)) !== text.replace(/\r?\n/g, config(records).eol)
  ) {
    result.error = 'running-config round-trip changed the text';
  }
  const projection = PROJECTIONS[folder];
  if (exp && projection) {
    const raw = readFileSync(join(dir, exp.file), 'utf8');
    const data: unknown = exp.source === 'ntc' ? parseYaml(raw) : JSON.parse(raw);
    const want = projection.expected(exp.source, data).sort();
    const got = projection.actual(exp.source, records, data).sort();
    result.matched = JSON.stringify(want) === JSON.stringify(got);
    if (!result.matched) result.reason = diff(want, got);
    if (want.length > 0 && !hasRecords(folder, records)) result.error ??= 'no records';
  } else if (!hasRecords(folder, records)) {
    result.error ??= 'no records';
  }
  return result;
}

/** Every raw sample of every folder that has a parser, for both platforms. */
export function runCorpus(root = DEFAULT_CORPUS): SampleResult[] {
  const out: SampleResult[] = [];
  for (const platform of ['cisco_ios', 'cisco_nxos'] as const) {
    const pdir = join(root, platform);
    if (!existsSync(pdir)) continue;
    for (const folder of readdirSync(pdir).sort()) {
      if (!findParser(platform, folder.replace(/_/g, ' '))) continue;
      for (const file of readdirSync(join(pdir, folder)).sort().filter(isRaw)) {
        out.push(runSample(root, platform, folder, file));
      }
    }
  }
  return out;
}

export interface CommandSummary {
  key: string;
  samples: number;
  withExpected: number;
  passed: number;
  errors: number;
}

export function summarize(results: SampleResult[]): CommandSummary[] {
  const by = new Map<string, CommandSummary>();
  for (const r of results) {
    const key = `${r.platform}/${r.folder}`;
    const c = by.get(key) ?? { key, samples: 0, withExpected: 0, passed: 0, errors: 0 };
    c.samples++;
    if (r.matched !== undefined) c.withExpected++;
    if (r.matched === true && !r.error) c.passed++;
    if (r.error) c.errors++;
    by.set(key, c);
  }
  return [...by.values()];
}
