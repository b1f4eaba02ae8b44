/** Reading gateways and IOS DHCP servers before planning: `show running-config`, parsed. */
import type { RunningConfig } from '../devices/parsers/index.js';
import { showParsed, type ShowPort } from '../devices/show.js';
import type { ResolvedInventory } from '../inventory/types.js';
import { sameInterface } from '../values/interface.js';
import type { ConfigInterface } from '../devices/parsers/index.js';
import { PolicyError } from '../errors.js';

export const RUNNING_CONFIG = 'show running-config';

/** Reads and parses each device's running config once (concurrently; the Network limits it). */
export async function readRunningConfigs(
  inventory: Pick<ResolvedInventory, 'device'>,
  net: ShowPort,
  devices: Iterable<string>,
): Promise<Map<string, RunningConfig>> {
  const names = [...new Set(devices)];
  const configs = await Promise.all(
    names.map(async (name) => {
      const platform = inventory.device(name)?.platform ?? 'cisco_ios';
      return (await showParsed(net, { name, platform }, 'show running-config', RUNNING_CONFIG))[0]!;
    }),
  );
  return new Map(names.map((d, i) => [d, configs[i]!]));
}

/** The SVI in a parsed running config, or a clear error when the inventory names one that is not there. */
export function findSvi(cfg: RunningConfig, device: string, name: string): ConfigInterface {
  const svi = cfg.interfaces.find((i) => sameInterface(i.name, name));
  if (!svi) {
    throw new PolicyError('E_SVI_MISSING', `${device} has no interface ${name} in its running config`, {
      device,
      suggestions: [`Check the VLAN's gateway.interface in the inventory, or create ${name} on ${device}.`],
    });
  }
  return svi;
}
