/**
 * A real Kea DHCPv4 server and a real DHCP client for end-to-end tests, without systemd:
 *
 * - kea-dhcp4 runs inside the server namespace on its veth end, from a temporary folder (config,
 *   memfile leases, pid and lock files via KEA_PIDFILE_DIR / KEA_LOCKFILE_DIR, unix control socket);
 *   the subnet has a normal pool and the guarded High-Alert pool of kea-notes.
 * - kea-ctrl-agent (optional) runs in the host namespace on 127.0.0.1 (a free port) with HTTP basic
 *   auth; it forwards to the unix socket, which is a file and so reachable from any namespace.
 * - dhcpcd runs in the client namespace, in a private mount namespace with its own /run and
 *   /var/lib/dhcpcd and a hook script that only logs: the host's /etc/resolv.conf is never touched.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { UnixSocketTransport, HttpTransport } from '../../src/dhcp/kea-transport.js';
import { onExit, run, type Capability } from './netns.js';

const HOOK_DIRS = [
  '/usr/lib/x86_64-linux-gnu/kea/hooks',
  '/usr/lib/aarch64-linux-gnu/kea/hooks',
  '/usr/lib/kea/hooks',
  '/usr/local/lib/kea/hooks',
  '/usr/lib64/kea/hooks',
];

export function leaseCmdsHook(): string | undefined {
  for (const d of HOOK_DIRS) {
    const p = path.join(d, 'libdhcp_lease_cmds.so');
    if (existsSync(p)) return p;
  }
  return undefined;
}

async function which(cmd: string): Promise<boolean> {
  return run('sh', ['-c', `command -v ${cmd}`]).then(
    () => true,
    () => false,
  );
}

/** Whether kea-dhcp4, kea-ctrl-agent, lease_cmds, dhcpcd and unshare are installed. */
export async function canRunKea(): Promise<Capability> {
  const missing: string[] = [];
  for (const [cmd, pkg] of [
    ['kea-dhcp4', 'kea-dhcp4-server'],
    ['kea-ctrl-agent', 'kea-ctrl-agent'],
    ['dhcpcd', 'dhcpcd-base'],
    ['unshare', 'util-linux'],
  ] as const) {
    if (!(await which(cmd))) missing.push(`${cmd} (${pkg})`);
  }
  if (!leaseCmdsHook()) missing.push('libdhcp_lease_cmds.so (kea-dhcp4-server)');
  if (missing.length > 0) {
    return {
      ok: false,
      reason: `not installed: ${missing.join(', ')}; apt-get install kea-dhcp4-server kea-ctrl-agent dhcpcd-base`,
    };
  }
  return { ok: true };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
  onTimeout?: () => Promise<string>,
): Promise<T> {
  const start = Date.now();
  let lastError = '';
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = (err as Error).message;
    }
    if (Date.now() - start > timeoutMs) {
      const extra = onTimeout ? await onTimeout().catch(() => '') : '';
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${lastError})` : ''}${extra ? `\n${extra}` : ''}`,
      );
    }
    await sleep(25);
  }
}

async function tail(file: string, lines = 20): Promise<string> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  return text.split('\n').slice(-lines).join('\n');
}

/** Kills a child's whole process group (dhcpcd's privilege-separation helpers included). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // group already gone
  }
}

/** Stops a child (spawned detached, so it leads its own group): SIGTERM, then SIGKILL to the group. */
async function stopChild(child: ChildProcess | undefined, graceMs = 3000): Promise<void> {
  if (!child) return;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
  killGroup(child, 'SIGKILL');
}

/** Last resort at process exit (a crashed or interrupted test): kill the group, remove the folder. */
function cleanupOnExit(child: ChildProcess, dir?: string): () => void {
  return onExit(() => {
    killGroup(child, 'SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
}

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface KeaServerOptions {
  /** Namespace and interface kea-dhcp4 listens on. */
  readonly ns: string;
  readonly ifname: string;
  readonly subnet?: string;
  readonly subnetId?: number;
  readonly normalPool?: string;
  readonly highAlertPool?: string;
  readonly validLifetime?: number;
  /** Start kea-ctrl-agent on 127.0.0.1 with these basic-auth credentials. */
  readonly ctrlAgent?: { readonly username: string; readonly password: string };
  /** Extra `reservations` for the subnet in the initial config. */
  readonly reservations?: ReadonlyArray<Record<string, unknown>>;
}

/** The kea-dhcp4 configuration the helper starts with (kea-notes' guarded pool). */
export function keaTestConfig(o: {
  ifname: string;
  dir: string;
  subnet: string;
  subnetId: number;
  normalPool: string;
  highAlertPool: string;
  validLifetime: number;
  reservations?: ReadonlyArray<Record<string, unknown>>;
}): Record<string, unknown> {
  return {
    Dhcp4: {
      'interfaces-config': { interfaces: [o.ifname] },
      'control-socket': { 'socket-type': 'unix', 'socket-name': path.join(o.dir, 'kea4.sock') },
      'lease-database': {
        type: 'memfile',
        persist: true,
        name: path.join(o.dir, 'leases4.csv'),
        'lfc-interval': 0,
      },
      'hooks-libraries': [{ library: leaseCmdsHook() ?? 'libdhcp_lease_cmds.so' }],
      'valid-lifetime': o.validLifetime,
      'renew-timer': Math.floor(o.validLifetime / 2),
      'rebind-timer': Math.floor((o.validLifetime * 7) / 8),
      authoritative: true,
      'client-classes': [{ name: 'HIGH_ALERT_NEVER_DYNAMIC', test: "'never' == 'dynamic'" }],
      subnet4: [
        {
          id: o.subnetId,
          subnet: o.subnet,
          pools: [
            { pool: o.normalPool },
            { pool: o.highAlertPool, 'client-class': 'HIGH_ALERT_NEVER_DYNAMIC' },
          ],
          reservations: [...(o.reservations ?? [])],
        },
      ],
      loggers: [
        {
          name: 'kea-dhcp4',
          output_options: [{ output: path.join(o.dir, 'kea-dhcp4.log') }],
          severity: 'INFO',
        },
      ],
    },
  };
}

export interface KeaServer {
  readonly dir: string;
  readonly configPath: string;
  readonly socketPath: string;
  readonly logPath: string;
  readonly subnet: string;
  readonly subnetId: number;
  /** kea-ctrl-agent URL, when started with ctrlAgent. */
  readonly url: string | undefined;
  readonly username: string | undefined;
  readonly password: string | undefined;
  /** Stops and starts kea-dhcp4 from its (possibly config-written) file. */
  restart(): Promise<void>;
  stopDhcp4(): Promise<void>;
  startDhcp4(): Promise<void>;
  /** Parsed contents of the config file on disk. */
  readConfigFile(): Promise<Record<string, unknown>>;
  /** Stops everything and removes the folder. Safe to call twice. */
  stop(): Promise<void>;
}

export async function startKea(options: KeaServerOptions): Promise<KeaServer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ha-kea-'));
  const subnet = options.subnet ?? '10.77.0.0/24';
  const subnetId = options.subnetId ?? 77;
  const configPath = path.join(dir, 'kea-dhcp4.conf');
  const socketPath = path.join(dir, 'kea4.sock');
  const logPath = path.join(dir, 'kea-dhcp4.log');
  const config = keaTestConfig({
    ifname: options.ifname,
    dir,
    subnet,
    subnetId,
    normalPool: options.normalPool ?? '10.77.0.100 - 10.77.0.199',
    highAlertPool: options.highAlertPool ?? '10.77.0.240 - 10.77.0.250',
    validLifetime: options.validLifetime ?? 600,
    ...(options.reservations ? { reservations: options.reservations } : {}),
  });
  await fs.writeFile(configPath, JSON.stringify(config, null, 2));
  const env = { ...process.env, KEA_PIDFILE_DIR: dir, KEA_LOCKFILE_DIR: dir };

  let dhcp4: ChildProcess | undefined;
  let unregisterDhcp4: (() => void) | undefined;
  let agent: ChildProcess | undefined;
  let unregisterAgent: (() => void) | undefined;
  let stopped = false;

  const startDhcp4 = async (): Promise<void> => {
    await fs.rm(socketPath, { force: true });
    const out = await fs.open(path.join(dir, 'kea-dhcp4.out'), 'a');
    const child = spawn('ip', ['netns', 'exec', options.ns, 'kea-dhcp4', '-c', configPath], {
      env,
      stdio: ['ignore', out.fd, out.fd],
      detached: true,
    });
    await out.close();
    dhcp4 = child;
    unregisterDhcp4 = cleanupOnExit(child, dir);
    const probe = new UnixSocketTransport(socketPath, { server: 'test-kea', timeoutMs: 1000 });
    await waitFor(
      'kea-dhcp4 to answer on its control socket',
      10_000,
      async () => {
        if (child.exitCode !== null) throw new Error(`kea-dhcp4 exited with ${child.exitCode}`);
        if (!existsSync(socketPath)) return undefined;
        const res = await probe.send('version-get');
        return res.result === 0 ? true : undefined;
      },
      async () => `kea-dhcp4 log:\n${await tail(logPath)}\n${await tail(path.join(dir, 'kea-dhcp4.out'))}`,
    );
  };

  const stopDhcp4 = async (): Promise<void> => {
    await stopChild(dhcp4);
    unregisterDhcp4?.();
    dhcp4 = undefined;
  };

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await stopChild(agent);
    unregisterAgent?.();
    await stopDhcp4();
    await fs.rm(dir, { recursive: true, force: true });
  };

  try {
    // Check the config inside the namespace first (kea-notes: -t checks the interface there).
    await run('ip', [
      'netns',
      'exec',
      options.ns,
      'env',
      `KEA_PIDFILE_DIR=${dir}`,
      `KEA_LOCKFILE_DIR=${dir}`,
      'kea-dhcp4',
      '-t',
      configPath,
    ]);
    await startDhcp4();

    let url: string | undefined;
    if (options.ctrlAgent) {
      const port = await freeLoopbackPort();
      const caPath = path.join(dir, 'kea-ctrl-agent.conf');
      await fs.writeFile(
        caPath,
        JSON.stringify(
          {
            'Control-agent': {
              'http-host': '127.0.0.1',
              'http-port': port,
              authentication: {
                type: 'basic',
                realm: 'highalert-test',
                clients: [{ user: options.ctrlAgent.username, password: options.ctrlAgent.password }],
              },
              'control-sockets': { dhcp4: { 'socket-type': 'unix', 'socket-name': socketPath } },
              loggers: [
                {
                  name: 'kea-ctrl-agent',
                  output_options: [{ output: path.join(dir, 'kea-ctrl-agent.log') }],
                  severity: 'INFO',
                },
              ],
            },
          },
          null,
          2,
        ),
        { mode: 0o600 },
      );
      const out = await fs.open(path.join(dir, 'kea-ctrl-agent.out'), 'a');
      agent = spawn('kea-ctrl-agent', ['-c', caPath], {
        env,
        stdio: ['ignore', out.fd, out.fd],
        detached: true,
      });
      await out.close();
      unregisterAgent = cleanupOnExit(agent, dir);
      url = `http://127.0.0.1:${port}/`;
      const probe = new HttpTransport(url, {
        server: 'test-kea',
        username: options.ctrlAgent.username,
        password: options.ctrlAgent.password,
        timeoutMs: 1000,
      });
      const child = agent;
      await waitFor(
        'kea-ctrl-agent to answer',
        10_000,
        async () => {
          if (child.exitCode !== null) throw new Error(`kea-ctrl-agent exited with ${child.exitCode}`);
          const res = await probe.send('version-get');
          return res.result === 0 ? true : undefined;
        },
        async () => `kea-ctrl-agent log:\n${await tail(path.join(dir, 'kea-ctrl-agent.log'))}`,
      );
    }

    return {
      dir,
      configPath,
      socketPath,
      logPath,
      subnet,
      subnetId,
      url,
      username: options.ctrlAgent?.username,
      password: options.ctrlAgent?.password,
      restart: async () => {
        await stopDhcp4();
        await startDhcp4();
      },
      stopDhcp4,
      startDhcp4,
      readConfigFile: async () =>
        JSON.parse(await fs.readFile(configPath, 'utf8')) as Record<string, unknown>,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// DHCP client

export interface DhcpClient {
  readonly ns: string;
  readonly ifname: string;
  readonly dir: string;
  /** Lines written by the hook script: `<epoch> <interface> <reason> ip=<new> old=<old>`. */
  hookLog(): Promise<string[]>;
  stop(): Promise<void>;
}

export interface DhcpClientOptions {
  /**
   * Skip dhcpcd's initial random delay (RFC 2131 §4.4.1, up to 1 s) when a link comes up, so
   * timings show the server's side. Default true; false behaves like a stock endpoint.
   */
  readonly nodelay?: boolean;
}

/** Starts dhcpcd (IPv4 only, no ARP probe) on `ifname` in `ns`, isolated from the host's files. */
export async function startDhcpClient(
  ns: string,
  ifname: string,
  options: DhcpClientOptions = {},
): Promise<DhcpClient> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ha-dhcpcd-'));
  const hook = path.join(dir, 'hook.sh');
  const log = path.join(dir, 'hook.log');
  const conf = path.join(dir, 'dhcpcd.conf');
  // The hook only logs; dhcpcd itself sets the address. Nothing writes resolv.conf.
  await fs.writeFile(
    hook,
    `#!/bin/sh\necho "$(date +%s.%N) $interface $reason ip=$new_ip_address old=$old_ip_address" >> '${log}'\n`,
    { mode: 0o755 },
  );
  await fs.writeFile(
    conf,
    [
      'ipv4only',
      'noipv4ll',
      'noarp',
      'clientid',
      ...(options.nodelay === false ? [] : ['nodelay']),
      'nohook resolv.conf',
      'option subnet_mask, routers',
      '',
    ].join('\n'),
  );
  const script = [
    'set -e',
    'mount -t tmpfs tmpfs /run',
    'mount -t tmpfs tmpfs /var/lib/dhcpcd 2>/dev/null || { mount -t tmpfs tmpfs /var/lib && mkdir -p /var/lib/dhcpcd; }',
    `exec dhcpcd -B -f '${conf}' -c '${hook}' '${ifname}'`,
  ].join('\n');
  const out = await fs.open(path.join(dir, 'dhcpcd.out'), 'a');
  const child = spawn(
    'ip',
    ['netns', 'exec', ns, 'unshare', '--mount', '--propagation', 'private', 'sh', '-c', script],
    {
      stdio: ['ignore', out.fd, out.fd],
      detached: true,
    },
  );
  await out.close();
  const unregister = cleanupOnExit(child, dir);
  await sleep(50);
  if (child.exitCode !== null) {
    throw new Error(`dhcpcd exited at once (${child.exitCode}): ${await tail(path.join(dir, 'dhcpcd.out'))}`);
  }
  return {
    ns,
    ifname,
    dir,
    hookLog: async () => (await fs.readFile(log, 'utf8').catch(() => '')).split('\n').filter((l) => l !== ''),
    stop: async () => {
      await stopChild(child);
      unregister();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** The client's current IPv4 address, read on the client side (`ip -n NS -4 addr show dev IF`). */
export async function clientAddress(ns: string, ifname: string): Promise<string | undefined> {
  const { stdout } = await run('ip', ['-n', ns, '-4', '-o', 'addr', 'show', 'dev', ifname]);
  const m = /\sinet (\d+\.\d+\.\d+\.\d+)\//.exec(stdout);
  return m?.[1];
}

/**
 * Waits until the client holds an address matching `expected` (an address, or a predicate).
 * Returns the address and how long it took.
 */
export async function waitForClientAddress(
  ns: string,
  ifname: string,
  expected: string | ((ip: string) => boolean),
  timeoutMs = 10_000,
): Promise<{ ip: string; elapsedMs: number }> {
  const start = Date.now();
  const ok = typeof expected === 'string' ? (ip: string) => ip === expected : expected;
  let last: string | undefined;
  for (;;) {
    last = await clientAddress(ns, ifname);
    if (last !== undefined && ok(last)) return { ip: last, elapsedMs: Date.now() - start };
    if (Date.now() - start > timeoutMs) {
      throw new Error(
        `client ${ifname} in ${ns} did not get ${typeof expected === 'string' ? expected : 'the expected address'} within ${timeoutMs} ms (it holds ${last ?? 'no IPv4 address'})`,
      );
    }
    await sleep(10);
  }
}

/** True for an address inside an inclusive `a - b` range written like a Kea pool. */
export function inPool(pool: string): (ip: string) => boolean {
  const [a, b] = pool.split('-').map((s) => s.trim());
  const n = (ip: string): number => ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  return (ip) => n(ip) >= n(a!) && n(ip) <= n(b!);
}
