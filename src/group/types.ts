/**
 * The `--json` contract of the group commands (status, verdict, expire, history, report flush).
 * Plain data: every field is JSON; no secret (decision-controller token, passwords) ever appears.
 */
import type {
  AuditEntry,
  HoldRecord,
  JsonObject,
  JsonValue,
  QuarantineStatus,
  Verdict,
} from '../state/types.js';

/** One row of `highalert status`. */
export interface StatusRow {
  readonly id: number;
  readonly target: string;
  readonly user: string | null;
  readonly mac: string;
  readonly site: string;
  readonly vlan: number;
  readonly switch: string;
  readonly port: string;
  readonly highAlertIp: string | null;
  readonly previousIp: string | null;
  /** When the quarantine was created (ISO-8601 UTC). */
  readonly since: string;
  readonly expiresAt: string | null;
  /** Whole seconds until `expiresAt`; 0 once passed; null when the quarantine has no TTL. */
  readonly ttlLeftS: number | null;
  /** `expiresAt` has passed: `highalert expire` will release it (unless malicious). */
  readonly expired: boolean;
  readonly status: QuarantineStatus;
  readonly verdict: Verdict | null;
  readonly reason: string | null;
  readonly operator: string;
  /** A malicious report for this quarantine is waiting for delivery to the decision controller. */
  readonly reportQueued: boolean;
}

export interface StatusResult {
  /** The time TTLs were computed against. */
  readonly now: string;
  readonly state: string;
  /** Active collective holds (`highalert hold`), each with its message. */
  readonly holds: readonly HoldRecord[];
  readonly quarantines: readonly StatusRow[];
  /** Undelivered decision-controller reports (all quarantines, not only those listed). */
  readonly pendingReports: number;
}

/** What the decision controller receives (`verdict --malicious`), and what `--report-file` writes. */
export interface ReportPayload extends JsonObject {
  readonly schema: 'highalert.report/v1';
  readonly verdict: 'malicious';
  readonly quarantineId: number;
  readonly target: string;
  readonly user: { id: string; name: string | null } | null;
  readonly mac: string;
  readonly site: string;
  readonly vlan: number;
  readonly switch: string;
  readonly port: string;
  readonly highAlertIp: string | null;
  readonly previousIp: string | null;
  readonly reason: string | null;
  readonly evidence: JsonValue[];
  /** The quarantine's audit trail, oldest first. */
  readonly timeline: TimelineEntry[];
  readonly state: {
    status: QuarantineStatus;
    since: string;
    expiresAt: string | null;
    renewMethod: string | null;
  };
  readonly note: string | null;
  readonly operator: string;
  /** When the report was built (ISO-8601 UTC). */
  readonly time: string;
}

export interface TimelineEntry extends JsonObject {
  time: string;
  action: string;
  operator: string;
  device: string | null;
  commandLine: string;
  result: string;
}

/** One delivery of a queued report. */
export interface DeliveryRow {
  readonly reportId: number;
  readonly quarantineId: number;
  readonly delivered: boolean;
  /** HTTP attempts made in this run (0: not tried, an earlier report of this run failed). */
  readonly attempts: number;
  readonly httpStatus: number | null;
  readonly error: string | null;
}

export interface FlushResult {
  /** False when the inventory has no `decision_controller`: nothing could be sent. */
  readonly configured: boolean;
  readonly delivered: number;
  /** Still queued after this run. */
  readonly queued: number;
  readonly deliveries: readonly DeliveryRow[];
}

export interface VerdictResult {
  readonly quarantineId: number;
  readonly target: string;
  readonly mac: string;
  readonly verdict: Verdict;
  /** The recorded verdict before this run. */
  readonly previousVerdict: Verdict | null;
  /** False when nothing changed (same verdict again, or a dry run). */
  readonly changed: boolean;
  readonly dryRun: boolean;
  /** Malicious only. */
  readonly report?: {
    /** `webhook`: posted (or queued) for the decision controller; `file`: written to `file`. */
    readonly via: 'webhook' | 'file' | 'none';
    readonly reportId: number | null;
    readonly delivered: boolean;
    readonly queued: boolean;
    readonly file: string | null;
    readonly error: string | null;
    /** The report itself (dry run and --report-file only; webhook runs keep it in the state). */
    readonly payload?: ReportPayload;
  };
  /** Benign only: the release run, or why it failed. */
  readonly release?: ReleaseResultJson;
  /** Reports queued by earlier runs, delivered first. */
  readonly flush: FlushResult;
  readonly status: QuarantineStatus;
}

export interface ReleaseResultJson {
  readonly ok: boolean;
  /** 0 when it succeeded, else the failure's exit code (3: a device or server failed). */
  readonly exitCode: number;
  /** What the release function returned (its own `--json` shape), when it succeeded. */
  readonly outcome: JsonValue | null;
  readonly error: { code: string; message: string; suggestions: string[] } | null;
}

export interface ExpireRow {
  readonly id: number;
  readonly target: string;
  readonly user: string | null;
  readonly mac: string;
  readonly switch: string;
  readonly port: string;
  readonly highAlertIp: string | null;
  readonly expiresAt: string;
  readonly status: QuarantineStatus;
  /** `would-release` (dry run), `released`, `failed`, or `skipped` (an operation is running on it). */
  readonly result: 'would-release' | 'released' | 'failed' | 'skipped';
  readonly error: { code: string; message: string; suggestions: string[] } | null;
}

export interface ExpireResult {
  readonly now: string;
  readonly dryRun: boolean;
  readonly expired: readonly ExpireRow[];
  readonly released: number;
  readonly failed: number;
  readonly skipped: number;
}

export interface HistoryResult {
  readonly target: string | null;
  readonly entries: readonly AuditEntry[];
}
