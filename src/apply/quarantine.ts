/**
 * `highalert quarantine <target>`: correlate → refuse what must not be touched → snapshot →
 * allocate → plan → (dry-run | confirm → journalled apply) → renew → verify → record.
 */
import { dhcpBackendFor, highAlertScope } from '../dhcp/index.js';
import type { DhcpBackend, Reservation } from '../dhcp/backend.js';
import { EXIT, HighAlertError, PolicyError } from '../errors.js';
import { correlate, type Located } from '../events/correlate.js';
import { parseTarget } from '../events/target.js';
import type { ResolvedVlan } from '../inventory/types.js';
import type { Plan, RenewMethod } from '../model/plan.js';
import { planQuarantine } from '../plan/quarantine.js';
import { takeSnapshot, type PortSnapshot } from '../plan/snapshot.js';
import type { JsonObject, QuarantineRecord } from '../state/types.js';
import { parseDuration } from '../values/duration.js';
import { rangeAddresses, type IpAddress } from '../values/ip.js';
import type { Mac } from '../values/mac.js';
import { parseFreeText } from '../values/names.js';
import {
  applyPlanJournalled,
  auditRun,
  dhcpPortFor,
  failure,
  withRun,
  type RunContext,
  type RunRequest,
} from './context.js';
import { withSession } from './network.js';
import { finishAndVerify, type RenewOutcome } from './renew.js';

export interface QuarantineRequest extends RunRequest {
  target: string;
  reason?: string;
  dryRun: boolean;
  renew?: RenewMethod;
  ttl?: string;
  verify: boolean;
  allowSharedPort: boolean;
  /** Asked once the plan is known; false → nothing is changed. */
  confirm: (plan: Plan) => Promise<boolean>;
}

export type QuarantineOutcome =
  | {
      readonly outcome: 'already-quarantined';
      readonly changed: false;
      readonly quarantine: QuarantineRecord;
    }
  | { readonly outcome: 'dry-run'; readonly changed: false; readonly plan: Plan }
  | { readonly outcome: 'declined'; readonly changed: false; readonly plan: Plan }
  | {
      readonly outcome: 'quarantined';
      readonly changed: true;
      readonly plan: Plan;
      readonly quarantine: QuarantineRecord;
      readonly renew: RenewOutcome;
    };

/** The pool key the allocator uses: one per site/VLAN. */
export function poolKey(vlan: ResolvedVlan): string {
  return `${vlan.site}/${vlan.id}`;
}

function refusePortProblems(located: Located, snapshot: PortSnapshot, allowShared: boolean): void {
  if (snapshot.mode === 'trunk') {
    throw new PolicyError(
      'E_TRUNK_PORT',
      `${located.switch.name} ${located.port} is a trunk; highalert only restricts access ports`,
      {
        suggestions: ['The device is probably behind another switch: quarantine it where it is connected.'],
      },
    );
  }
  if (located.otherMacs.length > 0 && !allowShared) {
    throw new PolicyError(
      'E_SHARED_PORT',
      `${located.switch.name} ${snapshot.port} also carries ${located.otherMacs.join(', ')}; restricting it would cut them off`,
      {
        suggestions: ['Pass --allow-shared-port to keep those MACs permitted in the MAC ACL.'],
        details: { otherMacs: located.otherMacs },
      },
    );
  }
}

async function freeAddresses(ctx: RunContext, backend: DhcpBackend, vlan: ResolvedVlan, located: Located) {
  const scope = highAlertScope(vlan);
  const [reservations, leases, reserved] = await Promise.all([
    backend.listReservations(scope),
    backend.listLeases(scope),
    backend.reservedAddresses?.(scope) ?? [],
  ]);
  const own = new Set<string>(reservations.filter((r) => r.mac === located.mac).map((r) => r.ip));
  const exclude = new Set<string>([
    ...reservations.filter((r) => r.mac !== located.mac).map((r) => r.ip),
    // Also addresses reserved by client-id, DUID, … (not in listReservations, which is by MAC).
    ...reserved.filter((ip) => !own.has(ip)),
    ...leases.filter((l) => l.mac !== located.mac).map((l) => l.ip),
  ]);
  const candidates = [...rangeAddresses(vlan.highAlertPool.range, 65_536)].filter(
    (ip) => !ctx.inventory.isProtectedIp(ip),
  );
  return { pool: poolKey(vlan), candidates, exclude, mac: located.mac };
}

/**
 * Claims the MAC for this operation. While another live process works on it, wait for that one to
 * finish (it may quarantine it: then this run reports "already quarantined").
 */
async function claimWhenFree(ctx: RunContext, mac: Mac, opId: number, timeoutMs = 120_000) {
  const started = Date.now();
  for (let waited = false; ; waited = true) {
    const claim = ctx.state.claimTarget(mac, opId);
    if (claim.ok || claim.reason !== 'in-progress' || !claim.alive || Date.now() - started > timeoutMs)
      return claim;
    if (!waited)
      ctx.progress(`waiting for highalert pid ${claim.operation.pid}, which is working on ${mac}…`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export function quarantine(req: QuarantineRequest): Promise<QuarantineOutcome> {
  return withRun(req, run);
}

async function run(ctx: RunContext, req: QuarantineRequest): Promise<QuarantineOutcome> {
  const inv = ctx.inventory;
  const target = parseTarget(req.target, (id) => inv.userById(id) !== undefined);
  const reason = parseFreeText(req.reason ?? 'no reason given', 'reason', 80);
  const ttlS = req.ttl === undefined ? inv.policy.ttlSeconds : parseDuration(req.ttl, '--ttl');
  const renew = req.renew ?? inv.policy.renew;
  const knownMac =
    target.kind === 'mac'
      ? target.mac
      : target.kind === 'user'
        ? inv.userById(target.user)?.macs[0]
        : undefined;
  if (knownMac && (target.kind === 'mac' || inv.userById(target.text)?.macs.length === 1)) {
    const active = ctx.state.activeQuarantineForMac(knownMac);
    if (active) return { outcome: 'already-quarantined', changed: false, quarantine: active };
  }

  ctx.progress('correlating the target with the network…');
  const located = await correlate(inv, ctx.network, target);
  const active = ctx.state.activeQuarantineForMac(located.mac);
  if (active) return { outcome: 'already-quarantined', changed: false, quarantine: active };

  const command = `show running-config interface ${located.port}`;
  const text = await ctx.network.show(located.switch.name, command);
  const snapshot = takeSnapshot(located.switch.name, located.port, text, located.switch.platform);
  refusePortProblems(located, snapshot, req.allowSharedPort);

  const backend = await dhcpBackendFor(inv, located.vlan, ctx.network);
  const allocation = await freeAddresses(ctx, backend, located.vlan, located);
  const build = (highAlertIp: IpAddress): Plan => {
    const reservation: Reservation = {
      mac: located.mac,
      ip: highAlertIp,
      scope: highAlertScope(located.vlan),
      label: `highalert ${reason}`.slice(0, 60),
      ...(located.ip === null ? {} : { replacesLease: located.ip }),
    };
    return withSession(
      inv,
      planQuarantine({
        platform: located.switch.platform,
        mac: located.mac,
        user: located.user?.id ?? null,
        site: located.vlan.site,
        vlan: located.vlan.id,
        switch: located.switch.name,
        port: located.port,
        previousIp: located.ip,
        highAlertIp,
        reason,
        renew,
        bouncePauseMs: inv.policy.bouncePauseS * 1000,
        sharedMacs: req.allowSharedPort ? located.otherMacs : [],
        snapshot,
        dhcp: backend.previewAdd(reservation),
        evidence: located.evidence,
      }),
    );
  };

  if (req.dryRun)
    return { outcome: 'dry-run', changed: false, plan: build(ctx.state.previewHighAlertIp(allocation)) };

  const op = ctx.state.beginOperation({ kind: 'quarantine', target: req.target, operator: req.operator });
  const claim = await claimWhenFree(ctx, located.mac, op.id);
  if (!claim.ok) {
    ctx.state.finishOperation(op.id, 'abandoned');
    if (claim.reason === 'already-active')
      return { outcome: 'already-quarantined', changed: false, quarantine: claim.quarantine };
    throw new HighAlertError(
      'E_IN_PROGRESS',
      `another highalert (pid ${claim.operation.pid}) is working on ${located.mac}`,
      EXIT.USAGE,
      {
        suggestions: claim.alive
          ? ['Wait for it to finish.']
          : ['That process is gone: run `highalert recover`.'],
      },
    );
  }
  let plan: Plan;
  try {
    plan = build(ctx.state.allocateHighAlertIp(allocation));
    if (!(await req.confirm(plan))) {
      ctx.state.releaseAllocation(allocation.pool, located.mac);
      ctx.state.finishOperation(op.id, 'abandoned');
      return { outcome: 'declined', changed: false, plan };
    }
  } catch (err) {
    ctx.state.releaseAllocation(allocation.pool, located.mac);
    ctx.state.finishOperation(op.id, 'abandoned');
    throw err;
  }

  const record = ctx.state.recordQuarantine({
    target: req.target,
    userId: plan.user,
    mac: located.mac,
    site: plan.site,
    vlan: plan.vlan,
    switch: plan.switch,
    port: located.port,
    previousIp: located.ip,
    highAlertIp: plan.highAlertIp as IpAddress,
    snapshot: { [snapshot.device]: snapshot.interfaceConfig },
    reason,
    operator: req.operator,
    ttlS,
    status: 'applying',
    renewMethod: renew,
    evidence: plan.evidence.map((e) => ({ ...e })),
    // `audit` renders the expected MAC ACL from the record: it must know the MACs kept permitted.
    details: { sharedMacs: req.allowSharedPort ? [...located.otherMacs] : [] },
  });
  ctx.state.allocateHighAlertIp({ ...allocation, quarantineId: record.id });
  let applied: Awaited<ReturnType<typeof applyPlanJournalled>>;
  try {
    applied = await applyPlanJournalled(ctx, op.id, plan, dhcpPortFor(backend, plan));
  } catch (err) {
    ctx.state.updateQuarantine(record.id, { status: 'rolled-back' });
    ctx.state.releaseAllocation(allocation.pool, located.mac);
    ctx.state.finishOperation(op.id, 'rolled-back');
    auditRun(ctx, req, { action: 'quarantine', mac: located.mac, operationId: op.id, result: failure(err) });
    throw err;
  }
  const outcome = await finishAndVerify(ctx, backend, plan, located.vlan, {
    verify: req.verify,
    expect: 'high-alert',
  });
  const status = outcome.verified ? 'isolated' : 'pending-renew';
  const updated = ctx.state.updateQuarantine(record.id, {
    status,
    details: { ...record.details, renew: JSON.parse(JSON.stringify(outcome)) as JsonObject },
  });
  ctx.state.finishOperation(op.id, 'done');
  auditRun(ctx, req, {
    action: 'quarantine',
    mac: located.mac,
    operationId: op.id,
    lines: applied.sent,
    result: status,
  });
  return { outcome: 'quarantined', changed: true, plan, quarantine: updated, renew: outcome };
}
