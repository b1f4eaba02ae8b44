/**
 * The decision controller's webhook: a small JSON POST with retries (exponential backoff), global
 * fetch, one timeout per attempt (AbortSignal.timeout). Never throws; never puts header values
 * (the auth token) in its result or messages. Reports use postJson; notices use postNotice.
 */
import type { DecisionController } from '../inventory/types.js';
import { safeUrl } from '../values/url.js';

export interface PostOptions {
  /** Extra request headers (the auth header). Their values are never echoed. */
  headers?: Record<string, string>;
  /** Attempts in all, the first included. Default 4: the first, then after 0.5 s, 1 s, 2 s. */
  attempts?: number;
  /** Wait before the second attempt; doubled for each further one. Default 500 ms. */
  baseDelayMs?: number;
  /** Per attempt. Default 5 s. */
  timeoutMs?: number;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

export interface PostResult {
  readonly ok: boolean;
  readonly attempts: number;
  /** The last HTTP status, or null when no response came back (refused, timeout, DNS). */
  readonly status: number | null;
  /** Why the last attempt failed, for people and the state store; null on success. */
  readonly error: string | null;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export { safeUrl } from '../values/url.js';

/** Worth trying again: no response, a timeout, 408, 429 or a 5xx. Other 4xx will not change by retrying. */
function retryable(status: number | null): boolean {
  return status === null || status === 408 || status === 429 || status >= 500;
}

/** Why a fetch threw, without the URL's credentials or query (fetch's own messages quote the URL). */
function describe(err: unknown, url: string): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timed out';
  const cause = e?.cause;
  const text = cause?.message ?? cause?.code ?? e?.message ?? String(err);
  return text.replaceAll(url, safeUrl(url)).replace(/(\w+:\/\/)[^/@\s]*@/g, '$1');
}

export async function postJson(url: string, body: unknown, options: PostOptions = {}): Promise<PostResult> {
  const attempts = Math.max(1, options.attempts ?? 4);
  const baseDelayMs = options.baseDelayMs ?? 500;
  const timeoutMs = options.timeoutMs ?? 5000;
  const wait = options.sleep ?? sleep;
  const doFetch = options.fetch ?? fetch;
  const text = JSON.stringify(body);
  const where = safeUrl(url);
  let status: number | null = null;
  let error = 'not tried';
  for (let i = 1; i <= attempts; i++) {
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options.headers },
        body: text,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
      status = res.status;
      // Drain the body so the connection is released; its content is not needed.
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { ok: true, attempts: i, status, error: null };
      error = `POST ${where}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
    } catch (err) {
      status = null;
      error = `POST ${where}: ${describe(err, url)}`;
    }
    if (!retryable(status)) return { ok: false, attempts: i, status, error };
    if (i < attempts) await wait(baseDelayMs * 2 ** (i - 1));
  }
  return { ok: false, attempts, status, error };
}

/** The auth header for the webhook, read from the environment now. Its value is never returned elsewhere. */
export function authHeaders(
  dc: DecisionController,
  env: NodeJS.ProcessEnv = process.env,
): { headers: Record<string, string> } | { error: string } {
  if (dc.authEnv === undefined) {
    return dc.authHeader === undefined
      ? { headers: {} }
      : {
          error: `decision_controller.auth_header is ${dc.authHeader} but auth_env is not set in the inventory`,
        };
  }
  const value = env[dc.authEnv];
  if (!value)
    return { error: `environment variable ${dc.authEnv} (decision_controller.auth_env) is not set` };
  return { headers: { [dc.authHeader ?? 'Authorization']: value } };
}

export interface NoticeResult {
  readonly ok: boolean;
  readonly url: string;
  readonly status?: number;
  /** Why it failed, for a warning (never contains the auth header). */
  readonly error?: string;
}

/** A best-effort notice (one attempt): hold messages, renew instructions. Never throws. */
export async function postNotice(
  dc: DecisionController,
  payload: Record<string, unknown>,
  o: { timeoutMs?: number; env?: NodeJS.ProcessEnv; fetch?: typeof fetch } = {},
): Promise<NoticeResult> {
  const url = safeUrl(dc.url);
  const auth = authHeaders(dc, o.env);
  if ('error' in auth) return { ok: false, url, error: auth.error };
  const r = await postJson(dc.url, payload, {
    headers: auth.headers,
    attempts: 1,
    timeoutMs: o.timeoutMs ?? 10_000,
    ...(o.fetch ? { fetch: o.fetch } : {}),
  });
  return {
    ok: r.ok,
    url,
    ...(r.status === null ? {} : { status: r.status }),
    ...(r.error === null ? {} : { error: r.error }),
  };
}
