/**
 * `highalert hold` / `unhold`: the collective action. One gateway-level change per SVI with a
 * High-Alert pool: an inbound ACL (HA-HOLD-<vlan>) that lets the pool reach only DHCP, DNS and the
 * monitor. The SVI's previous inbound ACL is kept in the hold record's snapshot and put back
 * exactly on unhold. The hold (message, operator, snapshot) lives in the state store.
 */
import type { RunningConfig } from '../devices/parsers/index.js';
import { EXIT, HighAlertError, PolicyError, asHighAlertError } from '../errors.js';
import type { ResolvedInventory, ResolvedVlan } from '../inventory/types.js';
import type { ConfigDiff } from '../model/plan.js';
import type { AclRef } from '../render/contexts.js';
import { renderLines } from '../render/templates.js';
import type { HoldRecord, JsonObject } from '../state/types.js';
import { parseInterface } from '../values/interface.js';
import { isConfigName, type ConfigName, type FreeText } from '../values/names.js';
import { gatewayNames } from './names.js';
import { findSvi, readRunningConfigs } from './observe.js';
import { poolBlocks } from './pool-acl.js';
import type { GatewayRunEnv } from './run.js';
import { IPV6_SKIPPED } from './setup.js';
import { gatewayLinesByDevice, runGatewaySteps, type GatewayStep } from './steps.js';
import { postNotice, type NoticeResult } from '../notify/webhook.js';

export const HOLD_SCOPE = 'all';

/** One SVI in a hold record's snapshot. */
export interface HoldGateway {
  readonly device: string;
  readonly interface: string;
  readonly site: string;
  readonly vlan: number;
  readonly acl: string;
  /** The SVI's `ip access-group … in` before the hold; null when none. */
  readonly previousIn: string | null;
}

export interface HoldSnapshot {
  readonly version: 1;
  readonly gateways: HoldGateway[];
}

export interface HoldVlan {
  readonly site: string;
  readonly vlan: number;
  readonly gateway: string;
  readonly interface: string;
  readonly status: 'hold' | 'skipped' | 'release' | 'unchanged';
  readonly reason?: string;
  readonly previousIn?: string | null;
}

export interface HoldPlan {
  readonly kind: 'hold' | 'unhold';
  readonly vlans: HoldVlan[];
  readonly steps: GatewayStep[];
  readonly diffs: ConfigDiff[];
  readonly warnings: string[];
  readonly snapshot: HoldSnapshot;
}

function drift(device: string, message: string, suggestions: string[]): HighAlertError {
  return new HighAlertError('E_HOLD_DRIFT', `${device}: ${message}`, EXIT.PARTIAL, { device, suggestions });
}

function aclRef(name: string | null | undefined, device: string): AclRef | null {
  if (name === null || name === undefined) return null;
  if (/^\d{1,4}$/.test(name)) return Number(name);
  if (isConfigName(name)) return name as ConfigName;
  throw drift(device, `inbound ACL name ${JSON.stringify(name)} cannot be sent back safely`, [
    'Rename the ACL on the device, then try again.',
  ]);
}

function platformOf(inv: Pick<ResolvedInventory, 'device'>, device: string): string {
  return inv.device(device)?.platform ?? 'cisco_ios';
}

/**
 * The entries of the SVI's own inbound ACL, which the hold ACL keeps for everyone outside the
 * pool (binding the hold ACL replaces it). Only a named extended ACL can be merged this way.
 */
function keptEntries(cfg: RunningConfig, previous: string | null, device: string, svi: string): string[] {
  if (previous === null) return [];
  const acl = cfg.acls.find((a) => a.name === previous);
  if (!acl && !/^\d+$/.test(previous)) return []; // an undefined named ACL filters nothing on IOS
  if (!acl || acl.numbered || acl.kind !== 'ip-extended') {
    throw new PolicyError(
      'E_SVI_ACL_UNSUPPORTED',
      `${device} ${svi}: its inbound ACL ${previous} is not a named extended ACL, which hold cannot merge`,
      {
        device,
        suggestions: [
          `Convert ${previous} to a named extended ACL (ip access-list extended …) and bind that, then hold again.`,
        ],
      },
    );
  }
  return acl.entries.filter((e) => e.action !== 'remark').map((e) => e.text);
}

function holdLines(
  inv: Pick<ResolvedInventory, 'device'>,
  vlan: ResolvedVlan,
  bind: boolean,
  keep: string[],
): string[] {
  const n = gatewayNames(vlan);
  return renderLines(platformOf(inv, vlan.gateway.device), 'hold_gateway', {
    acl: n.holdAcl,
    interface: vlan.gateway.interface,
    pool: poolBlocks(vlan.highAlertPool).map((b) => ({ address: b.address, wildcard: b.wildcard })),
    monitor: vlan.monitorIp,
    keep,
    bind,
  });
}

function sviDiff(device: string, title: string, before: string[], after: string[]): ConfigDiff {
  return { device, title, before: before.join('\n'), after: after.join('\n') };
}

/** Pure: the hold of every IPv4 VLAN's SVI, from the gateways' running configs. */
export function planHold(input: {
  inventory: Pick<ResolvedInventory, 'device'>;
  vlans: readonly ResolvedVlan[];
  configs: ReadonlyMap<string, RunningConfig>;
}): HoldPlan {
  const vlans: HoldVlan[] = [];
  const steps: GatewayStep[] = [];
  const diffs: ConfigDiff[] = [];
  const warnings: string[] = [];
  const gateways: HoldGateway[] = [];
  for (const vlan of input.vlans) {
    const base = {
      site: vlan.site,
      vlan: vlan.id,
      gateway: vlan.gateway.device,
      interface: vlan.gateway.interface,
    };
    if (vlan.version === 6) {
      vlans.push({ ...base, status: 'skipped', reason: IPV6_SKIPPED });
      continue;
    }
    const device = vlan.gateway.device;
    const cfg = input.configs.get(device);
    if (!cfg) throw new Error(`no running config read for ${device}`);
    const n = gatewayNames(vlan);
    const svi = findSvi(cfg, device, vlan.gateway.interface);
    const previous = svi.ipAccessGroup.in ?? null;
    if (previous === n.holdAcl || cfg.acls.some((a) => a.name === n.holdAcl)) {
      throw drift(device, `${n.holdAcl} is already on ${device} but the state store has no active hold`, [
        `Remove it by hand after checking ${svi.name}'s inbound ACL: no ip access-list extended ${n.holdAcl}.`,
        'Or point --state at the state store that started the hold, and run `highalert unhold`.',
      ]);
    }
    const prevRef = aclRef(previous, device);
    const keep = keptEntries(cfg, previous, device, svi.name);
    if (previous !== null) {
      warnings.push(
        `${device} ${svi.name}: inbound ACL ${previous} is replaced by ${n.holdAcl} during the hold; its ${keep.length} entries are copied into ${n.holdAcl} for the other hosts, and unhold binds ${previous} again`,
      );
    }
    const platform = platformOf(input.inventory, device);
    const lines = holdLines(input.inventory, vlan, true, keep);
    const undo = renderLines(platform, 'unhold_gateway', {
      acl: n.holdAcl,
      interface: vlan.gateway.interface,
      previous: prevRef,
      bound: true,
      acl_exists: true,
    });
    steps.push({
      kind: 'config',
      id: `gateway-hold ${device} ${vlan.site}/${vlan.id}`,
      device,
      purpose: 'gateway-hold',
      lines,
      undo,
    });
    const aclLines = lines.slice(
      0,
      lines.findIndex((l) => l.startsWith('interface ')),
    );
    const after = [
      ...svi.lines.filter((l) => !/^\s*ip access-group \S+ in\s*$/.test(l)),
      ` ip access-group ${n.holdAcl} in`,
    ];
    diffs.push(
      sviDiff(device, `site ${vlan.site} VLAN ${vlan.id}: hold`, svi.lines, [...aclLines, ...after]),
    );
    gateways.push({
      device,
      interface: svi.name,
      site: vlan.site,
      vlan: vlan.id,
      acl: n.holdAcl,
      previousIn: previous,
    });
    vlans.push({ ...base, status: 'hold', previousIn: previous });
  }
  return { kind: 'hold', vlans, steps, diffs, warnings, snapshot: { version: 1, gateways } };
}

export function parseHoldSnapshot(json: JsonObject): HoldSnapshot {
  const g = (json as unknown as Partial<HoldSnapshot>).gateways;
  if (!Array.isArray(g))
    throw new HighAlertError('E_HOLD_SNAPSHOT', 'the hold record has no gateway snapshot', EXIT.DEVICE);
  return { version: 1, gateways: g };
}

/** Pure: restore each SVI of the snapshot; refuses when someone changed the SVI's binding meanwhile. */
export function planUnhold(input: {
  inventory: Pick<ResolvedInventory, 'device' | 'vlans'>;
  snapshot: HoldSnapshot;
  configs: ReadonlyMap<string, RunningConfig>;
}): HoldPlan {
  const vlans: HoldVlan[] = [];
  const steps: GatewayStep[] = [];
  const diffs: ConfigDiff[] = [];
  for (const g of input.snapshot.gateways) {
    const cfg = input.configs.get(g.device);
    if (!cfg) throw new Error(`no running config read for ${g.device}`);
    const svi = findSvi(cfg, g.device, g.interface);
    const now = svi.ipAccessGroup.in ?? null;
    const bound = now === g.acl;
    if (!bound && now !== g.previousIn) {
      throw drift(
        g.device,
        `${svi.name} has inbound ACL ${now ?? '(none)'}, but the hold bound ${g.acl} over ${g.previousIn ?? '(none)'}; it was changed during the hold`,
        [`Check ${svi.name} on ${g.device} and set its inbound ACL by hand, then run unhold again.`],
      );
    }
    const aclExists = cfg.acls.some((a) => a.name === g.acl);
    const base = {
      site: g.site,
      vlan: g.vlan,
      gateway: g.device,
      interface: svi.name,
      previousIn: g.previousIn,
    };
    if (!bound && !aclExists) {
      vlans.push({ ...base, status: 'unchanged' });
      continue;
    }
    const platform = platformOf(input.inventory, g.device);
    const iface = parseInterface(svi.name);
    const lines = renderLines(platform, 'unhold_gateway', {
      acl: g.acl as ConfigName,
      interface: iface,
      previous: aclRef(g.previousIn, g.device),
      bound,
      acl_exists: aclExists,
    });
    const vlan = input.inventory.vlans.find((v) => v.site === g.site && v.id === g.vlan);
    const undo =
      vlan && aclExists
        ? holdLines(input.inventory, vlan, bound, keptEntries(cfg, g.previousIn, g.device, svi.name))
        : [];
    steps.push({
      kind: 'config',
      id: `gateway-unhold ${g.device} ${g.site}/${g.vlan}`,
      device: g.device,
      purpose: 'gateway-unhold',
      lines,
      undo,
    });
    const aclBlock = cfg.acls.find((a) => a.name === g.acl)?.lines ?? [];
    const after = svi.lines
      .filter((l) => !/^\s*ip access-group \S+ in\s*$/.test(l))
      .concat(g.previousIn ? [` ip access-group ${g.previousIn} in`] : []);
    diffs.push(
      sviDiff(g.device, `site ${g.site} VLAN ${g.vlan}: unhold`, [...aclBlock, ...svi.lines], after),
    );
    vlans.push({ ...base, status: 'release' });
  }
  return { kind: 'unhold', vlans, steps, diffs, warnings: [], snapshot: input.snapshot };
}

export interface HoldResult {
  readonly dryRun: boolean;
  readonly changed: boolean;
  readonly applied: boolean;
  readonly declined: boolean;
  /** hold: a hold was already active (nothing sent). unhold: there was no hold. */
  readonly idempotent: boolean;
  readonly hold: {
    readonly id: number;
    readonly message: string;
    readonly operator: string;
    readonly startedAt: string;
    readonly endedAt: string | null;
  } | null;
  readonly vlans: HoldVlan[];
  readonly warnings: string[];
  readonly lines: Record<string, string[]>;
  readonly notice: NoticeResult | null;
  readonly operationId: number | null;
}

function holdView(h: HoldRecord): NonNullable<HoldResult['hold']> {
  return { id: h.id, message: h.message, operator: h.operator, startedAt: h.startedAt, endedAt: h.endedAt };
}

async function notify(
  env: GatewayRunEnv,
  event: 'hold' | 'unhold',
  hold: HoldRecord,
  vlans: HoldVlan[],
): Promise<NoticeResult | null> {
  const dc = env.inventory.decisionController;
  if (!dc) return null;
  return postNotice(dc, {
    event,
    scope: hold.scope,
    message: hold.message,
    operator: env.operator,
    startedAt: hold.startedAt,
    endedAt: hold.endedAt,
    pools: vlans.filter((v) => v.status !== 'skipped').map((v) => ({ site: v.site, vlan: v.vlan })),
  });
}

async function applyHoldSteps(
  env: GatewayRunEnv,
  kind: 'hold' | 'unhold',
  plan: HoldPlan,
  around: { claim?: () => HoldRecord; done: () => HoldRecord | undefined; failed?: () => void },
): Promise<{ hold: HoldRecord | undefined; sent: Record<string, string[]>; opId: number }> {
  const state = env.state();
  const op = state.beginOperation({ kind, target: HOLD_SCOPE, operator: env.operator });
  const audit = (result: string, lines: Record<string, string[]>) =>
    state.appendAudit({
      operator: env.operator,
      commandLine: env.commandLine,
      action: kind,
      target: HOLD_SCOPE,
      operationId: op.id,
      lines,
      result,
    });
  let claimed = false;
  try {
    // Claim first: a second `hold` at the same moment is refused before it touches a device.
    if (around.claim) {
      around.claim();
      claimed = true;
    }
    const applied = await runGatewaySteps(plan.steps, {
      what: kind,
      config: env.network,
      state,
      opId: op.id,
      ...(env.progress ? { progress: env.progress } : {}),
    });
    await env.network.finish();
    const hold = around.done();
    state.finishOperation(op.id, 'done');
    audit('ok', applied.sent);
    return { hold, sent: applied.sent, opId: op.id };
  } catch (err) {
    const e = asHighAlertError(err);
    if (claimed) around.failed?.();
    state.finishOperation(op.id, e.code === 'E_APPLY_FAILED' ? 'rolled-back' : 'failed');
    audit(`${e.code}: ${e.message.split('\n')[0] ?? ''}`, {});
    throw e;
  }
}

function base(plan: HoldPlan | null, o: Partial<HoldResult>): HoldResult {
  return {
    dryRun: false,
    changed: false,
    applied: false,
    declined: false,
    idempotent: false,
    hold: null,
    vlans: plan?.vlans ?? [],
    warnings: plan?.warnings ?? [],
    lines: plan ? Object.fromEntries(gatewayLinesByDevice(plan.steps)) : {},
    notice: null,
    operationId: null,
    ...o,
  };
}

export async function runHold(
  env: GatewayRunEnv,
  o: { message: FreeText; dryRun: boolean },
): Promise<HoldResult> {
  const state = env.state();
  const active = state.activeHold(HOLD_SCOPE);
  if (active) return base(null, { dryRun: o.dryRun, idempotent: true, hold: holdView(active) });
  const vlans = [...env.inventory.vlans];
  const devices = vlans.filter((v) => v.version === 4).map((v) => v.gateway.device);
  const configs = await readRunningConfigs(env.inventory, env.network, devices);
  const plan = planHold({ inventory: env.inventory, vlans, configs });
  env.showPlan?.(plan);
  if (o.dryRun) return base(plan, { dryRun: true, changed: plan.steps.length > 0 });
  if (!(await env.confirm(plan))) return base(plan, { declined: true });
  const r = await applyHoldSteps(env, 'hold', plan, {
    claim: () =>
      state.startHold({
        scope: HOLD_SCOPE,
        message: o.message,
        operator: env.operator,
        snapshot: plan.snapshot as unknown as JsonObject,
      }),
    done: () => state.activeHold(HOLD_SCOPE),
    failed: () => void state.endHold(`${env.operator} (hold rolled back)`, HOLD_SCOPE),
  });
  const notice = r.hold ? await notify(env, 'hold', r.hold, plan.vlans) : null;
  return base(plan, {
    changed: true,
    applied: true,
    hold: r.hold ? holdView(r.hold) : null,
    lines: r.sent,
    notice,
    operationId: r.opId,
  });
}

export async function runUnhold(env: GatewayRunEnv, o: { dryRun: boolean }): Promise<HoldResult> {
  const state = env.state();
  const active = state.activeHold(HOLD_SCOPE);
  if (!active) return base(null, { dryRun: o.dryRun, idempotent: true });
  const snapshot = parseHoldSnapshot(active.snapshot);
  const configs = await readRunningConfigs(
    env.inventory,
    env.network,
    snapshot.gateways.map((g) => g.device),
  );
  const plan = planUnhold({ inventory: env.inventory, snapshot, configs });
  env.showPlan?.(plan);
  if (o.dryRun) return base(plan, { dryRun: true, changed: plan.steps.length > 0, hold: holdView(active) });
  if (!(await env.confirm(plan))) return base(plan, { declined: true, hold: holdView(active) });
  const r = await applyHoldSteps(env, 'unhold', plan, {
    done: () => state.endHold(env.operator, HOLD_SCOPE),
  });
  const ended = r.hold ?? active;
  const notice = await notify(env, 'unhold', ended, plan.vlans);
  return base(plan, {
    changed: plan.steps.length > 0,
    applied: true,
    hold: holdView(ended),
    lines: r.sent,
    notice,
    operationId: r.opId,
  });
}
