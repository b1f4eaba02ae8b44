/**
 * The resolved inventory: what every other module reads. Built once by `loadInventory`, deeply
 * frozen, canonical values only (Mac, IpAddress, Cidr, IpRange, InterfaceName). Secrets are never
 * read here: a {@link SecretRef} says where the secret lives and `readSecret` reads it at connection time.
 */
import type { Cidr, DeviceName, InterfaceName, IpAddress, IpRange, IpVersion, Mac } from '../values/index.js';

/** One problem found in an inventory file, located in the file. */
export interface InventoryIssue {
  readonly severity: 'error' | 'warning';
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  /** Field path such as `devices[1].host`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
}

/**
 * Where a secret lives. `env`: `ref` is the variable name. `file`: `ref` is the absolute path.
 * `plain`: written in the inventory (warned about); `ref` is the field path, never the value.
 */
export interface SecretRef {
  readonly source: 'env' | 'file' | 'plain';
  readonly ref: string;
}

export type DeviceRole = 'access' | 'gateway' | 'dhcp_server';
export type Platform = 'cisco_ios';
export type RenewMethod = 'port-bounce' | 'lease' | 'notify';

export interface SshSettings {
  /** Absolute path of the OpenSSH known_hosts file. */
  readonly knownHosts: string;
  readonly connectTimeoutS: number;
  readonly commandTimeoutS: number;
  readonly idleTimeoutS: number;
  readonly keepaliveS: number;
  readonly maxConcurrent: number;
}

export interface PolicySettings {
  /** As written, e.g. `24h`. */
  readonly ttl: string;
  readonly ttlSeconds: number;
  readonly renew: RenewMethod;
  readonly bouncePauseS: number;
  readonly verifyTimeoutS: number;
  readonly autoRateLimit: { readonly max: number; readonly perMinutes: number };
}

export interface ResolvedCredential {
  readonly name: string;
  readonly username: string;
  readonly password: SecretRef | undefined;
  readonly enable: SecretRef | undefined;
  /** Absolute path of the private key file. */
  readonly privateKey: string | undefined;
  readonly passphrase: SecretRef | undefined;
  /** Use ssh-agent ($SSH_AUTH_SOCK). */
  readonly agent: boolean;
}

export interface ResolvedDevice {
  readonly name: DeviceName;
  readonly host: string;
  readonly port: number;
  readonly platform: Platform;
  readonly roles: readonly DeviceRole[];
  readonly credentials: ResolvedCredential;
  /** Uplinks/trunks from `protected_ports` and `protected.ports`: never touched. */
  readonly protectedPorts: readonly InterfaceName[];
  readonly commitConfirmed: boolean;
  readonly commitConfirmedMinutes: number;
  readonly saveConfig: boolean;
  /** `defaults.ssh` merged with the device's own `ssh` overrides. */
  readonly ssh: SshSettings;
}

export interface MonitorSettings {
  readonly ip: IpAddress;
  readonly verifyAvailability: boolean;
}

export interface DecisionController {
  readonly url: string;
  readonly authHeader: string | undefined;
  /** Environment variable holding the header value. */
  readonly authEnv: string | undefined;
}

export interface KeaServer {
  readonly name: string;
  readonly backend: 'kea';
  readonly kea: {
    readonly url: string | undefined;
    /** Absolute path of the unix control socket. */
    readonly socket: string | undefined;
    readonly usernameEnv: string | undefined;
    readonly passwordEnv: string | undefined;
  };
}

export interface IosDhcpServer {
  readonly name: string;
  readonly backend: 'cisco_ios';
  readonly device: DeviceName;
}

export type ResolvedDhcpServer = KeaServer | IosDhcpServer;

/**
 * A High-Alert pool: a host range inside the VLAN subnet, or a dedicated subnet. `size` is the
 * number of addresses (a plain number so the inventory serializes; exact below 2^53).
 */
export type HighAlertPool =
  | { readonly kind: 'range'; readonly range: IpRange; readonly size: number }
  | {
      readonly kind: 'subnet';
      readonly subnet: Cidr;
      /** The gateway's address in the dedicated subnet (a secondary address on the SVI). */
      readonly gatewayIp: IpAddress;
      /** Addresses handed out: the subnet without network, gateway and (IPv4) broadcast. */
      readonly range: IpRange;
      readonly size: number;
    };

export interface ResolvedVlan {
  readonly site: string;
  readonly id: number;
  readonly name: string;
  readonly version: IpVersion;
  readonly subnet: Cidr;
  readonly gateway: {
    readonly device: DeviceName;
    readonly interface: InterfaceName;
    readonly ip: IpAddress;
  };
  readonly accessSwitches: readonly DeviceName[];
  readonly normalPool: IpRange;
  readonly highAlertPool: HighAlertPool;
  readonly dhcp: { readonly server: string; readonly subnetId: number | undefined };
  /** Policy-routing next hop for this VLAN's High-Alert pool (`monitor` override or the global one). */
  readonly monitorIp: IpAddress;
}

export interface ResolvedSite {
  readonly name: string;
  readonly vlans: readonly ResolvedVlan[];
}

export interface ResolvedUser {
  readonly id: string;
  readonly name: string | undefined;
  readonly macs: readonly Mac[];
  readonly switch: DeviceName | undefined;
  readonly port: InterfaceName | undefined;
}

export interface ProtectedList {
  readonly macs: readonly Mac[];
  /** Single addresses and prefixes (a single address is a /32 or /128). */
  readonly ips: readonly Cidr[];
  readonly ports: readonly { readonly device: DeviceName; readonly port: InterfaceName }[];
}

export interface ResolvedInventory {
  /** Absolute path of the inventory file. */
  readonly file: string;
  readonly version: 1;
  /** Absolute path of the state store, when the inventory sets `state`. */
  readonly state: string | undefined;
  readonly ssh: SshSettings;
  readonly policy: PolicySettings;
  readonly credentials: readonly ResolvedCredential[];
  readonly devices: readonly ResolvedDevice[];
  readonly monitor: MonitorSettings;
  readonly decisionController: DecisionController | undefined;
  readonly dhcpServers: readonly ResolvedDhcpServer[];
  readonly sites: readonly ResolvedSite[];
  /** Every VLAN of every site, in file order. */
  readonly vlans: readonly ResolvedVlan[];
  readonly users: readonly ResolvedUser[];
  readonly protected: ProtectedList;

  device(name: string): ResolvedDevice | undefined;
  dhcpServer(name: string): ResolvedDhcpServer | undefined;
  /** The VLAN whose subnet (or dedicated High-Alert subnet) holds `ip`. */
  vlanForIp(ip: IpAddress): ResolvedVlan | undefined;
  siteForIp(ip: IpAddress): ResolvedSite | undefined;
  /** VLANs served by an access switch. */
  vlansForSwitch(device: string): readonly ResolvedVlan[];
  userById(id: string): ResolvedUser | undefined;
  userByMac(mac: Mac): ResolvedUser | undefined;
  isProtectedMac(mac: Mac): boolean;
  /** Protected list, device management addresses, gateway addresses and monitors. */
  isProtectedIp(ip: IpAddress): boolean;
  /** `iface` in any spelling (`Gi1/0/48` == `GigabitEthernet1/0/48`). */
  isProtectedPort(device: string, iface: string): boolean;
}

export interface PoolSummary {
  readonly site: string;
  readonly vlan: number;
  readonly name: string;
  readonly subnet: string;
  readonly normalPool: { readonly range: string; readonly size: number };
  readonly highAlertPool: { readonly range: string; readonly subnet?: string; readonly size: number };
}

export interface InventorySummary {
  readonly file: string;
  readonly devices: { readonly total: number; readonly byRole: Record<DeviceRole, number> };
  readonly sites: number;
  readonly pools: readonly PoolSummary[];
  readonly users: number;
  readonly macs: number;
  readonly dhcpServers: number;
}

export type ValidateResult =
  | {
      readonly ok: true;
      readonly file: string;
      readonly errors: readonly InventoryIssue[];
      readonly warnings: readonly InventoryIssue[];
      readonly summary: InventorySummary;
    }
  | {
      readonly ok: false;
      readonly file: string;
      readonly errors: readonly InventoryIssue[];
      readonly warnings: readonly InventoryIssue[];
      readonly summary: undefined;
    };
