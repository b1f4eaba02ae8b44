/**
 * What each template receives. Fields are branded types from src/values, so a value can only get
 * here after its parser accepted it.
 */
import type { InterfaceName } from '../values/interface.js';
import type { IpAddress } from '../values/ip.js';
import type { Mac } from '../values/mac.js';
import type { ConfigName, FreeText } from '../values/names.js';

export interface PortAcls {
  mac_acl: ConfigName;
  ip_acl: ConfigName;
}

/** An ACL source block (src/gateway/pool-acl.ts): `host A` when `wildcard` is null, else `A W`. */
export interface AclSource {
  address: IpAddress;
  wildcard: IpAddress | null;
}

/** An ACL an interface binds: a name, or a number (`ip access-group 101 in`). */
export type AclRef = ConfigName | number;

/**
 * `setup_gateway` / `setup_gateway_undo` (highalert setup, one VLAN): each part is null when the
 * running config already has it; `created` says setup makes it from nothing (undo deletes it whole).
 */
export interface SetupGatewayContext {
  acl: { name: ConfigName; created: boolean; add: AclSource[]; remove: AclSource[] } | null;
  route_map: {
    name: ConfigName;
    seq: number;
    created: boolean;
    match_acl: ConfigName | null;
    remove_match: AclRef[];
    next_hop: IpAddress | null;
    remove_next_hops: IpAddress[];
    verify: boolean;
    remove_verify: boolean;
  } | null;
  policy: { interface: InterfaceName; route_map: ConfigName } | null;
}

/** A port's inbound ACL binding, as `audit_acls` changes it. */
export interface AclBinding {
  kind: 'mac' | 'ip';
  name: AclRef;
}

export interface TemplateContexts {
  /**
   * `highalert audit --fix` and its rollback: unbind ACLs from ports, delete ACLs, (re)create ACLs
   * from entries, bind ACLs to ports, in that order.
   */
  audit_acls: {
    unbind: { port: InterfaceName; acls: AclBinding[] }[];
    remove: { kind: 'mac' | 'ip'; name: ConfigName }[];
    create: { kind: 'mac' | 'ip'; name: ConfigName; entries: string[] }[];
    bind: { port: InterfaceName; acls: AclBinding[] }[];
  };
  quarantine_port: PortAcls & {
    port: InterfaceName;
    mac: Mac;
    shared_macs: Mac[];
    high_alert_ip: IpAddress;
    remark: FreeText;
  };
  restore_port: PortAcls & {
    port: InterfaceName;
    /** The port's inbound bindings before quarantine (null when it had none). */
    previous: { mac_acl: ConfigName | null; ip_acl: AclRef | null };
  };
  remove_port_acls: PortAcls;
  port_shutdown: { port: InterfaceName };
  port_no_shutdown: { port: InterfaceName };
  dhcp_reservation_add: {
    pool: ConfigName;
    ip: IpAddress;
    mask: string;
    mac: Mac;
    previous_ip: IpAddress | null;
  };
  dhcp_reservation_remove: { pool: ConfigName };
  setup_gateway: SetupGatewayContext;
  setup_gateway_undo: SetupGatewayContext;
  /** IOS DHCP server exclusion of the High-Alert range; `last` null for a single address. */
  dhcp_exclude: { first: IpAddress; last: IpAddress | null; remove: boolean };
  hold_gateway: {
    acl: ConfigName;
    interface: InterfaceName;
    pool: AclSource[];
    monitor: IpAddress;
    /** The entries of the SVI's own inbound ACL (extended, named), kept for everyone else. */
    keep: string[];
    bind: boolean;
  };
  unhold_gateway: {
    acl: ConfigName;
    interface: InterfaceName;
    /** The SVI's inbound ACL before the hold; null when it had none. */
    previous: AclRef | null;
    /** The hold ACL is bound on the SVI now (rebind `previous`). */
    bound: boolean;
    /** The hold ACL exists now (delete it). */
    acl_exists: boolean;
  };
}

export type TemplateName = keyof TemplateContexts;
