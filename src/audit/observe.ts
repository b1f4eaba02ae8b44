/**
 * Reads what `audit` compares against the state store: every inventory device's running config,
 * ARP on every gateway, every VLAN's reservations on its DHCP server, Kea's guarded pools. One
 * failing device or server is recorded and skipped; the others are still read (Nornir-style).
 */
import type { ArpEntry, RunningConfig } from '../devices/parsers/index.js';
import { showParsed } from '../devices/show.js';
import type { DhcpBackend, Reservation } from '../dhcp/backend.js';
import { dhcpBackendFor, highAlertScope, type DeviceAccess } from '../dhcp/index.js';
import { asHighAlertError } from '../errors.js';
import { previewKeaGuard, vlanKey, type GuardedPoolServer, type KeaGuardPlan } from '../gateway/setup.js';
import type { ResolvedInventory, ResolvedVlan } from '../inventory/types.js';
import type { Observed } from './types.js';

const RUNNING_CONFIG = 'show running-config';
const ARP = 'show ip arp';

/** Show commands answered once per run (the IOS DHCP backend reads the same running config). */
class CachedShow implements DeviceAccess {
  private readonly cache = new Map<string, Promise<string>>();
  constructor(
    private readonly net: DeviceAccess,
    private readonly failed: Map<string, string>,
  ) {}
  show(device: string, command: string): Promise<string> {
    const why = this.failed.get(device);
    if (why !== undefined) return Promise.reject(new Error(why));
    const key = `${device}\n${command}`;
    let p = this.cache.get(key);
    if (!p) {
      p = this.net.show(device, command);
      this.cache.set(key, p);
    }
    return p;
  }
  configure(device: string, lines: string[]): Promise<void> {
    return this.net.configure(device, lines);
  }
}

function why(err: unknown): string {
  return asHighAlertError(err).message.split('\n')[0] ?? 'unknown error';
}

export async function observe(inventory: ResolvedInventory, net: DeviceAccess): Promise<Observed> {
  const failed = new Map<string, string>();
  const cached = new CachedShow(net, failed);
  const configs = new Map<string, RunningConfig>();
  const arp = new Map<string, ArpEntry[]>();
  const gateways = new Set(inventory.vlans.map((v) => v.gateway.device as string));

  await Promise.all(
    inventory.devices.map(async (d) => {
      try {
        configs.set(d.name, (await showParsed(cached, d, 'show running-config', RUNNING_CONFIG))[0]!);
        if (gateways.has(d.name)) arp.set(d.name, await showParsed(cached, d, 'show ip arp', ARP));
      } catch (err) {
        if (!failed.has(d.name)) failed.set(d.name, why(err));
      }
    }),
  );

  const backends = new Map<string, DhcpBackend>();
  const reservations = new Map<string, Reservation[]>();
  const kea = new Map<string, KeaGuardPlan>();
  const keaServers = new Map<string, GuardedPoolServer>();
  const backendFor = async (vlan: ResolvedVlan): Promise<DhcpBackend> => {
    let b = backends.get(vlan.dhcp.server);
    if (!b) {
      b = await dhcpBackendFor(inventory, vlan, cached);
      backends.set(vlan.dhcp.server, b);
    }
    return b;
  };
  // One server at a time: Kea's control API and the IOS DHCP device are each one endpoint.
  for (const vlan of inventory.vlans) {
    const server = inventory.dhcpServer(vlan.dhcp.server);
    const name = server?.backend === 'cisco_ios' ? server.device : vlan.dhcp.server;
    if (failed.has(name)) continue;
    try {
      const backend = await backendFor(vlan);
      reservations.set(vlanKey(vlan), await backend.listReservations(highAlertScope(vlan)));
      if (server?.backend === 'kea' && vlan.version === 4) {
        const guarded = backend as unknown as Partial<GuardedPoolServer>;
        if (typeof guarded.getConfig === 'function' && typeof guarded.ensureGuardedPool === 'function') {
          keaServers.set(backend.name, guarded as GuardedPoolServer);
          kea.set(vlanKey(vlan), await previewKeaGuard(guarded as GuardedPoolServer, vlan));
        }
      }
    } catch (err) {
      failed.set(name, why(err));
    }
  }
  return { configs, arp, reservations, backends, kea, keaServers, failed };
}

/** Closes the DHCP backends opened while observing. */
export async function closeObserved(o: Observed): Promise<void> {
  await Promise.all([...o.backends.values()].map((b) => b.close().catch(() => undefined)));
}
