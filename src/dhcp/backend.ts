/**
 * One interface for every DHCP server highalert can place reservations on (Kea, the IOS DHCP
 * server, …). The quarantine engine only talks to this.
 */
import type { IpAddress } from '../values/ip.js';
import type { Mac } from '../values/mac.js';

/** Where, on a server, a site's reservations live (Kea: a subnet id; IOS: the gateway's pool). */
export interface DhcpScope {
  /** The site/VLAN subnet, canonical `network/prefix`. */
  readonly subnet: string;
  /** Kea's `subnet4[].id` for that subnet; undefined for backends without ids. */
  readonly subnetId?: number;
}

export interface Reservation {
  readonly mac: Mac;
  readonly ip: IpAddress;
  readonly scope: DhcpScope;
  /** Free text stored with the reservation where the backend can (Kea `hostname`/user-context). */
  readonly label?: string;
  /**
   * The address the device leases now. A server that refuses a manual binding while the client
   * holds a lease (the IOS DHCP server) clears that lease first; Kea replaces it by itself.
   */
  readonly replacesLease?: IpAddress;
}

export interface Lease {
  readonly mac: Mac;
  readonly ip: IpAddress;
  /** Seconds since the epoch when the lease expires; undefined for infinite/manual. */
  readonly expiresAt?: number;
  readonly state?: string;
}

/** What a change will do (for dry-runs) or did (for the journal and the audit trail). */
export interface DhcpChange {
  readonly server: string;
  readonly action: 'add' | 'remove';
  readonly reservation: Reservation;
  /** Human-readable description, one line per item, e.g. the JSON entry added to Kea's config. */
  readonly preview: string[];
  /**
   * For servers that are network devices (IOS DHCP): the exact config lines the change sends to
   * that device, and the lines that undo it. The plan turns these into a device step, so the
   * dry-run shows them and apply sends them like any other config.
   */
  readonly device?: { readonly name: string; readonly lines: string[]; readonly undo: string[] };
}

export interface DhcpBackend {
  /** The inventory name of the server. */
  readonly name: string;
  readonly kind: 'kea' | 'cisco_ios';
  /** Every reservation in the scope. */
  listReservations(scope: DhcpScope): Promise<Reservation[]>;
  /**
   * Every address reserved in the scope, whatever identifies the host (hw-address, client-id,
   * DUID, circuit-id, …): addresses never to hand out. Optional: without it, the addresses of
   * listReservations are all that is known.
   */
  reservedAddresses?(scope: DhcpScope): Promise<IpAddress[]>;
  /** Current leases in the scope (may be empty when the backend cannot tell). */
  listLeases(scope: DhcpScope): Promise<Lease[]>;
  leaseForMac(mac: Mac, scope: DhcpScope): Promise<Lease | undefined>;
  /** Describes the change without making it. */
  previewAdd(r: Reservation): DhcpChange;
  previewRemove(r: Reservation): DhcpChange;
  /** Adds the reservation, persists it, and verifies it by reading it back. Idempotent. */
  addReservation(r: Reservation): Promise<DhcpChange>;
  /** Removes the reservation, persists, verifies. Removing an absent reservation is a no-op. */
  removeReservation(r: Reservation): Promise<DhcpChange>;
  close(): Promise<void>;
}
