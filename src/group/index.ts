/** The High-Alert group as a whole: status, verdicts and reports, expiry, history. */
export * from './types.js';
export { findQuarantine, openGroupContext, requireQuarantine } from './context.js';
export { groupStatus, ttlLeftSeconds, isExpired, type StatusQuery } from './status.js';
export { groupHistory, DEFAULT_HISTORY_LIMIT } from './history.js';
export { buildReport, flushReports, noController, writeReportFile, timelineOf } from './report.js';
export { authHeaders, postJson, type PostOptions, type PostResult } from '../notify/webhook.js';
export { runVerdict, verdict, verdictExitCode, type VerdictRequest, type VerdictDeps } from './verdict.js';
export {
  runExpire,
  expire,
  expireExitCode,
  selectExpired,
  type ExpireRequest,
  type ExpireDeps,
} from './expire.js';
export type { ReleaseFn, ReleaseOutcome, ReleaseRequest } from './release-port.js';
