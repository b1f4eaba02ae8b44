/**
 * What the network should hold for a quarantine record: the same templates planQuarantine renders
 * for a quarantine, fed from the record (DESIGN.md: only templates produce CLI).
 */
import type { DhcpChange, Reservation } from '../dhcp/backend.js';
import { highAlertScope } from '../dhcp/index.js';
import type { ResolvedDevice, ResolvedInventory, ResolvedVlan } from '../inventory/types.js';
import type { Plan, RenewMethod } from '../model/plan.js';
import { planQuarantine } from '../plan/quarantine.js';
import { takeSnapshot } from '../plan/snapshot.js';
import type { QuarantineRecord } from '../state/types.js';
import type { IpAddress } from '../values/ip.js';
import { tryParseMac, type Mac } from '../values/mac.js';
import { parseFreeText } from '../values/names.js';

export interface ResolvedRecord {
  readonly record: QuarantineRecord;
  readonly vlan: ResolvedVlan;
  readonly switch: ResolvedDevice;
  readonly highAlertIp: IpAddress;
}

/** The record's VLAN and switch from the inventory, or why they cannot be found. */
export function resolveRecord(inv: ResolvedInventory, record: QuarantineRecord): ResolvedRecord | string {
  const vlan = inv.vlans.find((v) => v.site === record.site && v.id === record.vlan);
  const sw = inv.device(record.switch);
  if (!vlan) return `site ${record.site} VLAN ${record.vlan} is not in the inventory`;
  if (!sw) return `switch ${record.switch} is not in the inventory`;
  if (record.highAlertIp === null) return 'the record has no High-Alert address';
  if (record.snapshot[record.switch] === undefined) return `the record has no snapshot of ${record.switch}`;
  return { record, vlan, switch: sw, highAlertIp: record.highAlertIp };
}

/** MACs kept permitted with --allow-shared-port (quarantine stores them in the record's details). */
export function sharedMacsOf(record: QuarantineRecord): Mac[] {
  const raw = record.details.sharedMacs;
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((m) => {
    const mac = typeof m === 'string' ? tryParseMac(m) : undefined;
    return mac === undefined ? [] : [mac];
  });
}

export function reasonOf(record: QuarantineRecord) {
  return parseFreeText(record.reason ?? 'no reason given', 'reason', 80);
}

export function reservationOf(r: ResolvedRecord): Reservation {
  return {
    mac: r.record.mac,
    ip: r.highAlertIp,
    scope: highAlertScope(r.vlan),
    label: `highalert ${reasonOf(r.record)}`.slice(0, 60),
  };
}

/** A placeholder DHCP change for when only the port lines are wanted. */
function noDhcp(r: ResolvedRecord): DhcpChange {
  return { server: r.vlan.dhcp.server, action: 'add', reservation: reservationOf(r), preview: [] };
}

/** planQuarantine for the record, as it was made (same templates, same values). */
export function recordPlan(inv: ResolvedInventory, r: ResolvedRecord, dhcp?: DhcpChange): Plan {
  const rec = r.record;
  return planQuarantine({
    platform: r.switch.platform,
    mac: rec.mac,
    user: rec.userId,
    site: rec.site,
    vlan: rec.vlan,
    switch: rec.switch,
    port: rec.port,
    previousIp: rec.previousIp,
    highAlertIp: r.highAlertIp,
    reason: reasonOf(rec),
    renew: (rec.renewMethod as RenewMethod | null) ?? inv.policy.renew,
    bouncePauseMs: 0,
    sharedMacs: sharedMacsOf(rec),
    snapshot: takeSnapshot(rec.switch, rec.port, rec.snapshot[rec.switch] ?? ''),
    dhcp: dhcp ?? noDhcp(r),
    evidence: [],
  });
}

/** The `port-restrict` lines of the record's plan: both ACLs and their bindings. */
export function restrictLines(plan: Plan): string[] {
  const step = plan.steps.find((s) => s.id === 'port-restrict');
  return step?.kind === 'config' ? step.lines : [];
}

/** Normalised ACL entry text (no sequence number, single spaces). */
export function normEntry(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

/** The ACLs in rendered lines: name → entries (normalised), in order. */
export function renderedAcls(
  lines: readonly string[],
): Map<string, { kind: 'mac' | 'ip'; entries: string[] }> {
  const out = new Map<string, { kind: 'mac' | 'ip'; entries: string[] }>();
  let current: string[] | undefined;
  for (const line of lines) {
    const m = /^(mac|ip) access-list extended (\S+)$/.exec(line);
    if (m) {
      current = [];
      out.set(m[2]!, { kind: m[1] as 'mac' | 'ip', entries: current });
    } else if (line.startsWith(' ') && current) {
      current.push(normEntry(line));
    } else {
      current = undefined;
    }
  }
  return out;
}
