/**
 * What a setup / hold / unhold run needs around its plan (inventory, network, lazily opened state,
 * confirmation) and the setup run itself: read, plan, show or confirm, apply all-or-nothing.
 */
import type { ConfigPort } from '../apply/engine.js';
import type { ResolvedInventory, ResolvedVlan } from '../inventory/types.js';
import type { StateStore } from '../state/store.js';
import type { ShowPort } from '../devices/show.js';
import { readRunningConfigs } from './observe.js';
import {
  planSetup,
  previewKeaGuard,
  selectVlans,
  vlanKey,
  type GuardedPoolServer,
  type KeaGuardPlan,
  type SetupPlan,
  type VlanSetup,
} from './setup.js';
import { gatewayLinesByDevice, runGatewaySteps } from './steps.js';
import { asHighAlertError } from '../errors.js';
import type { HoldPlan } from './hold.js';

/** The network as gateway runs use it (apply/network.ts `Network`, or a fake). */
export interface GatewayNetwork extends ShowPort, ConfigPort {
  finish(): Promise<void>;
}

export interface GatewayRunEnv {
  readonly inventory: ResolvedInventory;
  readonly network: GatewayNetwork;
  /** Opened only when needed (setup opens it only to apply). */
  readonly state: () => StateStore;
  readonly operator: string;
  readonly commandLine: string;
  readonly progress?: (line: string) => void;
  /** Called once the plan is made, when it has changes or for a dry-run (print it for people). */
  readonly showPlan?: (plan: SetupPlan | HoldPlan) => void;
  /** Asks to go ahead; false = declined. Not called for dry-runs or when nothing changes. */
  readonly confirm: (plan: SetupPlan | HoldPlan) => Promise<boolean>;
  /** The Kea server of a VLAN (default: dhcpBackendFor). */
  readonly guardedPool?: (vlan: ResolvedVlan) => Promise<GuardedPoolServer>;
}

export interface SetupResult {
  readonly dryRun: boolean;
  /** Something was (or, for a dry-run, would be) changed. */
  readonly changed: boolean;
  readonly applied: boolean;
  readonly declined: boolean;
  readonly site: string | null;
  readonly vlans: VlanSetup[];
  readonly kea: Array<Pick<KeaGuardPlan, 'server' | 'site' | 'vlan' | 'changed' | 'preview'>>;
  /** Lines per device: sent (apply) or that an apply would send (dry-run). */
  readonly lines: Record<string, string[]>;
  readonly operationId: number | null;
}

async function defaultGuardedPool(env: GatewayRunEnv, vlan: ResolvedVlan): Promise<GuardedPoolServer> {
  const { dhcpBackendFor } = await import('../dhcp/index.js');
  const backend = await dhcpBackendFor(env.inventory, vlan, env.network);
  const b = backend as unknown as Partial<GuardedPoolServer>;
  if (typeof b.ensureGuardedPool !== 'function' || typeof b.getConfig !== 'function') {
    throw new Error(`DHCP backend ${backend.name} (${backend.kind}) cannot guard a pool`);
  }
  return b as GuardedPoolServer;
}

function result(
  plan: SetupPlan,
  o: { dryRun: boolean; applied: boolean; declined: boolean; opId: number | null },
): SetupResult {
  const changed = plan.steps.length > 0 || plan.kea.some((k) => k.changed);
  return {
    dryRun: o.dryRun,
    changed: changed && (o.dryRun || o.applied),
    applied: o.applied,
    declined: o.declined,
    site: plan.site,
    vlans: plan.vlans,
    kea: plan.kea.map(({ server, site, vlan, changed: c, preview }) => ({
      server,
      site,
      vlan,
      changed: c,
      preview,
    })),
    lines: Object.fromEntries(gatewayLinesByDevice(plan.steps)),
    operationId: o.opId,
  };
}

/** Reads the devices and Kea servers involved and plans the setup (no change anywhere). */
export async function planSetupRun(
  env: GatewayRunEnv,
  site: string | undefined,
): Promise<{ plan: SetupPlan; servers: Map<string, GuardedPoolServer> }> {
  const vlans = selectVlans(env.inventory, site);
  const v4 = vlans.filter((v) => v.version === 4);
  const devices = new Set<string>();
  for (const v of v4) {
    devices.add(v.gateway.device);
    const server = env.inventory.dhcpServer(v.dhcp.server);
    if (server?.backend === 'cisco_ios') devices.add(server.device);
  }
  const configs = await readRunningConfigs(env.inventory, env.network, devices);
  const servers = new Map<string, GuardedPoolServer>();
  const kea = new Map<string, KeaGuardPlan>();
  for (const v of v4) {
    if (env.inventory.dhcpServer(v.dhcp.server)?.backend !== 'kea') continue;
    let server = servers.get(v.dhcp.server);
    if (!server) {
      server = await (env.guardedPool ? env.guardedPool(v) : defaultGuardedPool(env, v));
      servers.set(v.dhcp.server, server);
    }
    kea.set(vlanKey(v), await previewKeaGuard(server, v));
  }
  const plan = planSetup({ inventory: env.inventory, site: site ?? null, vlans, configs, kea });
  return { plan, servers };
}

export async function runSetup(
  env: GatewayRunEnv,
  o: { site?: string; dryRun: boolean },
): Promise<SetupResult> {
  const { plan, servers } = await planSetupRun(env, o.site);
  const pending = plan.steps.length > 0 || plan.kea.some((k) => k.changed);
  if (pending || o.dryRun) env.showPlan?.(plan);
  if (!pending || o.dryRun)
    return result(plan, { dryRun: o.dryRun, applied: false, declined: false, opId: null });
  if (!(await env.confirm(plan)))
    return result(plan, { dryRun: false, applied: false, declined: true, opId: null });

  const state = env.state();
  const op = state.beginOperation({ kind: 'setup', target: o.site ?? 'all', operator: env.operator });
  const audit = (resultText: string, lines: Record<string, string[]>) =>
    state.appendAudit({
      operator: env.operator,
      commandLine: env.commandLine,
      action: 'setup',
      target: o.site ?? 'all',
      operationId: op.id,
      lines,
      result: resultText,
    });
  try {
    // Guarding a Kea pool first: idempotent and harmless on its own (it only keeps the High-Alert
    // range out of dynamic assignment), so it is not rolled back if a gateway fails later.
    for (const k of plan.kea.filter((x) => x.changed)) {
      env.progress?.(`kea  ${k.server}: guarding ${k.range.first} - ${k.range.last}`);
      await servers.get(k.server)!.ensureGuardedPool(k.scope, k.range);
    }
    const applied = await runGatewaySteps(plan.steps, {
      what: 'setup',
      config: env.network,
      state,
      opId: op.id,
      ...(env.progress ? { progress: env.progress } : {}),
    });
    await env.network.finish();
    state.finishOperation(op.id, 'done');
    audit('ok', applied.sent);
  } catch (err) {
    const e = asHighAlertError(err);
    state.finishOperation(op.id, e.code === 'E_APPLY_FAILED' ? 'rolled-back' : 'failed');
    audit(`${e.code}: ${e.message.split('\n')[0] ?? ''}`, {});
    throw e;
  }
  return result(plan, { dryRun: false, applied: true, declined: false, opId: op.id });
}
