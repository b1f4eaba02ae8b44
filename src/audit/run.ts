/**
 * `highalert audit [--fix]`: hold the state store against the network. Observe every device and
 * DHCP server (a failing one is reported and skipped), compare (check.ts), and with --fix show the
 * repair as a diff, confirm, and apply it like quarantine does: journalled, all-or-nothing with
 * rollback. Unfinished operations are recovered first (recover.ts). A second look after the fix
 * says what is left.
 */
import { withRun, type RunContext, type RunRequest } from '../apply/context.js';
import { applyJournalled } from '../apply/journalled.js';
import { asHighAlertError } from '../errors.js';
import { linesByDevice } from '../model/plan.js';
import { applyRecover, planRecover, type RecoverOperation } from '../recover/recover.js';
import { ACTIVE_STATUSES } from '../state/types.js';
import { checkAudit } from './check.js';
import { closeObserved, observe } from './observe.js';
import { dhcpPortForRepair, planRepair, type RepairPlan } from './repair.js';
import { exitCodeFor, type AuditExitCode, type CheckResult, type Finding, type Observed } from './types.js';

export interface AuditRequest extends RunRequest {
  readonly fix: boolean;
  /** With fix: show the repair, change nothing. */
  readonly dryRun: boolean;
  /** Called with the repair before confirming (print it for people). */
  readonly showPlan?: (plan: RepairPlan, recover: RecoverOperation[]) => void;
  /** Asked once the repair is known; false → nothing changes. */
  readonly confirm: (plan: RepairPlan, recover: RecoverOperation[]) => Promise<boolean>;
}

export interface AuditFix {
  readonly dryRun: boolean;
  readonly applied: boolean;
  readonly declined: boolean;
  /** The journalled `audit` operation of the repair (null when nothing was applied). */
  readonly operationId: number | null;
  /** Unfinished operations rolled back first (by id). */
  readonly recovered: number[];
  /** One line per repair. */
  readonly repairs: string[];
  /** Config lines per device, in order: sent, or that an apply would send (dry-run). */
  readonly lines: Record<string, string[]>;
  /** DHCP API changes (Kea), one line each. */
  readonly dhcp: string[];
}

export interface AuditResult {
  /** No error-level finding and every device was read (after the fix, when one was applied). */
  readonly clean: boolean;
  readonly exitCode: AuditExitCode;
  readonly checked: CheckResult['counts'];
  readonly findings: Finding[];
  readonly fix: AuditFix | null;
  /** Findings of the second look after an applied fix; null without one. */
  readonly remaining: Finding[] | null;
}

async function look(ctx: RunContext): Promise<{ observed: Observed; result: CheckResult }> {
  ctx.progress('reading every device and DHCP server…');
  const observed = await observe(ctx.inventory, ctx.network);
  const result = checkAudit({
    inventory: ctx.inventory,
    records: ctx.state.listQuarantines({ status: ACTIVE_STATUSES }),
    unfinished: ctx.state
      .unfinishedOperations()
      .map((operation) => ({ operation, steps: ctx.state.stepsOf(operation.id) })),
    observed,
    hold: ctx.state.activeHold(),
  });
  return { observed, result };
}

function done(first: CheckResult, fix: AuditFix | null, remaining: Finding[] | null): AuditResult {
  const final = remaining ?? first.findings;
  const exitCode = exitCodeFor(final);
  return { clean: exitCode === 0, exitCode, checked: first.counts, findings: first.findings, fix, remaining };
}

function fixOf(plan: RepairPlan, o: Partial<AuditFix>): AuditFix {
  return {
    dryRun: false,
    applied: false,
    declined: false,
    operationId: null,
    recovered: [],
    repairs: plan.summary,
    lines: Object.fromEntries(linesByDevice(plan)),
    dhcp: plan.steps.flatMap((s) => (s.kind === 'dhcp' ? s.preview : [])),
    ...o,
  };
}

export function audit(req: AuditRequest): Promise<AuditResult> {
  return withRun(req, run);
}

async function run(ctx: RunContext, req: AuditRequest): Promise<AuditResult> {
  const first = await look(ctx);
  if (!req.fix) {
    await closeObserved(first.observed);
    return done(first.result, null, null);
  }
  let current = first;
  try {
    const recoverPlans = planRecover(ctx);
    let plan = planRepair(ctx.inventory, first.observed, first.result.repairs);
    if (!plan.steps.length && !plan.kea.length && !recoverPlans.length)
      return done(first.result, fixOf(plan, { dryRun: req.dryRun }), null);
    req.showPlan?.(plan, recoverPlans);
    if (req.dryRun) return done(first.result, fixOf(plan, { dryRun: true }), null);
    if (!(await req.confirm(plan, recoverPlans)))
      return done(first.result, fixOf(plan, { declined: true }), null);

    const audit = { operator: req.operator, commandLine: req.commandLine };
    const recovered = recoverPlans.length
      ? (await applyRecover(ctx, recoverPlans, audit))
          .filter((o) => o.outcome === 'rolled-back')
          .map((o) => o.id)
      : [];
    if (recovered.length) {
      // Recover changed the devices: plan the repair again from what is there now, and ask again
      // if it is not the repair that was shown.
      current = await look(ctx);
      const again = planRepair(ctx.inventory, current.observed, current.result.repairs);
      const same = JSON.stringify([again.steps, again.kea]) === JSON.stringify([plan.steps, plan.kea]);
      plan = again;
      if (!same && (plan.steps.length || plan.kea.length)) {
        req.showPlan?.(plan, []);
        if (!(await req.confirm(plan, [])))
          return done(first.result, fixOf(plan, { declined: true, recovered }), null);
      }
    }
    let operationId: number | null = null;
    if (plan.steps.length || plan.kea.length) {
      const op = ctx.state.beginOperation({ kind: 'audit', target: 'audit --fix', operator: req.operator });
      operationId = op.id;
      try {
        for (const k of plan.kea) {
          ctx.progress(`kea  ${k.server}: guarding ${k.range.first} - ${k.range.last}`);
          await current.observed.keaServers.get(k.server)!.ensureGuardedPool(k.scope, k.range);
        }
        const applied = await applyJournalled(plan.steps, {
          what: 'audit --fix',
          state: ctx.state,
          opId: op.id,
          config: ctx.network,
          dhcp: dhcpPortForRepair(current.observed),
          progress: ctx.progress,
        });
        await ctx.network.finish();
        ctx.state.finishOperation(op.id, 'done');
        ctx.state.appendAudit({
          ...audit,
          action: 'audit-fix',
          operationId: op.id,
          lines: applied.sent,
          result: 'ok',
        });
      } catch (err) {
        const e = asHighAlertError(err);
        ctx.state.finishOperation(op.id, e.code === 'E_APPLY_FAILED' ? 'rolled-back' : 'failed');
        ctx.state.appendAudit({
          ...audit,
          action: 'audit-fix',
          operationId: op.id,
          result: `${e.code}: ${e.message.split('\n')[0] ?? ''}`,
        });
        throw e;
      }
    }
    const second = await look(ctx);
    await closeObserved(second.observed);
    return done(first.result, fixOf(plan, { applied: true, operationId, recovered }), second.result.findings);
  } finally {
    await closeObserved(first.observed);
    if (current !== first) await closeObserved(current.observed);
  }
}
