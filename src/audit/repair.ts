/**
 * `audit --fix` as a plan: the repairs check.ts found, turned into journalled plan steps (config
 * lines from templates, DHCP changes from the backends) with an undo each, and a before/after diff
 * per device. Pure given the observation; the dry-run prints exactly these steps.
 */
import type { ConfigAcl } from '../devices/parsers/index.js';
import type { DhcpBackend, Reservation } from '../dhcp/backend.js';
import type { DhcpPort } from '../apply/engine.js';
import type { KeaGuardPlan } from '../gateway/setup.js';
import type { ResolvedInventory } from '../inventory/types.js';
import type { ConfigDiff, ConfigStep, DhcpStep, PlanStep } from '../model/plan.js';
import { quarantineNames } from '../plan/names.js';
import { dhcpDiff, dhcpStep } from '../plan/quarantine.js';
import { withBindings } from '../plan/snapshot.js';
import type { AclBinding, AclRef } from '../render/contexts.js';
import { renderLines } from '../render/templates.js';
import { parseInterface, type InterfaceName } from '../values/interface.js';
import { parseIp } from '../values/ip.js';
import { parseMac } from '../values/mac.js';
import { isConfigName, parseConfigName, type ConfigName } from '../values/names.js';
import { DhcpBackendError } from '../errors.js';
import { recordPlan, reservationOf, resolveRecord, restrictLines, type ResolvedRecord } from './expected.js';
import type { Observed, Repair } from './types.js';

export interface RepairPlan {
  readonly steps: PlanStep[];
  readonly diffs: ConfigDiff[];
  /** Kea pools to guard first (as setup does; idempotent, not rolled back). */
  readonly kea: KeaGuardPlan[];
  /** One line per repair, for people. */
  readonly summary: string[];
}

function aclRef(name: string): AclRef | undefined {
  if (/^\d{1,4}$/.test(name)) return Number(name);
  return isConfigName(name) ? (name as ConfigName) : undefined;
}

function kindOf(acl: ConfigAcl): 'mac' | 'ip' | undefined {
  return acl.kind === 'mac-extended' ? 'mac' : acl.kind === 'ip-extended' ? 'ip' : undefined;
}

function created(acls: readonly (ConfigAcl | undefined)[]) {
  return acls.flatMap((a) => {
    const kind = a && kindOf(a);
    return a && kind
      ? [{ kind, name: parseConfigName(a.name, 'ACL name'), entries: a.entries.map((e) => e.text.trim()) }]
      : [];
  });
}

function byPort(items: readonly { port: string; kind: 'mac' | 'ip'; name: string }[]) {
  const out = new Map<string, AclBinding[]>();
  for (const b of items) {
    const ref = aclRef(b.name);
    if (ref === undefined) continue;
    out.set(b.port, [...(out.get(b.port) ?? []), { kind: b.kind, name: ref }]);
  }
  return [...out].map(([port, acls]) => ({ port: parseInterface(port) as InterfaceName, acls }));
}

function resolved(inv: ResolvedInventory, repair: { record: Parameters<typeof resolveRecord>[1] }) {
  const r = resolveRecord(inv, repair.record);
  if (typeof r === 'string') throw new Error(`repair of a stale record: ${r}`);
  return r;
}

function portRepair(inv: ResolvedInventory, rep: Extract<Repair, { kind: 'port' }>, r: ResolvedRecord) {
  const { record } = rep;
  const names = quarantineNames(record.mac);
  const platform = r.switch.platform;
  const restrict = restrictLines(recordPlan(inv, r));
  const lines = [
    ...renderLines(platform, 'remove_port_acls', { mac_acl: names.macAcl, ip_acl: names.ipAcl }),
    ...restrict,
  ];
  const ours = { mac: names.macAcl, ip: names.ipAcl };
  const undo = renderLines(platform, 'audit_acls', {
    unbind: byPort(
      (['mac', 'ip'] as const)
        .filter((k) => rep.bound[k] === null)
        .map((k) => ({ port: record.port, kind: k, name: ours[k] })),
    ),
    remove: [
      { kind: 'mac', name: names.macAcl },
      { kind: 'ip', name: names.ipAcl },
    ],
    create: created([rep.observedAcls.mac, rep.observedAcls.ip]),
    bind: byPort(
      (['mac', 'ip'] as const).flatMap((k) => {
        const name = rep.bound[k];
        return name === null ? [] : [{ port: record.port, kind: k, name }];
      }),
    ),
  });
  const step: ConfigStep = {
    kind: 'config',
    id: `repair-port ${record.mac}`,
    device: record.switch,
    purpose: 'port-restrict',
    lines,
    undo,
  };
  const aclEnd = restrict.findIndex((l) => l.startsWith('interface '));
  const diff: ConfigDiff = {
    device: record.switch,
    title: `${record.port} and the ACLs of the quarantine of ${record.mac}`,
    before: [
      ...(rep.observedAcls.mac?.lines ?? []),
      ...(rep.observedAcls.ip?.lines ?? []),
      ...rep.interfaceLines,
    ].join('\n'),
    after: [
      ...(aclEnd < 0 ? restrict : restrict.slice(0, aclEnd)),
      ...withBindings(rep.interfaceLines, { mac_acl: names.macAcl, ip_acl: names.ipAcl }),
    ].join('\n'),
  };
  return { step, diff };
}

function orphanRepair(inv: ResolvedInventory, rep: Extract<Repair, { kind: 'orphans' }>) {
  const platform = inv.device(rep.device)?.platform ?? 'cisco_ios';
  const remove = rep.acls.flatMap((a) => {
    const kind = kindOf(a);
    return kind ? [{ kind, name: parseConfigName(a.name, 'ACL name') }] : [];
  });
  const lines = renderLines(platform, 'audit_acls', {
    unbind: byPort(rep.bindings),
    remove,
    create: [],
    bind: [],
  });
  const undo = renderLines(platform, 'audit_acls', {
    unbind: [],
    remove: [],
    create: created(rep.acls),
    bind: byPort(rep.bindings),
  });
  const step: ConfigStep = {
    kind: 'config',
    id: `remove-orphans ${rep.device}`,
    device: rep.device,
    purpose: 'port-restore',
    lines,
    undo,
  };
  const ports = new Map<string, string[]>();
  for (const b of rep.bindings) ports.set(b.port, b.interfaceLines);
  const unbound = (port: string, block: string[]) =>
    block.filter(
      (l) => !rep.bindings.some((b) => b.port === port && l === ` ${b.kind} access-group ${b.name} in`),
    );
  const diff: ConfigDiff = {
    device: rep.device,
    title: 'highalert ACLs and bindings no quarantine owns',
    before: [...rep.acls.flatMap((a) => a.lines), ...[...ports.values()].flat()].join('\n'),
    after: [...ports].flatMap(([port, block]) => unbound(port, block)).join('\n'),
  };
  return { step, diff };
}

function backendOf(observed: Observed, server: string): DhcpBackend {
  const b = observed.backends.get(server);
  if (!b)
    throw new DhcpBackendError('E_DHCP_UNREAD', `DHCP server ${server} was not read`, { device: server });
  return b;
}

export function planRepair(
  inv: ResolvedInventory,
  observed: Observed,
  repairs: readonly Repair[],
): RepairPlan {
  const steps: PlanStep[] = [];
  const diffs: ConfigDiff[] = [];
  const kea: KeaGuardPlan[] = [];
  const summary: string[] = [];
  const order: Repair['kind'][] = ['reservation', 'port', 'orphans', 'orphan-reservation', 'setup'];
  const sorted = [...repairs].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  for (const rep of sorted) {
    switch (rep.kind) {
      case 'reservation': {
        const r = resolved(inv, rep);
        const backend = backendOf(observed, r.vlan.dhcp.server);
        if (rep.wrong) {
          const change = backend.previewRemove(rep.wrong);
          steps.push(dhcpStep(`remove-reservation ${rep.wrong.mac} ${rep.wrong.ip}`, change));
          diffs.push(dhcpDiff(change));
        }
        const change = backend.previewAdd(reservationOf(r));
        steps.push(dhcpStep(`reservation ${rep.record.mac}`, change));
        diffs.push(dhcpDiff(change));
        summary.push(`re-add the reservation ${rep.record.mac} → ${r.highAlertIp} on ${backend.name}`);
        break;
      }
      case 'port': {
        const { step, diff } = portRepair(inv, rep, resolved(inv, rep));
        steps.push(step);
        diffs.push(diff);
        summary.push(
          `re-create the ACLs and bindings of ${rep.record.mac} on ${step.device} ${rep.record.port}`,
        );
        break;
      }
      case 'orphans': {
        const { step, diff } = orphanRepair(inv, rep);
        steps.push(step);
        diffs.push(diff);
        summary.push(
          `remove ${rep.acls.length} orphan ACL(s) and ${rep.bindings.length} orphan binding(s) on ${rep.device}`,
        );
        break;
      }
      case 'orphan-reservation': {
        const change = backendOf(observed, rep.server).previewRemove(rep.reservation);
        steps.push(dhcpStep(`remove-orphan-reservation ${rep.reservation.mac}`, change));
        diffs.push(dhcpDiff(change));
        summary.push(
          `remove the orphan reservation ${rep.reservation.mac} → ${rep.reservation.ip} on ${rep.server}`,
        );
        break;
      }
      case 'setup': {
        steps.push(...rep.steps);
        diffs.push(...rep.diffs);
        kea.push(...rep.kea);
        summary.push(`send setup's missing lines for ${rep.gateway}`);
        break;
      }
    }
  }
  return { steps, diffs, kea, summary };
}

/** Reservation steps on API servers (Kea) go to the server each step names. */
export function dhcpPortForRepair(observed: Observed): DhcpPort {
  const reservation = (step: DhcpStep): Reservation => ({
    mac: parseMac(step.reservation.mac),
    ip: parseIp(step.reservation.ip),
    scope: {
      subnet: step.reservation.subnet,
      ...(step.reservation.subnetId === undefined ? {} : { subnetId: step.reservation.subnetId }),
    },
    ...(step.reservation.label === undefined ? {} : { label: step.reservation.label }),
  });
  const run = (step: DhcpStep, action: 'add' | 'remove') => {
    const b = backendOf(observed, step.server);
    return action === 'add' ? b.addReservation(reservation(step)) : b.removeReservation(reservation(step));
  };
  return {
    apply: (step) => run(step, step.action),
    undo: (step) => run(step, step.action === 'add' ? 'remove' : 'add'),
  };
}
