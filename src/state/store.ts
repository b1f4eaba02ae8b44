/**
 * The state store's API in one object. Each method delegates to the module that owns its table;
 * get one with `openState()` (open.ts). Plain objects in and out, canonical values from src/values.
 */
import type Database from 'better-sqlite3';
import type { IpAddress } from '../values/ip.js';
import type { Mac } from '../values/mac.js';
import * as alloc from './allocations.js';
import * as audit from './audit.js';
import type { Ctx } from './db.js';
import * as holds from './holds.js';
import * as ops from './operations.js';
import * as q from './quarantines.js';
import * as reports from './reports.js';
import type {
  AllocationRecord,
  AllocationRequest,
  AuditEntry,
  BeginOperation,
  ClaimResult,
  HoldRecord,
  JsonObject,
  JsonValue,
  LockResult,
  NewAuditEntry,
  NewQuarantine,
  NewStep,
  OperationRecord,
  OperationStatus,
  QuarantineFilter,
  QuarantinePatch,
  QuarantineRecord,
  ReportRecord,
  StepRecord,
} from './types.js';

export class StateStore {
  private readonly ctx: Ctx;

  constructor(
    /** The better-sqlite3 connection, for tests and the future PostgreSQL seam. */
    readonly db: Database.Database,
    /** Absolute path of the database file (or `:memory:`). */
    readonly path: string,
    now: () => string,
  ) {
    this.ctx = { db, now };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // operations and journal
  beginOperation(input: BeginOperation): OperationRecord {
    return ops.beginOperation(this.ctx, input);
  }
  getOperation(opId: number): OperationRecord | undefined {
    return ops.getOperation(this.ctx, opId);
  }
  finishOperation(opId: number, status: Exclude<OperationStatus, 'running'>): void {
    ops.finishOperation(this.ctx, opId, status);
  }
  unfinishedOperations(): OperationRecord[] {
    return ops.unfinishedOperations(this.ctx);
  }
  claimTarget(mac: Mac, opId: number): ClaimResult {
    return ops.claimTarget(this.ctx, mac, opId);
  }
  lockTarget(mac: Mac, opId: number): LockResult {
    return ops.lockTarget(this.ctx, mac, opId);
  }
  journalStep(opId: number, step: NewStep): number {
    return ops.journalStep(this.ctx, opId, step);
  }
  markStepDone(stepId: number): void {
    ops.markStepDone(this.ctx, stepId);
  }
  markStepFailed(stepId: number, error: string): void {
    ops.markStepFailed(this.ctx, stepId, error);
  }
  markStepUndone(stepId: number): void {
    ops.markStepUndone(this.ctx, stepId);
  }
  markStepUndoFailed(stepId: number, error: string): void {
    ops.markStepUndoFailed(this.ctx, stepId, error);
  }
  stepsOf(opId: number): StepRecord[] {
    return ops.stepsOf(this.ctx, opId);
  }

  // allocations
  allocateHighAlertIp(req: AllocationRequest): IpAddress {
    return alloc.allocateHighAlertIp(this.ctx, req);
  }
  previewHighAlertIp(req: Omit<AllocationRequest, 'quarantineId'>): IpAddress {
    return alloc.previewHighAlertIp(this.ctx, req);
  }
  releaseAllocation(pool: string, mac: Mac): boolean {
    return alloc.releaseAllocation(this.ctx, pool, mac);
  }
  allocationFor(pool: string, mac: Mac): AllocationRecord | undefined {
    return alloc.allocationFor(this.ctx, pool, mac);
  }
  allocations(pool?: string): AllocationRecord[] {
    return alloc.allocations(this.ctx, pool);
  }

  // quarantines
  recordQuarantine(input: NewQuarantine): QuarantineRecord {
    return q.recordQuarantine(this.ctx, input);
  }
  updateQuarantine(id: number, patch: QuarantinePatch): QuarantineRecord {
    return q.updateQuarantine(this.ctx, id, patch);
  }
  activeQuarantineForMac(mac: Mac): QuarantineRecord | undefined {
    return q.activeQuarantineForMac(this.ctx, mac);
  }
  listQuarantines(filter?: QuarantineFilter): QuarantineRecord[] {
    return q.listQuarantines(this.ctx, filter);
  }
  getQuarantine(idOrMacOrIp: string | number): QuarantineRecord | undefined {
    return q.getQuarantine(this.ctx, idOrMacOrIp);
  }

  // audit
  appendAudit(entry: NewAuditEntry): AuditEntry {
    return audit.appendAudit(this.ctx, entry);
  }
  history(options?: { target?: string; limit?: number }): AuditEntry[] {
    return audit.history(this.ctx, options);
  }

  // decision-controller reports
  enqueueReport(quarantineId: number, payload: JsonValue): ReportRecord {
    return reports.enqueueReport(this.ctx, quarantineId, payload);
  }
  pendingReports(limit?: number): ReportRecord[] {
    return reports.pendingReports(this.ctx, limit);
  }
  markReportFailed(id: number, error: string): void {
    reports.markReportFailed(this.ctx, id, error);
  }
  markReportDelivered(id: number): void {
    reports.markReportDelivered(this.ctx, id);
  }
  /** The quarantine's pending reports are withdrawn (never delivered); returns them. */
  withdrawReports(quarantineId: number, why: string): ReportRecord[] {
    return reports.withdrawReports(this.ctx, quarantineId, why);
  }

  // holds
  startHold(hold: { scope?: string; message: string; operator: string; snapshot?: JsonObject }): HoldRecord {
    return holds.startHold(this.ctx, hold);
  }
  endHold(operator: string, scope?: string): HoldRecord | undefined {
    return holds.endHold(this.ctx, operator, scope);
  }
  activeHold(scope?: string): HoldRecord | undefined {
    return holds.activeHold(this.ctx, scope);
  }
  listHolds(options?: { includeEnded?: boolean }): HoldRecord[] {
    return holds.listHolds(this.ctx, options);
  }
}
