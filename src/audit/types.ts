/**
 * What `highalert audit` reports: a flat, stable list of findings (the `--json` contract) and the
 * exit code they map to. Repairs are internal: src/audit/repair.ts turns them into plan steps.
 */
import type { ArpEntry, ConfigAcl, RunningConfig } from '../devices/parsers/index.js';
import type { DhcpBackend, Reservation } from '../dhcp/backend.js';
import type { GuardedPoolServer, KeaGuardPlan } from '../gateway/setup.js';
import type { GatewayStep } from '../gateway/steps.js';
import type { ConfigDiff } from '../model/plan.js';
import type { QuarantineRecord } from '../state/types.js';

export type Severity = 'error' | 'warning';

export const FINDING_KINDS = [
  /** A device or DHCP server could not be read (exit 3); its checks are skipped. */
  'unreachable',
  /** A killed run left journalled steps behind: `highalert recover` undoes them. */
  'unfinished-operation',
  /** The record names a switch, port or VLAN the inventory no longer has. */
  'stale-record',
  'reservation-missing',
  'reservation-mismatch',
  'acl-missing',
  'acl-entries',
  'acl-unbound',
  /** ARP on the gateway shows the MAC at another address than its High-Alert one. */
  'address-mismatch',
  /** Like address-mismatch, for a record still waiting for the device to renew (warning). */
  'pending-renew',
  /** The gateway has no ARP entry for the MAC (device off or quiet; warning). */
  'host-not-seen',
  /** Setup's policy routing (pool ACL, route-map, ip policy on the SVI) is incomplete. */
  'policy-routing',
  /** Setup's DHCP side (IOS excluded-address, Kea guarded pool) is incomplete. */
  'dhcp-guard',
  /** setup would refuse this gateway (a foreign route-map on the SVI, a foreign entry, …). */
  'setup-conflict',
  'orphan-acl',
  'orphan-binding',
  'orphan-reservation',
  /** A hold is on in the state store, but a gateway SVI does not carry the hold ACL. */
  'hold-missing',
  /** A gateway carries a hold ACL, but no hold is on in the state store. */
  'orphan-hold',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/** One thing that differs from what the state store says. Stable JSON: do not rename fields. */
export interface Finding {
  readonly kind: FindingKind;
  readonly severity: Severity;
  /** The device or DHCP server (inventory name), or `state` for the journal. */
  readonly device: string;
  /** What on it: the quarantined MAC, an ACL name, a port, `site/vlan`, `operation N`. */
  readonly target?: string;
  readonly message: string;
  /** What `audit --fix` does about it (absent: nothing automatic; the message says what to do). */
  readonly fix?: string;
}

/** What the network said, per device / server; failures by name. */
export interface Observed {
  readonly configs: Map<string, RunningConfig>;
  /** `show ip arp` of each gateway. */
  readonly arp: Map<string, ArpEntry[]>;
  /** Reservations per VLAN key (`site/vlan`) in the VLAN's scope on its DHCP server. */
  readonly reservations: Map<string, Reservation[]>;
  /** DHCP backends by server name. */
  readonly backends: Map<string, DhcpBackend>;
  /** Kea guarded-pool previews by VLAN key, and the servers that can apply them. */
  readonly kea: Map<string, KeaGuardPlan>;
  readonly keaServers: Map<string, GuardedPoolServer>;
  /** Device or server name → why it could not be read. */
  readonly failed: Map<string, string>;
}

export interface ObservedAclBinding {
  readonly kind: 'mac' | 'ip';
  readonly name: string;
}

/** A repair `audit --fix` can make, with what it needs from the observation. */
export type Repair =
  | {
      readonly kind: 'port';
      readonly record: QuarantineRecord;
      /** Our two ACLs as the device has them now (undefined: absent). */
      readonly observedAcls: { readonly mac?: ConfigAcl; readonly ip?: ConfigAcl };
      /** The port's interface block and its inbound bindings now. */
      readonly interfaceLines: string[];
      readonly bound: { readonly mac: string | null; readonly ip: string | null };
    }
  | {
      readonly kind: 'reservation';
      readonly record: QuarantineRecord;
      /** A reservation of the MAC at another address, removed first. */
      readonly wrong?: Reservation;
    }
  | {
      readonly kind: 'orphans';
      readonly device: string;
      readonly acls: ConfigAcl[];
      readonly bindings: Array<{ port: string; kind: 'mac' | 'ip'; name: string; interfaceLines: string[] }>;
    }
  | { readonly kind: 'orphan-reservation'; readonly server: string; readonly reservation: Reservation }
  | {
      readonly kind: 'setup';
      readonly gateway: string;
      readonly steps: GatewayStep[];
      readonly diffs: ConfigDiff[];
      readonly kea: KeaGuardPlan[];
    };

export interface CheckResult {
  readonly findings: Finding[];
  readonly repairs: Repair[];
  readonly counts: { readonly quarantines: number; readonly gateways: number; readonly devices: number };
}

/** 0 clean (warnings allowed), 1 drift, 3 some device or server could not be looked at. */
export type AuditExitCode = 0 | 1 | 3;

export function exitCodeFor(findings: readonly Finding[]): AuditExitCode {
  if (findings.some((f) => f.kind === 'unreachable')) return 3;
  return findings.some((f) => f.severity === 'error') ? 1 : 0;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1 };

/** Stable order: errors first, then by device, kind, target, message. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      a.device.localeCompare(b.device) ||
      a.kind.localeCompare(b.kind) ||
      (a.target ?? '').localeCompare(b.target ?? '') ||
      a.message.localeCompare(b.message),
  );
}
