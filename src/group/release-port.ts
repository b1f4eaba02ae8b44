import type { RenewMethod } from '../model/plan.js';
/**
 * The seam to release (src/apply/release.ts): `verdict --benign` and `expire` call it through
 * {@link ReleaseFn} so tests inject their own, and turn its outcome or error into data.
 */
import type { ReleaseOutcome, ReleaseRequest } from '../apply/release.js';
import { EXIT, HighAlertError, InternalError } from '../errors.js';
import type { JsonValue } from '../state/types.js';
import type { ReleaseResultJson } from './types.js';

export type { ReleaseOutcome, ReleaseRequest };

/** Resolves with the release's outcome or throws a HighAlertError (rolled back). */
export type ReleaseFn = (request: ReleaseRequest) => Promise<ReleaseOutcome>;

/** The real release, loaded when first needed (keeps ssh2 and friends out of `status`). */
export async function loadRelease(): Promise<ReleaseFn> {
  return (await import('../apply/release.js')).release;
}

export function errorJson(err: unknown): { code: string; message: string; suggestions: string[] } {
  const e = err instanceof HighAlertError ? err : new InternalError(err);
  return { code: e.code, message: e.message, suggestions: e.suggestions };
}

/**
 * Runs a release and turns any outcome into data: the error stops here (one target of many).
 * `released` and `not-quarantined` (released meanwhile) are success; `declined` is not.
 */
export async function runRelease(release: ReleaseFn, request: ReleaseRequest): Promise<ReleaseResultJson> {
  try {
    const outcome = await release(request);
    const json = JSON.parse(JSON.stringify(outcome)) as JsonValue;
    if (outcome.outcome === 'declined') {
      const error = { code: 'E_DECLINED', message: 'the release was declined', suggestions: [] };
      return { ok: false, exitCode: EXIT.USAGE, outcome: json, error };
    }
    return { ok: true, exitCode: EXIT.OK, outcome: json, error: null };
  } catch (err) {
    const e = err instanceof HighAlertError ? err : new InternalError(err);
    return { ok: false, exitCode: e.exitCode, outcome: null, error: errorJson(e) };
  }
}

/** What expire and verdict share: they may release, so they take release's options. */
export interface ReleasingRequest {
  inventoryPath: string;
  statePath?: string | undefined;
  dryRun: boolean;
  yes: boolean;
  json: boolean;
  /** Passed to release: how the device renews (default: the quarantine's, else the inventory's). */
  renew?: RenewMethod | undefined;
  /** Passed to release: wait until the device is back in the normal pool. Default true. */
  verify?: boolean | undefined;
  operator: string;
  commandLine: string;
  progress?: (line: string) => void;
}

/** Injected in tests: the release to call, the confirmation to ask, the clock. */
export interface ReleasingDeps {
  release?: ReleaseFn;
  /** Asked before releasing (see src/cli/confirm.ts); false cancels. */
  confirm?: (question: string) => Promise<boolean>;
  now?: () => Date;
}
