/**
 * Runs a task per device with a concurrency limit (Nornir's runner + AggregatedResult): a failure
 * stops at the device boundary and never stops the other devices; results come back per device.
 */
import { performance } from 'node:perf_hooks';
import pLimit from 'p-limit';
import { DevicesFailedError, asHighAlertError, type HighAlertError } from '../errors.js';

export interface DeviceResult<T> {
  device: string;
  ok: boolean;
  /** Set when ok. */
  result?: T;
  /** Set when the task threw (anything that is not a HighAlertError becomes E_INTERNAL). */
  error?: HighAlertError;
  elapsedMs: number;
}

export class AggregatedResult<T> {
  /** One entry per device, in the order the devices were given. */
  readonly results: ReadonlyMap<string, DeviceResult<T>>;
  readonly elapsedMs: number;

  constructor(results: ReadonlyMap<string, DeviceResult<T>>, elapsedMs: number) {
    this.results = results;
    this.elapsedMs = elapsedMs;
  }

  get failedDevices(): string[] {
    return [...this.results.values()].filter((r) => !r.ok).map((r) => r.device);
  }

  get okDevices(): string[] {
    return [...this.results.values()].filter((r) => r.ok).map((r) => r.device);
  }

  get failed(): boolean {
    return this.failedDevices.length > 0;
  }

  get(device: string): DeviceResult<T> | undefined {
    return this.results.get(device);
  }

  /** Throws DevicesFailedError (exit 1 when some devices succeeded, 3 when none did). */
  raiseOnError(): this {
    const failures = new Map<string, HighAlertError>();
    for (const r of this.results.values())
      if (!r.ok && r.error !== undefined) failures.set(r.device, r.error);
    if (failures.size > 0) throw new DevicesFailedError(failures, this.okDevices.length);
    return this;
  }

  toJSON(): {
    elapsedMs: number;
    devices: Record<
      string,
      { ok: boolean; elapsedMs: number; result?: T; error?: ReturnType<HighAlertError['toJSON']> }
    >;
  } {
    const devices: Record<
      string,
      { ok: boolean; elapsedMs: number; result?: T; error?: ReturnType<HighAlertError['toJSON']> }
    > = {};
    for (const r of this.results.values()) {
      devices[r.device] = {
        ok: r.ok,
        elapsedMs: r.elapsedMs,
        ...(r.ok ? { result: r.result as T } : {}),
        ...(r.error === undefined ? {} : { error: r.error.toJSON() }),
      };
    }
    return { elapsedMs: this.elapsedMs, devices };
  }
}

export interface RunOptions {
  /** Devices talked to at once (inventory `ssh.max_concurrent`). */
  limit: number;
}

/** Runs `task` for every device, at most `limit` at a time; never throws for a device's failure. */
export async function runOnDevices<D extends { name: string }, T>(
  devices: readonly D[],
  task: (device: D) => Promise<T>,
  options: RunOptions,
): Promise<AggregatedResult<T>> {
  const names = new Set<string>();
  for (const d of devices) {
    if (names.has(d.name)) throw new Error(`runOnDevices: device ${d.name} given twice`);
    names.add(d.name);
  }
  const limit = pLimit(Math.max(1, Math.floor(options.limit)));
  const start = performance.now();
  const settled = await Promise.all(
    devices.map((d) =>
      limit(async (): Promise<DeviceResult<T>> => {
        const t0 = performance.now();
        try {
          const result = await task(d);
          return { device: d.name, ok: true, result, elapsedMs: Math.round(performance.now() - t0) };
        } catch (err) {
          return {
            device: d.name,
            ok: false,
            error: asHighAlertError(err),
            elapsedMs: Math.round(performance.now() - t0),
          };
        }
      }),
    ),
  );
  return new AggregatedResult(
    new Map(settled.map((r) => [r.device, r])),
    Math.round(performance.now() - start),
  );
}
