/**
 * The lab's access switch wired to real DHCP: a Kea namespace with a bridge (the VLAN, the gateway
 * address on it), one namespace per lab host running a real dhcpcd on a veth whose MAC is the lab
 * host's MAC, and a lab DHCP hook that turns the lab port's `shutdown` / `no shutdown` into a real
 * link down / up of that client and answers with the address the client then holds (read on the
 * client side). Plus highalert inventories for it and a fault-injecting proxy in front of
 * kea-ctrl-agent.
 *
 * Everything created here is removed by `destroy()`, and by the netns helpers' exit hooks when a
 * test crashes.
 */
import { promises as fs } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import type { Lab } from '../../src/lab/index.js';
import { clientAddress, startDhcpClient, type DhcpClient } from './kea.js';
import { createNetns, deleteNetns, linkNamespaces, onExit, run } from './netns.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One lab host's real endpoint. */
export interface Endpoint {
  readonly mac: string;
  readonly ns: string;
  readonly ifname: string;
  readonly client: DhcpClient;
}

/** What the hook measured for one port bounce. */
export interface BounceRecord {
  readonly mac: string;
  readonly before: string | undefined;
  readonly after: string | undefined;
  /** From the client link coming up to the client holding `after`. */
  readonly upToAddressMs: number;
  /** From the lab's `shutdown` to the client holding `after`. */
  readonly totalMs: number;
}

export interface VlanTopology {
  readonly serverNs: string;
  /** The bridge in serverNs (the VLAN); Kea listens on it. */
  readonly bridge: string;
  readonly endpoints: Endpoint[];
  endpoint(mac: string): Endpoint;
  destroy(): Promise<void>;
}

/**
 * A server namespace with a bridge holding `gatewayCidr`, and one client namespace per MAC joined
 * to the bridge by a veth whose client end carries that MAC. dhcpcd is not started yet.
 */
export async function createVlanTopology(
  macs: readonly string[],
  gatewayCidr: string,
): Promise<
  Omit<VlanTopology, 'endpoints' | 'endpoint'> & { links: Array<{ mac: string; ns: string; ifname: string }> }
> {
  const serverNs = await createNetns('hak');
  const made: string[] = [serverNs];
  const destroy = async (): Promise<void> => {
    for (const ns of made.reverse()) await deleteNetns(ns);
  };
  try {
    const bridge = 'habr0';
    await run('ip', ['-n', serverNs, 'link', 'add', bridge, 'type', 'bridge']);
    await run('ip', ['-n', serverNs, 'addr', 'add', gatewayCidr, 'dev', bridge]);
    await run('ip', ['-n', serverNs, 'link', 'set', bridge, 'up']);
    const links: Array<{ mac: string; ns: string; ifname: string }> = [];
    for (const mac of macs) {
      const ns = await createNetns('hae');
      made.push(ns);
      const { serverIf, clientIf } = await linkNamespaces(serverNs, ns);
      await run('ip', ['-n', serverNs, 'link', 'set', serverIf, 'master', bridge]);
      await run('ip', ['-n', serverNs, 'link', 'set', serverIf, 'up']);
      await run('ip', ['-n', ns, 'link', 'set', 'dev', clientIf, 'address', mac]);
      await run('ip', ['-n', ns, 'link', 'set', clientIf, 'up']);
      links.push({ mac, ns, ifname: clientIf });
    }
    return { serverNs, bridge, links, destroy };
  } catch (err) {
    await destroy();
    throw err;
  }
}

/** Starts dhcpcd on every link; `destroy` then also stops them. */
export async function startEndpoints(
  topo: Awaited<ReturnType<typeof createVlanTopology>>,
): Promise<VlanTopology> {
  const endpoints: Endpoint[] = [];
  const destroy = async (): Promise<void> => {
    await Promise.all(endpoints.map((e) => e.client.stop().catch(() => undefined)));
    await topo.destroy();
  };
  try {
    for (const l of topo.links) endpoints.push({ ...l, client: await startDhcpClient(l.ns, l.ifname) });
  } catch (err) {
    await destroy();
    throw err;
  }
  return {
    serverNs: topo.serverNs,
    bridge: topo.bridge,
    endpoints,
    endpoint(mac: string): Endpoint {
      const e = endpoints.find((x) => x.mac === mac);
      if (!e) throw new Error(`no endpoint for ${mac}`);
      return e;
    },
    destroy,
  };
}

/** dhcpcd hook reasons after which the interface holds a (new or confirmed) lease. */
const BOUND = /\s(BOUND|REBOOT|RENEW|REBIND)\s/;

/**
 * Ties the lab's access ports to the endpoints: `shutdown` takes the client link down,
 * `no shutdown` brings it up (at least `minDownMs` after it went down, like a real bounce) and
 * answers with the address the client then holds — a changed address, or the same one confirmed
 * by dhcpcd (a REBOOT/BOUND after the link came up) — read on the client side. The lab shows that
 * address in the gateway's `show ip arp`. Returns the bounce records (for the timings) and the
 * hook errors (a test should assert there are none).
 */
export function wireLab(
  lab: Lab,
  topo: VlanTopology,
  options: { minDownMs?: number; timeoutMs?: number } = {},
): { bounces: BounceRecord[]; errors: string[]; unwire(): void } {
  const minDownMs = options.minDownMs ?? 100;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const bounces: BounceRecord[] = [];
  const errors: string[] = [];
  const down = new Map<string, { done: Promise<void>; at: number; before: string | undefined }>();

  const goDown = (e: Endpoint): Promise<void> => {
    const at = Date.now();
    const state = { at, before: undefined as string | undefined, done: Promise.resolve() };
    state.done = (async () => {
      state.before = await clientAddress(e.ns, e.ifname);
      await run('ip', ['-n', e.ns, 'link', 'set', e.ifname, 'down']);
    })();
    down.set(e.mac, state);
    return state.done;
  };

  const goUp = async (e: Endpoint): Promise<string | undefined> => {
    if (!down.has(e.mac)) await goDown(e);
    const d = down.get(e.mac)!;
    down.delete(e.mac);
    await d.done;
    const wait = d.at + minDownMs - Date.now();
    if (wait > 0) await sleep(wait);
    const logBefore = (await e.client.hookLog()).length;
    await run('ip', ['-n', e.ns, 'link', 'set', e.ifname, 'up']);
    const up = Date.now();
    for (;;) {
      const ip = await clientAddress(e.ns, e.ifname);
      if (ip !== undefined) {
        const confirmed =
          ip !== d.before ||
          (await e.client.hookLog()).slice(logBefore).some((l) => BOUND.test(l) && l.includes(`ip=${ip} `));
        if (confirmed) {
          const now = Date.now();
          bounces.push({
            mac: e.mac,
            before: d.before,
            after: ip,
            upToAddressMs: now - up,
            totalMs: now - d.at,
          });
          return ip;
        }
      }
      if (Date.now() - up > timeoutMs) {
        errors.push(
          `${e.mac}: no confirmed address ${timeoutMs} ms after the link came up (holds ${ip ?? 'none'})`,
        );
        bounces.push({ mac: e.mac, before: d.before, after: ip, upToAddressMs: NaN, totalMs: NaN });
        return ip;
      }
      await sleep(10);
    }
  };

  lab.setDhcpHook(({ mac, event }) => {
    const e = topo.endpoints.find((x) => x.mac === mac);
    if (!e) return undefined;
    const work = event === 'down' ? goDown(e).then(() => undefined) : goUp(e);
    return work.catch((err: unknown) => {
      errors.push(`${mac} ${event}: ${(err as Error).message}`);
      return undefined;
    });
  });
  return { bounces, errors, unwire: () => lab.setDhcpHook(undefined) };
}

/**
 * Bounces a lab port directly (no SSH), as `wireLab` sees it: the client link goes down and up and
 * the lab host takes the address the client then holds. Used to line the lab up with what Kea
 * handed out. Returns that address.
 */
export async function bounceLabPort(
  lab: Lab,
  wiring: { bounces: readonly BounceRecord[]; errors: readonly string[] },
  mac: string,
  timeoutMs = 15_000,
): Promise<string | undefined> {
  const h = lab.host(mac);
  if (!h) throw new Error(`no lab host ${mac}`);
  const seen = wiring.bounces.length;
  const sw = lab.device(h.switch);
  sw.configure([`interface ${h.port}`, 'shutdown']);
  sw.configure([`interface ${h.port}`, 'no shutdown']);
  const started = Date.now();
  for (;;) {
    const record = wiring.bounces.slice(seen).find((b) => b.mac === mac);
    // The lab takes the answer a tick after the hook resolves.
    if (record && lab.host(mac)!.ip === record.after) return record.after;
    if (Date.now() - started > timeoutMs)
      throw new Error(`lab port of ${mac} bounced, but no address came back: ${wiring.errors.join('; ')}`);
    await sleep(10);
  }
}

// ---------------------------------------------------------------------------------------------
// Inventories

export type KeaEndpoint =
  | { readonly url: string; readonly usernameEnv: string; readonly passwordEnv: string }
  | { readonly socket: string };

/**
 * Writes a copy of the lab's inventory next to it, with `server` (a Kea server) as the VLAN's
 * DHCP server and `subnetId` as its Kea subnet id. Devices, credentials and known_hosts stay.
 */
export async function writeKeaInventory(
  lab: Lab,
  file: string,
  server: string,
  endpoint: KeaEndpoint,
  subnetId: number,
): Promise<string> {
  const doc = parse(await fs.readFile(lab.inventoryPath, 'utf8')) as {
    devices: Array<{ roles: string[] }>;
    dhcp_servers: unknown[];
    sites: Array<{ vlans: Array<{ dhcp: unknown }> }>;
  };
  for (const d of doc.devices) d.roles = d.roles.filter((r) => r !== 'dhcp_server');
  doc.dhcp_servers = [
    {
      name: server,
      backend: 'kea',
      kea:
        'url' in endpoint
          ? { url: endpoint.url, username_env: endpoint.usernameEnv, password_env: endpoint.passwordEnv }
          : { socket: endpoint.socket },
    },
  ];
  for (const site of doc.sites) for (const v of site.vlans) v.dhcp = { server, subnet_id: subnetId };
  const target = path.join(lab.dir, file);
  await fs.writeFile(target, stringify(doc, { lineWidth: 0 }));
  return target;
}

// ---------------------------------------------------------------------------------------------
// A proxy in front of kea-ctrl-agent that can act when it sees a command

export interface KeaProxy {
  readonly url: string;
  /** Commands seen, in order. */
  readonly seen: string[];
  /** Runs `action` (once) just before the first `command` is forwarded. */
  armBefore(command: string, action: () => Promise<void>): void;
  close(): Promise<void>;
}

/** Forwards every request to `target` unchanged (headers and body), except for armed actions. */
export async function startKeaProxy(target: string): Promise<KeaProxy> {
  const seen: string[] = [];
  let armed: { command: string; action: () => Promise<void> } | undefined;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        let command = '';
        try {
          command = String((JSON.parse(body.toString('utf8')) as { command?: unknown }).command ?? '');
        } catch {
          // forwarded as is
        }
        seen.push(command);
        if (armed && armed.command === command) {
          const a = armed;
          armed = undefined;
          await a.action();
        }
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers))
          if (typeof v === 'string' && k !== 'host' && k !== 'connection') headers[k] = v;
        const upstream = await fetch(target, { method: req.method ?? 'POST', headers, body });
        const text = Buffer.from(await upstream.arrayBuffer());
        res.writeHead(upstream.status, {
          'content-type': upstream.headers.get('content-type') ?? 'application/json',
        });
        res.end(text);
      })().catch((err: unknown) => {
        res.writeHead(502);
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const forget = onExit(() => server.close());
  return {
    url: `http://127.0.0.1:${port}/`,
    seen,
    armBefore(command, action) {
      armed = { command, action };
    },
    close: async () => {
      forget();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
