/**
 * `highalert release <target>`: the inverse of quarantine — restore the port from the snapshot
 * taken before quarantine, remove highalert's ACLs and the reservation, renew, verify.
 */
import { dhcpBackendFor, highAlertScope } from '../dhcp/index.js';
import { EXIT, HighAlertError, ValidationError } from '../errors.js';
import { parseTarget } from '../events/target.js';
import type { Plan, RenewMethod } from '../model/plan.js';
import { planRelease } from '../plan/quarantine.js';
import { interfaceBlock, takeSnapshot } from '../plan/snapshot.js';
import { findQuarantine } from '../state/find.js';
import { INACTIVE_STATUSES, type JsonObject, type QuarantineRecord } from '../state/types.js';
import { parseMac, type Mac } from '../values/mac.js';
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
import { poolKey } from './quarantine.js';
import { withSession } from './network.js';
import { finishAndVerify, type RenewOutcome } from './renew.js';

export interface ReleaseRequest extends RunRequest {
  target: string;
  dryRun: boolean;
  /** Apply without asking (cron, scripts); used when no `confirm` is given. */
  yes: boolean;
  json?: boolean;
  renew?: RenewMethod;
  verify: boolean;
  confirm?: (plan: Plan) => Promise<boolean>;
  /**
   * Do not release when, once its MAC is locked, the quarantine carries this verdict (outcome
   * `skipped`): `expire` checks the verdict before the lock, and a verdict can land in between.
   */
  unlessVerdict?: 'malicious';
}

export type ReleaseOutcome =
  | { readonly outcome: 'not-quarantined'; readonly changed: false; readonly target: string }
  | {
      readonly outcome: 'skipped';
      readonly changed: false;
      readonly target: string;
      readonly reason: string;
    }
  | {
      readonly outcome: 'dry-run';
      readonly changed: false;
      readonly plan: Plan;
      readonly quarantine: QuarantineRecord;
    }
  | {
      readonly outcome: 'declined';
      readonly changed: false;
      readonly plan: Plan;
      readonly quarantine: QuarantineRecord;
    }
  | {
      readonly outcome: 'released';
      readonly changed: true;
      readonly plan: Plan;
      readonly quarantine: QuarantineRecord;
      readonly renew: RenewOutcome;
    };

/** The MACs `--allow-shared-port` kept permitted at quarantine time (the rebuild of a failed release needs them). */
function sharedMacsOf(record: QuarantineRecord): Mac[] {
  const list = record.details.sharedMacs;
  return Array.isArray(list)
    ? list.map((m) => parseMac(String(m), 'shared MAC in the quarantine record'))
    : [];
}

/** The active quarantine a target names: a MAC, a High-Alert or previous IP, or a user's device. */
export function findActive(ctx: RunContext, text: string): QuarantineRecord | undefined {
  parseTarget(text, (id) => ctx.inventory.userById(id) !== undefined); // malformed → exit 2
  const q = findQuarantine(ctx.state, text);
  return q && !INACTIVE_STATUSES.includes(q.status) ? q : undefined;
}

export function release(req: ReleaseRequest): Promise<ReleaseOutcome> {
  return withRun(req, run);
}

async function run(ctx: RunContext, req: ReleaseRequest): Promise<ReleaseOutcome> {
  const inv = ctx.inventory;
  const record = findActive(ctx, req.target);
  if (!record) return { outcome: 'not-quarantined', changed: false, target: req.target };
  const vlan = inv.vlans.find((v) => v.site === record.site && v.id === record.vlan);
  const sw = inv.device(record.switch);
  const saved = record.snapshot[record.switch];
  if (!vlan || !sw || saved === undefined || record.highAlertIp === null) {
    throw new ValidationError(
      `the quarantine of ${record.mac} refers to ${record.switch} / ${record.site} VLAN ${record.vlan}, which the inventory no longer has`,
      {
        code: 'E_STALE_RECORD',
        suggestions: ['Restore the device or VLAN in the inventory, then release again.'],
      },
    );
  }
  const renew = req.renew ?? (record.renewMethod as RenewMethod | null) ?? inv.policy.renew;
  const snapshot = takeSnapshot(record.switch, record.port, saved, sw.platform);
  const current = interfaceBlock(
    await ctx.network.show(sw.name, `show running-config interface ${record.port}`),
    sw.platform,
  ).join('\n');
  const backend = await dhcpBackendFor(inv, vlan, ctx.network);
  const plan = withSession(
    inv,
    planRelease(
      {
        platform: sw.platform,
        mac: record.mac,
        user: record.userId,
        site: record.site,
        vlan: record.vlan,
        switch: record.switch,
        port: record.port,
        previousIp: record.previousIp,
        highAlertIp: record.highAlertIp,
        reason: parseFreeText(record.reason ?? 'no reason given', 'reason', 80),
        renew,
        bouncePauseMs: inv.policy.bouncePauseS * 1000,
        sharedMacs: sharedMacsOf(record),
        snapshot,
        dhcp: backend.previewRemove({ mac: record.mac, ip: record.highAlertIp, scope: highAlertScope(vlan) }),
        evidence: [],
      },
      current,
    ),
  );
  if (req.dryRun) return { outcome: 'dry-run', changed: false, plan, quarantine: record };

  const op = ctx.state.beginOperation({ kind: 'release', target: req.target, operator: req.operator });
  const lock = ctx.state.lockTarget(record.mac, op.id);
  if (!lock.ok) {
    ctx.state.finishOperation(op.id, 'abandoned');
    throw new HighAlertError(
      'E_IN_PROGRESS',
      `another highalert (pid ${lock.operation.pid}) is working on ${record.mac}`,
      EXIT.USAGE,
      {
        suggestions: lock.alive
          ? ['Wait for it to finish.']
          : ['That process is gone: run `highalert recover`.'],
      },
    );
  }
  if (!lock.active) {
    ctx.state.finishOperation(op.id, 'abandoned');
    return { outcome: 'not-quarantined', changed: false, target: req.target };
  }
  // Read under the lock: a verdict given since the caller looked cannot slip in any more.
  if (req.unlessVerdict !== undefined && lock.active.verdict === req.unlessVerdict) {
    ctx.state.finishOperation(op.id, 'abandoned');
    const reason = `quarantine ${lock.active.id} is marked ${lock.active.verdict}; not released`;
    return { outcome: 'skipped', changed: false, target: req.target, reason };
  }
  const confirmed = req.confirm ? await req.confirm(plan) : req.yes;
  if (!confirmed) {
    ctx.state.finishOperation(op.id, 'abandoned');
    return { outcome: 'declined', changed: false, plan, quarantine: record };
  }
  ctx.state.updateQuarantine(record.id, { status: 'releasing' });
  let applied: Awaited<ReturnType<typeof applyPlanJournalled>>;
  try {
    applied = await applyPlanJournalled(ctx, op.id, plan, dhcpPortFor(backend, plan));
  } catch (err) {
    ctx.state.updateQuarantine(record.id, { status: record.status });
    ctx.state.finishOperation(op.id, 'rolled-back');
    auditRun(ctx, req, { action: 'release', mac: record.mac, operationId: op.id, result: failure(err) });
    throw err;
  }
  const outcome = await finishAndVerify(ctx, backend, plan, vlan, { verify: req.verify, expect: 'normal' });
  const updated = ctx.state.updateQuarantine(record.id, {
    status: 'released',
    details: { ...record.details, release: JSON.parse(JSON.stringify(outcome)) as JsonObject },
  });
  ctx.state.releaseAllocation(poolKey(vlan), record.mac);
  ctx.state.finishOperation(op.id, 'done');
  auditRun(ctx, req, {
    action: 'release',
    mac: record.mac,
    operationId: op.id,
    lines: applied.sent,
    result: outcome.verified ? 'released' : 'released (renew pending)',
  });
  return { outcome: 'released', changed: true, plan, quarantine: updated, renew: outcome };
}
