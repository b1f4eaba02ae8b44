/** Names of what highalert creates on devices, derived from the MAC: stable, valid, recognisable. */
import type { Mac } from '../values/mac.js';
import { parseConfigName, type ConfigName } from '../values/names.js';

/** Everything highalert creates starts with this; `audit` finds orphans by it. */
export const HIGHALERT_PREFIX = 'HA-';

function hex(mac: Mac): string {
  return mac.replaceAll(':', '');
}

export function quarantineNames(mac: Mac): { macAcl: ConfigName; ipAcl: ConfigName; dhcpPool: ConfigName } {
  return {
    macAcl: parseConfigName(`${HIGHALERT_PREFIX}MAC-${hex(mac)}`),
    ipAcl: parseConfigName(`${HIGHALERT_PREFIX}IP-${hex(mac)}`),
    dhcpPool: parseConfigName(`${HIGHALERT_PREFIX}${hex(mac)}`),
  };
}
