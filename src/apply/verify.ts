/**
 * After a renew: poll what the network says about the MAC (ARP on the gateway, the DHCP server's
 * lease) until it holds the expected address, or the time runs out.
 */
import type { Evidence } from '../model/plan.js';

export interface Sighting {
  readonly source: string;
  readonly query: string;
  readonly ip: string | null;
}

export interface VerifyOutcome {
  readonly ok: boolean;
  /** The last thing each source said. */
  readonly seen: Evidence[];
  readonly elapsedMs: number;
}

export async function pollUntil(
  look: () => Promise<Sighting[]>,
  wanted: (ip: string) => boolean,
  options: { timeoutMs: number; intervalMs?: number; sleep?: (ms: number) => Promise<void> },
): Promise<VerifyOutcome> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const started = Date.now();
  for (;;) {
    const last = await look();
    const hit = last.find((s) => s.ip !== null && wanted(s.ip));
    const elapsedMs = Date.now() - started;
    const seen = last.map((s) => ({
      source: s.source,
      query: s.query,
      said: s.ip ? `holds ${s.ip}` : 'no address seen',
    }));
    if (hit) return { ok: true, seen, elapsedMs };
    if (elapsedMs >= options.timeoutMs) return { ok: false, seen, elapsedMs };
    await sleep(Math.min(options.intervalMs ?? 250, Math.max(0, options.timeoutMs - elapsedMs)));
  }
}
