/**
 * `highalert setup`: creates the High-Alert group on the network, idempotently. Per IPv4 VLAN:
 * the DHCP server keeps the High-Alert range out of dynamic assignment (Kea: a guarded pool; IOS
 * DHCP: `ip dhcp excluded-address`), and the gateway policy-routes the pool to the monitor (pool
 * ACL, route-map, `ip policy route-map` on the SVI). Only missing lines are planned; the plan is
 * data (`planSetup` is pure), shown as a dry-run or applied all-or-nothing.
 */
import type { ConfigAcl, ConfigRouteMap, RunningConfig } from '../devices/parsers/index.js';
import type { DhcpScope } from '../dhcp/backend.js';
import { highAlertScope } from '../dhcp/index.js';
import { DhcpBackendError, PolicyError, ValidationError } from '../errors.js';
import type { ResolvedInventory, ResolvedVlan } from '../inventory/types.js';
import type { ConfigDiff } from '../model/plan.js';
import type { AclRef, AclSource, SetupGatewayContext } from '../render/contexts.js';
import { renderLines } from '../render/templates.js';
import { ipToBigInt, tryParseIp, type IpAddress, type IpRange } from '../values/ip.js';
import { isConfigName, type ConfigName } from '../values/names.js';
import { gatewayNames, ROUTE_MAP_SEQ } from './names.js';
import { findSvi } from './observe.js';
import { blockText, poolBlocks, type PoolBlock } from './pool-acl.js';
import type { GatewayStep } from './steps.js';

/** A Kea server's part: the guarded pool, previewed from its config (see kea-notes.md). */
export interface KeaGuardPlan {
  readonly server: string;
  readonly site: string;
  readonly vlan: number;
  readonly scope: DhcpScope;
  readonly range: IpRange;
  readonly changed: boolean;
  readonly preview: string[];
}

export type VlanSetupStatus = 'change' | 'unchanged' | 'skipped';

export interface VlanSetup {
  readonly site: string;
  readonly vlan: number;
  readonly gateway: string;
  readonly interface: string;
  readonly pool: string;
  readonly status: VlanSetupStatus;
  /** Why a VLAN is skipped. */
  readonly reason?: string;
  readonly poolAcl?: string;
  readonly routeMap?: string;
  readonly dhcp?: {
    readonly server: string;
    readonly backend: 'kea' | 'cisco_ios';
    readonly changed: boolean;
  };
}

export interface SetupPlan {
  readonly kind: 'setup';
  readonly site: string | null;
  readonly vlans: VlanSetup[];
  readonly steps: GatewayStep[];
  readonly kea: KeaGuardPlan[];
  readonly diffs: ConfigDiff[];
}

export function vlanKey(v: Pick<ResolvedVlan, 'site' | 'id'>): string {
  return `${v.site}/${v.id}`;
}

/** The VLANs a setup/hold covers: every VLAN, or those of one site. */
export function selectVlans(inv: Pick<ResolvedInventory, 'vlans' | 'sites'>, site?: string): ResolvedVlan[] {
  if (site === undefined) return [...inv.vlans];
  if (!inv.sites.some((s) => s.name === site)) {
    throw new ValidationError(`site ${JSON.stringify(site)} is not in the inventory`, {
      code: 'E_UNKNOWN_SITE',
      suggestions: [`Sites: ${inv.sites.map((s) => s.name).join(', ') || '(none)'}.`],
    });
  }
  return inv.vlans.filter((v) => v.site === site);
}

export const IPV6_SKIPPED =
  'IPv6: policy routing for IPv6 pools is not implemented; nothing done for this VLAN';

/** The pool's DHCP scope on the server: the VLAN subnet, or the dedicated High-Alert subnet. */
function conflict(device: string, code: string, message: string, suggestions: string[]): PolicyError {
  return new PolicyError(code, `${device}: ${message}`, { device, suggestions });
}

function toSource(b: PoolBlock): AclSource {
  return { address: b.address, wildcard: b.wildcard };
}

const POOL_ENTRY = /^permit\s+ip\s+(?:host\s+(\S+)|(\S+)\s+(\S+))\s+any$/;

/** Reads back an existing pool ACL: its entries as blocks, or a conflict for anything else in it. */
function existingPoolEntries(acl: ConfigAcl, device: string): Map<string, AclSource> {
  if (acl.kind !== 'ip-extended' || acl.numbered) {
    throw conflict(
      device,
      'E_POOL_ACL_FOREIGN',
      `access-list ${acl.name} exists but is not a named extended IP ACL`,
      [`Remove access-list ${acl.name} by hand (highalert owns names starting HA-), then run setup again.`],
    );
  }
  const out = new Map<string, AclSource>();
  for (const e of acl.entries) {
    if (e.action === 'remark') continue;
    const m = POOL_ENTRY.exec(e.text.trim().replace(/\s+/g, ' '));
    const address = m ? tryParseIp(m[1] ?? m[2]!) : undefined;
    const wildcard = m?.[3] === undefined ? null : tryParseIp(m[3]);
    if (!m || address === undefined || wildcard === undefined) {
      throw conflict(
        device,
        'E_POOL_ACL_FOREIGN',
        `access-list ${acl.name} has an entry highalert did not write: ${e.text}`,
        [`Remove that entry (or the whole ACL) by hand, then run setup again.`],
      );
    }
    const src: AclSource = { address, wildcard: wildcard === '0.0.0.0' ? null : wildcard };
    out.set(blockText(src as PoolBlock), src);
  }
  return out;
}

function aclPart(
  cfg: RunningConfig,
  device: string,
  name: ConfigName,
  blocks: PoolBlock[],
): SetupGatewayContext['acl'] {
  const existing = cfg.acls.find((a) => a.name === name);
  if (!existing) return { name, created: true, add: blocks.map(toSource), remove: [] };
  const have = existingPoolEntries(existing, device);
  const want = new Map(blocks.map((b) => [blockText(b), toSource(b)]));
  const add = [...want].filter(([k]) => !have.has(k)).map(([, v]) => v);
  const remove = [...have].filter(([k]) => !want.has(k)).map(([, v]) => v);
  return add.length || remove.length ? { name, created: false, add, remove } : null;
}

function aclRef(name: string): AclRef | undefined {
  if (/^\d{1,4}$/.test(name)) return Number(name);
  return isConfigName(name) ? (name as ConfigName) : undefined;
}

function routeMapPart(
  rms: ConfigRouteMap[],
  device: string,
  name: ConfigName,
  acl: ConfigName,
  monitor: IpAddress,
  verify: boolean,
): SetupGatewayContext['route_map'] {
  const entry = rms.find((r) => r.name === name && (r.seq ?? ROUTE_MAP_SEQ) === ROUTE_MAP_SEQ);
  if (!entry) {
    return {
      name,
      seq: ROUTE_MAP_SEQ,
      created: true,
      match_acl: acl,
      remove_match: [],
      next_hop: monitor,
      remove_next_hops: [],
      verify,
      remove_verify: false,
    };
  }
  const foreign = (what: string) =>
    conflict(
      device,
      'E_ROUTE_MAP_FOREIGN',
      `route-map ${name} ${entry.action} ${ROUTE_MAP_SEQ} has ${what}`,
      [`Remove route-map ${name} by hand (highalert owns names starting HA-), then run setup again.`],
    );
  if (entry.action !== 'permit') throw foreign('action deny');
  const matched: AclRef[] = [];
  for (const m of entry.match) {
    const mm = /^ip address\s+(.+)$/.exec(m);
    if (!mm) throw foreign(`a clause highalert did not write: match ${m}`);
    for (const n of mm[1]!.trim().split(/\s+/)) {
      const ref = aclRef(n);
      if (ref === undefined) throw foreign(`a match on an unexpected name: ${n}`);
      matched.push(ref);
    }
  }
  let hops: IpAddress[] = [];
  let hasVerify = false;
  for (const s of entry.set) {
    if (s === 'ip next-hop verify-availability') {
      hasVerify = true;
      continue;
    }
    const sm = /^ip next-hop\s+(.+)$/.exec(s);
    const parsed = sm
      ? sm[1]!
          .trim()
          .split(/\s+/)
          .map((h) => tryParseIp(h))
      : [undefined];
    if (parsed.some((h) => h === undefined)) throw foreign(`a clause highalert did not write: set ${s}`);
    hops = [...hops, ...(parsed as IpAddress[])];
  }
  const part = {
    name,
    seq: ROUTE_MAP_SEQ,
    created: false,
    match_acl: matched.includes(acl) ? null : acl,
    remove_match: matched.filter((m) => m !== acl),
    next_hop: hops.includes(monitor) ? null : monitor,
    remove_next_hops: hops.filter((h) => h !== monitor),
    verify: verify && !hasVerify,
    remove_verify: !verify && hasVerify,
  };
  const noop =
    part.match_acl === null &&
    !part.remove_match.length &&
    part.next_hop === null &&
    !part.remove_next_hops.length &&
    !part.verify &&
    !part.remove_verify;
  return noop ? null : part;
}

/** Exclusions (global, not VRF) cover the range? */
function excludedCovers(cfg: RunningConfig, range: IpRange): boolean {
  const spans = cfg.dhcpExcluded
    .filter((e) => e.vrf === undefined)
    .flatMap((e) => {
      const a = tryParseIp(e.first);
      const b = tryParseIp(e.last);
      return a && b ? [[ipToBigInt(a), ipToBigInt(b)] as const] : [];
    })
    .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  let next = ipToBigInt(range.first);
  const last = ipToBigInt(range.last);
  for (const [a, b] of spans) {
    if (a > next) break;
    if (b >= next) next = b + 1n;
    if (next > last) return true;
  }
  return next > last;
}

function section(lines: readonly string[] | undefined): string {
  return lines ? lines.join('\n') : '';
}

function gatewayDiff(
  device: string,
  vlan: ResolvedVlan,
  cfg: RunningConfig,
  ctx: SetupGatewayContext,
  svi: { lines: string[] },
): ConfigDiff {
  const n = gatewayNames(vlan);
  const acl = cfg.acls.find((a) => a.name === n.poolAcl);
  const rm = cfg.routeMaps.find((r) => r.name === n.routeMap && (r.seq ?? ROUTE_MAP_SEQ) === ROUTE_MAP_SEQ);
  const before = [section(acl?.lines), section(rm?.lines), section(svi.lines)].filter(Boolean).join('\n');
  const after: string[] = [];
  // ACL after: kept entries, then added ones.
  const removed = new Set((ctx.acl?.remove ?? []).map((s) => `permit ip ${blockText(s as PoolBlock)} any`));
  after.push(`ip access-list extended ${n.poolAcl}`);
  for (const l of acl?.lines.slice(1) ?? []) if (!removed.has(l.trim().replace(/\s+/g, ' '))) after.push(l);
  for (const s of ctx.acl?.add ?? []) after.push(` permit ip ${blockText(s as PoolBlock)} any`);
  // Route-map after: what it will say.
  after.push(`route-map ${n.routeMap} permit ${ROUTE_MAP_SEQ}`);
  after.push(` match ip address ${n.poolAcl}`, ` set ip next-hop ${vlan.monitorIp}`);
  const verify = ctx.route_map
    ? ctx.route_map.verify ||
      (!ctx.route_map.remove_verify && rm?.set.includes('ip next-hop verify-availability'))
    : rm?.set.includes('ip next-hop verify-availability');
  if (verify) after.push(' set ip next-hop verify-availability');
  // SVI after.
  after.push(...svi.lines);
  if (ctx.policy) after.push(` ip policy route-map ${n.routeMap}`);
  return {
    device,
    title: `site ${vlan.site} VLAN ${vlan.id}: policy routing of the High-Alert pool`,
    before,
    after: after.join('\n'),
  };
}

export interface PlanSetupInput {
  readonly inventory: Pick<ResolvedInventory, 'device' | 'dhcpServer' | 'monitor'>;
  readonly site: string | null;
  readonly vlans: readonly ResolvedVlan[];
  /** Parsed running config of every gateway and IOS DHCP server involved. */
  readonly configs: ReadonlyMap<string, RunningConfig>;
  /** Kea previews by {@link vlanKey}. */
  readonly kea: ReadonlyMap<string, KeaGuardPlan>;
}

/** Pure: observed configs in, SetupPlan out. Throws on conflicts (nothing is sent then). */
export function planSetup(input: PlanSetupInput): SetupPlan {
  const vlans: VlanSetup[] = [];
  const steps: GatewayStep[] = [];
  const diffs: ConfigDiff[] = [];
  const kea: KeaGuardPlan[] = [];
  const excludeSeen = new Set<string>();
  for (const vlan of input.vlans) {
    const base = {
      site: vlan.site,
      vlan: vlan.id,
      gateway: vlan.gateway.device,
      interface: vlan.gateway.interface,
      pool: `${vlan.highAlertPool.range.first}-${vlan.highAlertPool.range.last}`,
    };
    if (vlan.version === 6) {
      vlans.push({ ...base, status: 'skipped', reason: IPV6_SKIPPED });
      continue;
    }
    const device = vlan.gateway.device;
    const platform = input.inventory.device(device)?.platform ?? 'cisco_ios';
    const cfg = input.configs.get(device);
    if (!cfg) throw new Error(`no running config read for ${device}`);
    const n = gatewayNames(vlan);
    const svi = findSvi(cfg, device, vlan.gateway.interface);
    if (svi.ipPolicyRouteMap !== undefined && svi.ipPolicyRouteMap !== n.routeMap) {
      throw conflict(
        device,
        'E_PBR_IN_USE',
        `${svi.name} already has ip policy route-map ${svi.ipPolicyRouteMap}; setup will not replace it`,
        [
          `Merge by hand: add an entry to route-map ${svi.ipPolicyRouteMap} before its others, matching ip address ${n.poolAcl} with set ip next-hop ${vlan.monitorIp}.`,
          `Or remove the binding (interface ${svi.name} / no ip policy route-map ${svi.ipPolicyRouteMap}) and run setup again.`,
        ],
      );
    }
    if (vlan.monitorIp.includes(':')) {
      throw new ValidationError(
        `site ${vlan.site} VLAN ${vlan.id} is IPv4 but its monitor ${vlan.monitorIp} is not`,
        {
          code: 'E_MONITOR_VERSION',
        },
      );
    }
    const blocks = poolBlocks(vlan.highAlertPool);
    const ctx: SetupGatewayContext = {
      acl: aclPart(cfg, device, n.poolAcl, blocks),
      route_map: routeMapPart(
        cfg.routeMaps,
        device,
        n.routeMap,
        n.poolAcl,
        vlan.monitorIp,
        input.inventory.monitor.verifyAvailability,
      ),
      policy:
        svi.ipPolicyRouteMap === n.routeMap
          ? null
          : { interface: vlan.gateway.interface, route_map: n.routeMap },
    };
    const lines = renderLines(platform, 'setup_gateway', ctx);
    let changed = lines.length > 0;
    // DHCP server side.
    const server = input.inventory.dhcpServer(vlan.dhcp.server);
    if (!server)
      throw new ValidationError(`DHCP server ${vlan.dhcp.server} is not in the inventory`, {
        code: 'E_UNKNOWN_DHCP',
      });
    let dhcp: VlanSetup['dhcp'];
    const range = vlan.highAlertPool.range;
    if (server.backend === 'cisco_ios') {
      const dcfg = input.configs.get(server.device);
      if (!dcfg) throw new Error(`no running config read for ${server.device}`);
      const key = `${server.device} ${range.first} ${range.last}`;
      const needed = !excludedCovers(dcfg, range) && !excludeSeen.has(key);
      excludeSeen.add(key);
      if (needed) {
        const dplatform = input.inventory.device(server.device)?.platform ?? 'cisco_ios';
        const last = range.first === range.last ? null : range.last;
        const dlines = renderLines(dplatform, 'dhcp_exclude', { first: range.first, last, remove: false });
        steps.push({
          kind: 'config',
          id: `dhcp-exclude ${server.device} ${vlan.site}/${vlan.id}`,
          device: server.device,
          purpose: 'dhcp-exclude',
          lines: dlines,
          undo: renderLines(dplatform, 'dhcp_exclude', { first: range.first, last, remove: true }),
        });
        diffs.push({
          device: server.device,
          title: `site ${vlan.site} VLAN ${vlan.id}: High-Alert range out of dynamic DHCP`,
          before: dcfg.dhcpExcluded.map((e) => e.lines.join('\n')).join('\n'),
          after: [...dcfg.dhcpExcluded.map((e) => e.lines.join('\n')), ...dlines].join('\n'),
        });
      }
      changed ||= needed;
      dhcp = { server: server.name, backend: 'cisco_ios', changed: needed };
    } else {
      const k = input.kea.get(vlanKey(vlan));
      if (!k) throw new Error(`no Kea preview for ${vlanKey(vlan)}`);
      kea.push(k);
      changed ||= k.changed;
      dhcp = { server: server.name, backend: 'kea', changed: k.changed };
    }
    if (lines.length) {
      steps.push({
        kind: 'config',
        id: `gateway-setup ${device} ${vlan.site}/${vlan.id}`,
        device,
        purpose: 'gateway-setup',
        lines,
        undo: renderLines(platform, 'setup_gateway_undo', ctx),
      });
      diffs.push(gatewayDiff(device, vlan, cfg, ctx, svi));
    }
    vlans.push({
      ...base,
      status: changed ? 'change' : 'unchanged',
      poolAcl: n.poolAcl,
      routeMap: n.routeMap,
      dhcp,
    });
  }
  return { kind: 'setup', site: input.site, vlans, steps, kea, diffs };
}

/** What a Kea server must offer for setup (KeaBackend does; tests pass fakes). */
export interface GuardedPoolServer {
  readonly name: string;
  getConfig(): Promise<unknown>;
  ensureGuardedPool(scope: DhcpScope, range: IpRange): Promise<{ changed: boolean; preview: string[] }>;
}

/** Previews the guarded pool from the server's config, without changing it. */
export async function previewKeaGuard(server: GuardedPoolServer, vlan: ResolvedVlan): Promise<KeaGuardPlan> {
  const { ensureGuardedPoolInConfig, isConflict, poolText } = await import('../dhcp/kea-config.js');
  const scope = highAlertScope(vlan);
  const range = vlan.highAlertPool.range;
  const edit = ensureGuardedPoolInConfig(await server.getConfig(), scope, range);
  if (isConflict(edit)) {
    throw new DhcpBackendError(edit.code, `Kea server ${server.name}: ${edit.message}`, {
      device: server.name,
      suggestions: edit.suggestions ?? [],
    });
  }
  return {
    server: server.name,
    site: vlan.site,
    vlan: vlan.id,
    scope,
    range,
    changed: edit.changed,
    preview: [
      edit.changed
        ? `+ subnet ${scope.subnet}: pool ${poolText(range)} only for class HIGH_ALERT_NEVER_DYNAMIC, authoritative`
        : `= subnet ${scope.subnet}: pool ${poolText(range)} already guarded`,
    ],
  };
}
