/**
 * `highalert trust`: read each device's host key (key exchange only, no credentials sent), show
 * its fingerprint, and record it in the known_hosts file once confirmed. A changed key is never
 * overwritten here: the old line must be removed deliberately.
 */
import { HostKeyError } from '../errors.js';
import type { ResolvedInventory } from '../inventory/index.js';
import { devicesByName } from './inventory-params.js';
import { appendKnownHost, lookupHostKey } from './known-hosts.js';
import { runOnDevices, type AggregatedResult } from './pool.js';
import { scanHostKey, type HostKeyInfo } from './transport.js';

export interface TrustTarget {
  name: string;
  host: string;
  port: number;
  /** Overrides TrustOptions.knownHostsPath for this device (inventory per-device ssh settings). */
  knownHostsPath?: string;
  connectTimeoutMs?: number;
}

export interface TrustOptions {
  knownHostsPath?: string;
  connectTimeoutMs?: number;
  /** Asked once per unknown key; false = leave it untrusted. */
  confirm: (target: TrustTarget, key: { keyType: string; fingerprint: string }) => Promise<boolean>;
  /** Write `|1|salt|hash` host fields (OpenSSH HashKnownHosts). */
  hash?: boolean;
  /** Devices scanned at once. */
  concurrency?: number;
}

export type TrustOutcome =
  | { device: string; status: 'added'; keyType: string; fingerprint: string; file: string; line: number }
  | {
      device: string;
      status: 'already-trusted';
      keyType: string;
      fingerprint: string;
      file: string;
      line: number;
    }
  | { device: string; status: 'declined'; keyType: string; fingerprint: string };

/** Scans all targets (concurrently), then asks and records one by one (prompts never interleave). */
export async function trustDevices(
  targets: readonly TrustTarget[],
  options: TrustOptions,
): Promise<AggregatedResult<TrustOutcome>> {
  const scanned = await runOnDevices(
    targets,
    (t) =>
      scanHostKey({
        name: t.name,
        host: t.host,
        port: t.port,
        connectTimeoutMs: t.connectTimeoutMs ?? options.connectTimeoutMs ?? 10_000,
      }),
    { limit: options.concurrency ?? 8 },
  );
  const keys = new Map<string, HostKeyInfo>();
  for (const t of targets) {
    const r = scanned.get(t.name);
    if (r?.ok === true && r.result !== undefined) keys.set(t.name, r.result);
  }
  // Sequential on purpose: one prompt at a time, one append at a time.
  return runOnDevices(
    targets,
    async (t) => {
      const scan = scanned.get(t.name);
      if (scan?.error !== undefined) throw scan.error;
      const info = keys.get(t.name);
      if (info === undefined) throw new Error(`no host key scanned for ${t.name}`);
      const shown = { keyType: info.keyType, fingerprint: info.fingerprint };
      const file = t.knownHostsPath ?? options.knownHostsPath;
      if (file === undefined) throw new Error(`no known_hosts file given for ${t.name}`);
      const found = await lookupHostKey(file, t.host, t.port, info.key);
      if (found.status === 'match') {
        return { device: t.name, status: 'already-trusted', ...shown, file: found.file, line: found.line };
      }
      if (found.status === 'changed') {
        throw new HostKeyError(
          'E_HOSTKEY_CHANGED',
          `the host key of ${t.name} (${t.host}:${t.port}) has changed: it now presents ${info.keyType} ${info.fingerprint}, ` +
            `${found.file}:${found.line} holds a different ${found.knownKeyType} key`,
          {
            device: t.name,
            details: { file: found.file, line: found.line, ...shown },
            suggestions: [
              'Verify the new fingerprint on the device console first.',
              `If the change is expected, delete line ${found.line} of ${found.file}, then run \`highalert trust ${t.name}\` again.`,
            ],
          },
        );
      }
      if (!(await options.confirm(t, shown))) return { device: t.name, status: 'declined', ...shown };
      const added = await appendKnownHost(file, t.host, t.port, info.key, {
        hash: options.hash === true,
      });
      return { device: t.name, status: 'added', ...shown, file: added.file, line: added.line };
    },
    { limit: 1 },
  );
}

/** Trust inventory devices by name (each with its own known_hosts file and connect timeout). */
export async function trustInventoryDevices(
  inventory: ResolvedInventory,
  names: readonly string[],
  options: Omit<TrustOptions, 'knownHostsPath' | 'connectTimeoutMs'>,
): Promise<AggregatedResult<TrustOutcome>> {
  const devices = devicesByName(inventory, names);
  return trustDevices(
    devices.map((d) => ({
      name: d.name,
      host: d.host,
      port: d.port,
      knownHostsPath: d.ssh.knownHosts,
      connectTimeoutMs: d.ssh.connectTimeoutS * 1000,
    })),
    {
      ...options,
      concurrency: options.concurrency ?? Math.min(8, ...devices.map((d) => d.ssh.maxConcurrent)),
    },
  );
}
