/**
 * Network-namespace topology for end-to-end tests: uniquely named namespaces and veth pairs,
 * a capability check, link bounces, and cleanup that also runs when a test crashes.
 *
 * Only namespaces created here are ever touched; nothing is configured in the host's namespace
 * except the temporary veth ends, which are moved into the test namespaces at once.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { TestContext } from 'node:test';

const execFileAsync = promisify(execFile);

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs a command; on failure the error names the command and carries its stderr. */
export async function run(
  cmd: string,
  args: string[],
  options: { timeoutMs?: number } = {},
): Promise<RunResult> {
  try {
    const { stdout, stderr } = await execFileAsync(cmd, args, {
      timeout: options.timeoutMs ?? 10_000,
      encoding: 'utf8',
    });
    return { stdout, stderr };
  } catch (err) {
    const e = err as Error & { stderr?: string; code?: number | string };
    throw new Error(`${cmd} ${args.join(' ')} failed (${e.code ?? '?'}): ${(e.stderr ?? e.message).trim()}`, {
      cause: err,
    });
  }
}

export type Capability = { readonly ok: true } | { readonly ok: false; readonly reason: string };

let cached: Promise<Capability> | undefined;

/** Whether this process may create network namespaces (root and a working `ip netns add`). */
export function canUseNetns(): Promise<Capability> {
  cached ??= (async (): Promise<Capability> => {
    if (process.platform !== 'linux')
      return { ok: false, reason: `network namespaces need Linux (this is ${process.platform})` };
    if (typeof process.getuid === 'function' && process.getuid() !== 0) {
      return {
        ok: false,
        reason: `network namespaces need root (uid is ${process.getuid()}); run the e2e tests as root`,
      };
    }
    try {
      await run('ip', ['-V']);
    } catch {
      return { ok: false, reason: '`ip` (iproute2) is not installed: apt-get install iproute2' };
    }
    const probe = `ha-probe-${process.pid}-${randomBytes(3).toString('hex')}`;
    try {
      await run('ip', ['netns', 'add', probe]);
    } catch (err) {
      return {
        ok: false,
        reason: `\`ip netns add\` failed (no CAP_SYS_ADMIN, or a restricted container?): ${(err as Error).message}`,
      };
    }
    await run('ip', ['netns', 'del', probe]).catch(() => undefined);
    return { ok: true };
  })();
  return cached;
}

/**
 * Skips the test loudly when a capability is missing, or fails it when CI=true (CI must run
 * the real tests). Returns true when the test may go on.
 */
export function requireCapability(t: TestContext, cap: Capability, what = 'end-to-end test'): boolean {
  if (cap.ok) return true;
  if (process.env.CI === 'true') {
    throw new Error(`${what} cannot run on CI: ${cap.reason}`);
  }
  const line = '!'.repeat(78);
  console.warn(
    `\n${line}\n!! SKIPPED ${what}: ${cap.reason}\n!! (on CI, with CI=true, this is a failure)\n${line}\n`,
  );
  t.skip(cap.reason);
  return false;
}

// ---------------------------------------------------------------------------------------------
// Cleanup registry: everything created is undone by destroy(), and by process exit as a last resort.

const namespaces = new Set<string>();
const exitHooks = new Set<() => void>();
let exitHandlerInstalled = false;

function installExitHandler(): void {
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  // Signals do not run 'exit' handlers by themselves: turn them into an exit.
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => process.exit(code));
  }
  process.on('exit', () => {
    for (const hook of exitHooks) {
      try {
        hook();
      } catch {
        // best effort
      }
    }
    for (const ns of namespaces) {
      try {
        execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
      } catch {
        // already gone
      }
    }
  });
}

/** Registers a synchronous last-resort cleanup (e.g. kill a pid) run at process exit. */
export function onExit(hook: () => void): () => void {
  installExitHandler();
  exitHooks.add(hook);
  return () => exitHooks.delete(hook);
}

let counter = 0;

/** A short unique token (interface names are at most 15 characters). */
export function uniqueToken(): string {
  counter++;
  return `${(process.pid % 46656).toString(36)}${counter.toString(36)}${randomBytes(1).toString('hex')}`;
}

export async function createNetns(prefix = 'ha'): Promise<string> {
  installExitHandler();
  const name = `${prefix}-${uniqueToken()}`;
  await run('ip', ['netns', 'add', name]);
  namespaces.add(name);
  await run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  return name;
}

export async function deleteNetns(name: string): Promise<void> {
  await run('ip', ['netns', 'del', name]).catch(() => undefined);
  namespaces.delete(name);
}

/** Runs a command inside a namespace. */
export function nsRun(
  ns: string,
  cmd: string,
  args: string[],
  options: { timeoutMs?: number } = {},
): Promise<RunResult> {
  return run('ip', ['netns', 'exec', ns, cmd, ...args], options);
}

export interface VethPair {
  readonly serverNs: string;
  readonly clientNs: string;
  readonly serverIf: string;
  readonly clientIf: string;
}

/**
 * A veth pair with one end in each namespace (both ends down, no addresses). Interface names are
 * unique, since both ends are created in the host namespace first.
 */
export async function linkNamespaces(
  serverNs: string,
  clientNs: string,
): Promise<{ serverIf: string; clientIf: string }> {
  const token = uniqueToken();
  const serverIf = `has${token}`.slice(0, 15);
  const clientIf = `hac${token}`.slice(0, 15);
  await run('ip', ['link', 'add', serverIf, 'type', 'veth', 'peer', 'name', clientIf]);
  try {
    await run('ip', ['link', 'set', serverIf, 'netns', serverNs]);
    await run('ip', ['link', 'set', clientIf, 'netns', clientNs]);
  } catch (err) {
    await run('ip', ['link', 'del', serverIf]).catch(() => undefined);
    throw err;
  }
  return { serverIf, clientIf };
}

/**
 * A veth pair between two namespaces; the server end gets `serverAddress` (CIDR), both ends up.
 * Interface names are unique too, since both ends are created in the host namespace first.
 */
export async function createVethPair(
  serverNs: string,
  clientNs: string,
  serverAddress: string,
): Promise<VethPair> {
  const { serverIf, clientIf } = await linkNamespaces(serverNs, clientNs);
  await run('ip', ['-n', serverNs, 'addr', 'add', serverAddress, 'dev', serverIf]);
  await run('ip', ['-n', serverNs, 'link', 'set', serverIf, 'up']);
  await run('ip', ['-n', clientNs, 'link', 'set', clientIf, 'up']);
  return { serverNs, clientNs, serverIf, clientIf };
}

export interface Topology extends VethPair {
  destroy(): Promise<void>;
}

/** A server namespace and a client namespace joined by one veth link. */
export async function createTopology(serverAddress = '10.77.0.1/24'): Promise<Topology> {
  const serverNs = await createNetns('has');
  let clientNs: string | undefined;
  try {
    clientNs = await createNetns('hac');
    const pair = await createVethPair(serverNs, clientNs, serverAddress);
    return {
      ...pair,
      destroy: async () => {
        await deleteNetns(pair.clientNs);
        await deleteNetns(pair.serverNs);
      },
    };
  } catch (err) {
    if (clientNs) await deleteNetns(clientNs);
    await deleteNetns(serverNs);
    throw err;
  }
}

/** The MAC of an interface in a namespace. */
export async function interfaceMac(ns: string, ifname: string): Promise<string> {
  const { stdout } = await run('ip', ['-n', ns, '-o', 'link', 'show', 'dev', ifname]);
  const m = /link\/ether ([0-9a-f:]{17})/.exec(stdout);
  if (!m) throw new Error(`no MAC on ${ifname} in ${ns}: ${stdout}`);
  return m[1]!;
}

/**
 * Takes a link down and up again, like a switch port bounce (`shutdown` / `no shutdown`).
 * The DHCP client sees carrier loss and, on carrier, asks again (INIT-REBOOT).
 */
export async function bounce(ns: string, ifname: string, downMs = 100): Promise<void> {
  await run('ip', ['-n', ns, 'link', 'set', ifname, 'down']);
  await new Promise((r) => setTimeout(r, downMs));
  await run('ip', ['-n', ns, 'link', 'set', ifname, 'up']);
}
