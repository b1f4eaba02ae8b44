/**
 * The records the state store reads and writes: plain objects, camelCase, canonical values from
 * src/values. Times are ISO-8601 UTC strings (`2026-12-04T16:30:00.000Z`), which sort as text.
 * No record has a field for a password, key or token: secrets never reach the state store.
 */
import type { InterfaceName } from '../values/interface.js';
import type { IpAddress } from '../values/ip.js';
import type { Mac } from '../values/mac.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

// ---------------------------------------------------------------------------------------------
// quarantines

export const QUARANTINE_STATUSES = [
  'applying',
  'isolated',
  'pending-renew',
  'releasing',
  'released',
  'failed',
  'rolled-back',
] as const;
export type QuarantineStatus = (typeof QUARANTINE_STATUSES)[number];
/** Statuses that end a quarantine; any other status is active (at most one active per MAC). */
export const INACTIVE_STATUSES: readonly QuarantineStatus[] = ['released', 'rolled-back', 'failed'];
export const ACTIVE_STATUSES: readonly QuarantineStatus[] = QUARANTINE_STATUSES.filter(
  (s) => !INACTIVE_STATUSES.includes(s),
);

export type Verdict = 'malicious' | 'benign';

/** Per device name: the port's interface and ACL configuration text, as read before quarantine. */
export type ConfigSnapshot = Record<string, string>;

export interface QuarantineRecord {
  readonly id: number;
  /** The target as the operator typed it (IP, MAC, user name, event id). */
  readonly target: string;
  readonly userId: string | null;
  readonly mac: Mac;
  readonly site: string;
  readonly vlan: number;
  readonly switch: string;
  readonly port: InterfaceName;
  readonly previousIp: IpAddress | null;
  readonly highAlertIp: IpAddress | null;
  readonly snapshot: ConfigSnapshot;
  readonly reason: string | null;
  readonly operator: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly ttlS: number | null;
  readonly expiresAt: string | null;
  readonly status: QuarantineStatus;
  readonly verdict: Verdict | null;
  readonly renewMethod: string | null;
  readonly evidence: JsonValue[];
  readonly details: JsonObject;
}

/** What `recordQuarantine` needs; the rest has defaults (status `applying`, times now). */
export interface NewQuarantine {
  target: string;
  userId?: string | null;
  mac: Mac;
  site: string;
  vlan: number;
  switch: string;
  port: InterfaceName;
  previousIp?: IpAddress | null;
  highAlertIp?: IpAddress | null;
  snapshot?: ConfigSnapshot;
  reason?: string | null;
  operator: string;
  /** Time to live in seconds; `expiresAt` is computed from it. */
  ttlS?: number | null;
  status?: QuarantineStatus;
  renewMethod?: string | null;
  evidence?: JsonValue[];
  details?: JsonObject;
}

/** Fields `updateQuarantine` may change. `updatedAt` is always set to now. */
export type QuarantinePatch = Partial<
  Pick<
    QuarantineRecord,
    | 'userId'
    | 'switch'
    | 'port'
    | 'previousIp'
    | 'highAlertIp'
    | 'snapshot'
    | 'reason'
    | 'ttlS'
    | 'expiresAt'
    | 'status'
    | 'verdict'
    | 'renewMethod'
    | 'evidence'
    | 'details'
  >
>;

export interface QuarantineFilter {
  status?: QuarantineStatus | readonly QuarantineStatus[];
  site?: string;
  user?: string;
  mac?: Mac;
  /** Also list released, rolled-back and failed quarantines (ignored when `status` is given). */
  includeReleased?: boolean;
}

// ---------------------------------------------------------------------------------------------
// operations and journal

export type OperationKind =
  'quarantine' | 'release' | 'renew' | 'verdict' | 'hold' | 'unhold' | 'setup' | 'recover' | 'audit';
export type OperationStatus = 'running' | 'done' | 'rolled-back' | 'failed' | 'abandoned';

export interface OperationRecord {
  readonly id: number;
  readonly kind: OperationKind;
  readonly target: string;
  readonly mac: Mac | null;
  readonly operator: string;
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly status: OperationStatus;
}

export interface BeginOperation {
  kind: OperationKind;
  target: string;
  operator: string;
  /** Defaults to this process. */
  pid?: number;
}

export type StepKind = 'device-config' | 'dhcp-reservation' | 'renew';
export type StepStatus = 'pending' | 'done' | 'undone' | 'failed' | 'undo-failed';

export interface NewStep {
  /** The device or DHCP server (inventory name) the step talks to. */
  device: string;
  kind: StepKind;
  /** What the step does, e.g. `{ lines: [...] }` or the reservation added. */
  do: JsonValue;
  /** How to undo it; null when there is nothing to undo (a port bounce). */
  undo: JsonValue | null;
}

export interface StepRecord {
  readonly id: number;
  readonly operationId: number;
  readonly seq: number;
  readonly device: string;
  readonly kind: StepKind;
  readonly do: JsonValue;
  readonly undo: JsonValue | null;
  readonly status: StepStatus;
  readonly error: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** `claimTarget`: the MAC is ours to quarantine, or why not. */
export type ClaimResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'already-active'; readonly quarantine: QuarantineRecord }
  | {
      readonly ok: false;
      readonly reason: 'in-progress';
      readonly operation: OperationRecord;
      /** False when the process is gone: the operation needs `highalert recover`. */
      readonly alive: boolean;
    };

export type InProgress = Extract<ClaimResult, { reason: 'in-progress' }>;

/** `lockTarget` (release, verdict, renew): the MAC is ours to work on, with its active quarantine. */
export type LockResult = { readonly ok: true; readonly active: QuarantineRecord | null } | InProgress;

// ---------------------------------------------------------------------------------------------
// allocations

export interface AllocationRequest {
  /** The High-Alert pool key (site/VLAN), as the caller names it. */
  pool: string;
  /** The pool's addresses in the order they are handed out. */
  candidates: readonly IpAddress[];
  /** Addresses the DHCP server already reserves or leases to someone else. */
  exclude: ReadonlySet<string>;
  mac: Mac;
  quarantineId?: number;
}

export interface AllocationRecord {
  readonly pool: string;
  readonly ip: IpAddress;
  readonly mac: Mac;
  readonly quarantineId: number | null;
  readonly createdAt: string;
}

// ---------------------------------------------------------------------------------------------
// audit, reports, holds

export interface NewAuditEntry {
  operator: string;
  /** The command line as run (highalert never takes secrets on the command line). */
  commandLine: string;
  action: string;
  target?: string | null;
  mac?: Mac | null;
  device?: string | null;
  operationId?: number | null;
  /** Lines sent, per device name. */
  lines?: Record<string, string[]>;
  result: string;
}

export interface AuditEntry {
  readonly id: number;
  readonly time: string;
  readonly operator: string;
  readonly commandLine: string;
  readonly action: string;
  readonly target: string | null;
  readonly mac: Mac | null;
  readonly device: string | null;
  readonly operationId: number | null;
  readonly lines: Record<string, string[]>;
  readonly result: string;
}

export interface ReportRecord {
  readonly id: number;
  readonly quarantineId: number;
  readonly payload: JsonValue;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly lastAttemptAt: string | null;
  readonly deliveredAt: string | null;
  /** Set when the verdict it reports no longer stands: never delivered after that. */
  readonly withdrawnAt: string | null;
}

export interface HoldRecord {
  readonly id: number;
  /** What the hold covers, e.g. a site or pool key; `all` for every pool. */
  readonly scope: string;
  readonly message: string;
  readonly operator: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly endedBy: string | null;
  readonly snapshot: JsonObject;
}
