/** Shared by the group tests: a state store with quarantines in chosen states, a fake webhook, a fake release. */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after } from 'node:test';
import type { ReleaseFn, ReleaseOutcome, ReleaseRequest } from '../../src/group/release-port.js';
import type { StateStore } from '../../src/state/index.js';
import type { NewQuarantine, QuarantineRecord } from '../../src/state/types.js';
import { parseIp } from '../../src/values/ip.js';
import { freshStore, mac, sampleQuarantine } from './state-fixtures.js';

export { freshStore, mac, sampleQuarantine, tempDir } from './state-fixtures.js';

export const T0 = Date.parse('2026-12-04T12:00:00.000Z');

/** A steppable clock (the store writes its times from it). */
export function clock(start = T0): {
  now: () => Date;
  set: (ms: number) => void;
  tick: (ms: number) => void;
} {
  let t = start;
  return { now: () => new Date(t), set: (ms) => void (t = ms), tick: (ms) => void (t += ms) };
}

/**
 * Records a quarantine as of `at` with TTL `ttlS`, then moves it to `status` and `verdict`.
 * `n` picks the MAC (02:00:00:00:00:0n), the user (`user<n>`) and the IPs.
 */
export function seed(
  store: StateStore,
  c: ReturnType<typeof clock>,
  n: number,
  opts: {
    at?: number;
    ttlS?: number | null;
    status?: QuarantineRecord['status'];
    verdict?: QuarantineRecord['verdict'];
    site?: string;
    extra?: Partial<NewQuarantine>;
  } = {},
): QuarantineRecord {
  const back = c.now().getTime();
  c.set(opts.at ?? back);
  const q = store.recordQuarantine(
    sampleQuarantine({
      target: `user${n}`,
      userId: `user${n}`,
      mac: mac(n),
      site: opts.site ?? 'hq',
      previousIp: parseIp(`10.1.20.${10 + n}`),
      highAlertIp: parseIp(`10.1.20.${240 + n}`),
      ttlS: opts.ttlS === undefined ? 3600 : opts.ttlS,
      status: 'isolated',
      ...opts.extra,
    }),
  );
  const patched =
    opts.status !== undefined || opts.verdict !== undefined
      ? store.updateQuarantine(q.id, {
          ...(opts.status ? { status: opts.status } : {}),
          ...(opts.verdict ? { verdict: opts.verdict } : {}),
        })
      : q;
  c.set(back);
  return patched;
}

export function storeWithClock(): { store: StateStore; c: ReturnType<typeof clock> } {
  const c = clock();
  return { store: freshStore({ now: c.now }), c };
}

export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** An HTTP server on 127.0.0.1 recording POSTs and answering `status()` (default 200). */
export async function fakeWebhook(
  status: (n: number) => number = () => 200,
  port = 0,
): Promise<{ url: string; port: number; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(text || '{}') as Record<string, unknown>,
      });
      res.writeHead(status(received.length)).end('{}');
    });
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const actual = (server.address() as AddressInfo).port;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  after(close);
  return { url: `http://127.0.0.1:${actual}/hook`, port: actual, received, close };
}

/** A port on 127.0.0.1 with nothing listening (bound, then closed). */
export async function closedPort(): Promise<number> {
  const hook = await fakeWebhook();
  await hook.close();
  return hook.port;
}

/** A release that records its calls and marks the quarantine released (or throws `fail(mac)`). */
export function fakeRelease(
  store: StateStore,
  fail: (mac: string) => Error | undefined = () => undefined,
): { release: ReleaseFn; calls: ReleaseRequest[] } {
  const calls: ReleaseRequest[] = [];
  const release: ReleaseFn = async (req) => {
    calls.push(req);
    const err = fail(req.target);
    if (err) throw err;
    const q = store.getQuarantine(req.target);
    if (!q) return { outcome: 'not-quarantined', changed: false, target: req.target };
    if (req.dryRun) return { outcome: 'dry-run', changed: false, quarantine: q } as unknown as ReleaseOutcome;
    const updated = store.updateQuarantine(q.id, { status: 'released' });
    return { outcome: 'released', changed: true, quarantine: updated } as unknown as ReleaseOutcome;
  };
  return { release, calls };
}

/** Records the backoff delays instead of waiting them out. */
export function recordingSleep(): { delays: number[]; sleep: (ms: number) => Promise<void> } {
  const delays: number[] = [];
  return { delays, sleep: async (ms) => void delays.push(ms) };
}
