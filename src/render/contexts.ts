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

export interface TemplateContexts {
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
    previous: { mac_acl: ConfigName | null; ip_acl: ConfigName | null };
  };
  port_shutdown: { port: InterfaceName };
  port_no_shutdown: { port: InterfaceName };
  dhcp_reservation_add: { pool: ConfigName; ip: IpAddress; mask: string; mac: Mac };
  dhcp_reservation_remove: { pool: ConfigName };
}

export type TemplateName = keyof TemplateContexts;
