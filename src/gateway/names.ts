/** Names of what setup and hold create on gateways (all start with HIGHALERT_PREFIX). */
import type { ResolvedVlan } from '../inventory/types.js';
import { HIGHALERT_PREFIX } from '../plan/names.js';
import { parseConfigName, type ConfigName } from '../values/names.js';

export interface GatewayNames {
  /** `HA-POOL-<site>-<vlan>`: the ACL matching the High-Alert pool. */
  readonly poolAcl: ConfigName;
  /** `HA-PBR-<vlan>`: the route-map bound with `ip policy route-map` on the SVI. */
  readonly routeMap: ConfigName;
  /** `HA-HOLD-<vlan>`: the inbound ACL bound on the SVI during a hold. */
  readonly holdAcl: ConfigName;
}

/** The sequence of the route-map entry setup writes. */
export const ROUTE_MAP_SEQ = 10;

export function gatewayNames(vlan: Pick<ResolvedVlan, 'site' | 'id'>): GatewayNames {
  return {
    poolAcl: parseConfigName(`${HIGHALERT_PREFIX}POOL-${vlan.site}-${vlan.id}`, 'pool ACL name'),
    routeMap: parseConfigName(`${HIGHALERT_PREFIX}PBR-${vlan.id}`, 'route-map name'),
    holdAcl: parseConfigName(`${HIGHALERT_PREFIX}HOLD-${vlan.id}`, 'hold ACL name'),
  };
}
