/** Picks the DHCP backend a VLAN's reservations go to, from the inventory. */
import type { ShowPort } from '../devices/show.js';
import { ValidationError } from '../errors.js';
import { readSecret } from '../inventory/secrets.js';
import type { ResolvedInventory, ResolvedVlan } from '../inventory/types.js';
import type { DhcpBackend, DhcpScope } from './backend.js';
import { CiscoIosDhcpBackend, type DeviceIo } from './cisco-ios.js';

/** How a device-backed DHCP server reaches its device (the run's Network). */
export interface DeviceAccess extends ShowPort {
  configure(device: string, lines: string[]): Promise<void>;
}

/**
 * Where the VLAN's High-Alert reservations live: the VLAN subnet for a host range inside it, or
 * the dedicated High-Alert subnet (found on the server by its prefix).
 */
export function highAlertScope(vlan: ResolvedVlan): DhcpScope {
  if (vlan.highAlertPool.kind === 'subnet') return { subnet: vlan.highAlertPool.subnet.text };
  return scopeOf(vlan);
}

/** The VLAN's own subnet on the DHCP server (normal-pool leases). */
export function scopeOf(vlan: ResolvedVlan): DhcpScope {
  return {
    subnet: vlan.subnet.text,
    ...(vlan.dhcp.subnetId === undefined ? {} : { subnetId: vlan.dhcp.subnetId }),
  };
}

function envSecret(name: string | undefined, what: string): string | undefined {
  return name === undefined ? undefined : readSecret({ source: 'env', ref: name }, what);
}

export async function dhcpBackendFor(
  inv: ResolvedInventory,
  vlan: ResolvedVlan,
  net: DeviceAccess,
): Promise<DhcpBackend> {
  const server = inv.dhcpServer(vlan.dhcp.server);
  if (!server)
    throw new ValidationError(`DHCP server ${vlan.dhcp.server} is not in the inventory`, {
      code: 'E_UNKNOWN_DHCP',
    });
  if (server.backend === 'cisco_ios') {
    const device = inv.device(server.device)!;
    const io: DeviceIo = {
      show: (command) => net.show(device.name, command),
      configure: (lines) => net.configure(device.name, lines),
    };
    return new CiscoIosDhcpBackend({
      name: server.name,
      device: device.name,
      platform: device.platform,
      io: async () => io,
    });
  }
  const { KeaBackend } = await import('./kea.js');
  const username = envSecret(server.kea.usernameEnv, `Kea ${server.name} username`);
  const password = envSecret(server.kea.passwordEnv, `Kea ${server.name} password`);
  return new KeaBackend({
    name: server.name,
    ...(server.kea.socket ? { socketPath: server.kea.socket } : {}),
    ...(server.kea.url ? { url: server.kea.url } : {}),
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
  });
}
