/**
 * Best-effort notice to the decision controller (inventory `decision_controller`): one JSON POST
 * with a timeout. The auth header value is read from the environment variable the inventory
 * names and never returned, logged or put in an error.
 */
import type { DecisionController } from '../inventory/types.js';

export interface NoticeResult {
  readonly ok: boolean;
  readonly url: string;
  readonly status?: number;
  /** Why it failed, for a warning (never contains the auth header). */
  readonly error?: string;
}

export interface PostOptions {
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly fetch?: typeof fetch;
}

export async function postNotice(
  dc: DecisionController,
  payload: Record<string, unknown>,
  o: PostOptions = {},
): Promise<NoticeResult> {
  const url = dc.url;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (dc.authEnv !== undefined) {
    const value = (o.env ?? process.env)[dc.authEnv];
    if (value === undefined || value === '') {
      return {
        ok: false,
        url,
        error: `environment variable ${dc.authEnv} (the auth header value) is not set`,
      };
    }
    headers[dc.authHeader ?? 'Authorization'] = value;
  }
  try {
    const res = await (o.fetch ?? fetch)(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
    });
    await res.body?.cancel().catch(() => undefined);
    return res.ok
      ? { ok: true, url, status: res.status }
      : { ok: false, url, status: res.status, error: `HTTP ${res.status}` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const why = e.name === 'TimeoutError' ? 'timed out' : (e.cause?.code ?? e.message);
    return { ok: false, url, error: why };
  }
}
