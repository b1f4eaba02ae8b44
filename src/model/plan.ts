/**
 * A Plan is data: everything a quarantine or release will do, computed before the first line is
 * sent. `--dry-run` prints it; apply executes exactly it (DESIGN.md invariant 2).
 */

export type RenewMethod = 'port-bounce' | 'lease' | 'notify';
export const RENEW_METHODS: readonly RenewMethod[] = ['port-bounce', 'lease', 'notify'];

export type ConfigPurpose =
  | 'dhcp-reservation-add'
  | 'dhcp-reservation-remove'
  | 'port-restrict'
  | 'port-restore'
  | 'port-shutdown'
  | 'port-no-shutdown'
  | 'dhcp-exclude'
  | 'gateway-setup'
  | 'gateway-hold'
  | 'gateway-unhold';

/** Config lines for one device, sent in config mode; `undo` restores what was there. */
export interface ConfigStep {
  readonly kind: 'config';
  readonly id: string;
  readonly device: string;
  readonly purpose: ConfigPurpose;
  readonly lines: string[];
  readonly undo: string[];
  /** Wait this long after the step (the pause of a port bounce). */
  readonly pauseAfterMs?: number;
}

/** A reservation change on a DHCP server that is not a device (Kea's API). */
export interface DhcpStep {
  readonly kind: 'dhcp';
  readonly id: string;
  readonly server: string;
  readonly action: 'add' | 'remove';
  readonly reservation: { mac: string; ip: string; subnet: string; subnetId?: number; label?: string };
  readonly preview: string[];
}

export type PlanStep = ConfigStep | DhcpStep;

/** Before/after of the affected running config of one device, for the dry-run diff. */
export interface ConfigDiff {
  readonly device: string;
  readonly title: string;
  readonly before: string;
  readonly after: string;
}

export interface Evidence {
  /** Who said it: `inventory`, a device name, or a DHCP server name. */
  readonly source: string;
  /** The command or lookup that was made, when there was one. */
  readonly query?: string;
  readonly said: string;
}

export interface Plan {
  readonly kind: 'quarantine' | 'release';
  readonly mac: string;
  readonly user: string | null;
  readonly site: string;
  readonly vlan: number;
  readonly switch: string;
  readonly port: string;
  readonly previousIp: string | null;
  readonly highAlertIp: string;
  readonly reason: string;
  readonly renew: RenewMethod;
  readonly steps: PlanStep[];
  readonly diffs: ConfigDiff[];
  readonly evidence: Evidence[];
  /**
   * Session-level commands an apply adds around the config lines, per device, from the inventory
   * (commit-confirmed: `configure terminal revert timer N` … `configure confirm`; `write memory`).
   */
  readonly session?: Record<string, { readonly before: string[]; readonly after: string[] }>;
}

/** The exact lines an apply sends, per device, in order (what the dry-run prints). */
export function linesByDevice(plan: Pick<Plan, 'steps'>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const step of plan.steps) {
    if (step.kind !== 'config') continue;
    out.set(step.device, [...(out.get(step.device) ?? []), ...step.lines]);
  }
  return out;
}
