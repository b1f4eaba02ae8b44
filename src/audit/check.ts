/**
 * The audit's comparison, pure: state store records + what the network said → findings and the
 * repairs `--fix` can make. No I/O here (observe.ts reads; repair.ts plans the fix).
 */
import { gatewayNames } from '../gateway/names.js';
import type { ConfigAcl, ConfigInterface, RunningConfig } from '../devices/parsers/index.js';
import type { Reservation } from '../dhcp/backend.js';
import { isHighalertReservation } from '../dhcp/kea-config.js';
import { HighAlertError } from '../errors.js';
import { planSetup, vlanKey, type KeaGuardPlan } from '../gateway/setup.js';
import type { ResolvedInventory, ResolvedVlan } from '../inventory/types.js';
import { HIGHALERT_PREFIX, quarantineNames } from '../plan/names.js';
import type { HoldRecord, OperationRecord, QuarantineRecord, StepRecord } from '../state/types.js';
import { sameInterface } from '../values/interface.js';
import { rangeContains } from '../values/ip.js';
import {
  normEntry,
  recordPlan,
  renderedAcls,
  resolveRecord,
  restrictLines,
  type ResolvedRecord,
} from './expected.js';
import { sortFindings, type CheckResult, type Finding, type Observed, type Repair } from './types.js';

export interface UnfinishedOperation {
  readonly operation: OperationRecord;
  readonly steps: readonly StepRecord[];
}

export interface CheckInput {
  readonly inventory: ResolvedInventory;
  /** Active quarantines (every status but released, rolled-back, failed). */
  readonly records: readonly QuarantineRecord[];
  /** Running operations whose process is gone (state.unfinishedOperations()). */
  readonly unfinished: readonly UnfinishedOperation[];
  readonly observed: Observed;
  /** The active hold (state.activeHold()), if any. */
  readonly hold?: HoldRecord | undefined;
}

/** Records of a run in progress (or killed mid-run): not checked, but their names are not orphans. */
const IN_FLIGHT = new Set(['applying', 'releasing']);
const PORT_ACL = new RegExp(`^${HIGHALERT_PREFIX}(MAC|IP)-`);

function aclKind(acl: ConfigAcl): 'mac' | 'ip' | undefined {
  return acl.kind === 'mac-extended' ? 'mac' : acl.kind === 'ip-extended' ? 'ip' : undefined;
}

function findInterface(cfg: RunningConfig, name: string): ConfigInterface | undefined {
  return cfg.interfaces.find((i) => sameInterface(i.name, name));
}

function bindingsOf(i: ConfigInterface | undefined): { mac: string | null; ip: string | null } {
  return { mac: i?.macAccessGroup?.in ?? null, ip: i?.ipAccessGroup.in ?? null };
}

class Checker {
  readonly findings: Finding[] = [];
  readonly repairs: Repair[] = [];
  /** `device` → ACL names owned by a record; `device|port|name` bindings owned by a record. */
  private readonly ownedAcls = new Map<string, Set<string>>();
  private readonly ownedBindings = new Set<string>();
  /** `site/vlan|mac` reservations owned by a record. */
  private readonly ownedReservations = new Set<string>();

  constructor(private readonly input: CheckInput) {}

  private add(f: Finding): void {
    this.findings.push(f);
  }

  private bindingKey(device: string, port: string, name: string): string {
    const cfg = this.input.observed.configs.get(device);
    const canonical = (cfg && findInterface(cfg, port)?.name) ?? port;
    return `${device}|${canonical}|${name}`;
  }

  private own(record: QuarantineRecord): void {
    const names = quarantineNames(record.mac);
    const set = this.ownedAcls.get(record.switch) ?? new Set<string>();
    set.add(names.macAcl).add(names.ipAcl);
    this.ownedAcls.set(record.switch, set);
    this.ownedBindings.add(this.bindingKey(record.switch, record.port, names.macAcl));
    this.ownedBindings.add(this.bindingKey(record.switch, record.port, names.ipAcl));
    this.ownedReservations.add(`${record.site}/${record.vlan}|${record.mac}`);
  }

  run(): CheckResult {
    const { observed, inventory } = this.input;
    for (const [device, why] of observed.failed) {
      this.add({
        kind: 'unreachable',
        severity: 'error',
        device,
        message: `could not look: ${why}`,
      });
    }
    for (const u of this.input.unfinished) this.unfinished(u);
    for (const record of this.input.records) this.own(record);
    for (const record of this.input.records) if (!IN_FLIGHT.has(record.status)) this.record(record);
    for (const [device, cfg] of observed.configs) this.orphansOn(device, cfg);
    for (const vlan of inventory.vlans) this.orphanReservations(vlan);
    this.holds();
    const gateways = this.gateways();
    return {
      findings: sortFindings(this.findings),
      repairs: this.repairs,
      counts: {
        quarantines: this.input.records.length,
        gateways,
        devices: inventory.devices.length,
      },
    };
  }

  private unfinished({ operation: op, steps }: UnfinishedOperation): void {
    const open = steps.filter((s) => s.status !== 'undone').length;
    this.add({
      kind: 'unfinished-operation',
      severity: 'error',
      device: 'state',
      target: `operation ${op.id}`,
      message:
        `${op.kind} of ${op.target} (pid ${op.pid}, started ${op.startedAt}) was killed with ` +
        `${open} journalled step${open === 1 ? '' : 's'} not undone` +
        (steps.length ? ` on ${[...new Set(steps.map((s) => s.device))].join(', ')}` : ''),
      fix: 'highalert recover: undo its steps in reverse order',
    });
  }

  private record(record: QuarantineRecord): void {
    const { inventory, observed } = this.input;
    const r = resolveRecord(inventory, record);
    if (typeof r === 'string') {
      this.add({
        kind: 'stale-record',
        severity: 'error',
        device: record.switch,
        target: record.mac,
        message: `quarantine ${record.id} cannot be checked: ${r}`,
      });
      return;
    }
    const cfg = observed.configs.get(record.switch);
    if (cfg) this.port(r, cfg);
    this.reservation(r);
    const arp = observed.arp.get(r.vlan.gateway.device);
    if (arp) this.sighting(r, arp);
  }

  private port(r: ResolvedRecord, cfg: RunningConfig): void {
    const { record } = r;
    const names = quarantineNames(record.mac);
    const expected = renderedAcls(restrictLines(recordPlan(this.input.inventory, r)));
    const iface = findInterface(cfg, record.port);
    if (!iface) {
      this.add({
        kind: 'stale-record',
        severity: 'error',
        device: record.switch,
        target: record.mac,
        message: `${record.switch} has no interface ${record.port} any more`,
      });
      return;
    }
    const where = `${record.switch} ${record.port}`;
    const fix = `re-create ${names.macAcl} and ${names.ipAcl} from the record and bind them on ${record.port}`;
    let drifted = false;
    const observedAcls: { mac?: ConfigAcl; ip?: ConfigAcl } = {};
    for (const kind of ['mac', 'ip'] as const) {
      const name = kind === 'mac' ? names.macAcl : names.ipAcl;
      const want = expected.get(name)?.entries ?? [];
      const acl = cfg.acls.find((a) => a.name === name);
      if (acl) observedAcls[kind] = acl;
      if (!acl || aclKind(acl) !== kind) {
        drifted = true;
        this.add({
          kind: 'acl-missing',
          severity: 'error',
          device: record.switch,
          target: record.mac,
          message: `${kind.toUpperCase()} ACL ${name} of the quarantine of ${record.mac} is missing on ${record.switch}`,
          fix,
        });
        continue;
      }
      const have = acl.entries.map((e) => normEntry(e.text));
      if (have.join('\n') !== want.join('\n')) {
        drifted = true;
        const extra = have.filter((e) => !want.includes(e));
        const missing = want.filter((e) => !have.includes(e));
        const detail = [
          missing.length ? `missing: ${missing.join('; ')}` : '',
          extra.length ? `unexpected: ${extra.join('; ')}` : '',
          !missing.length && !extra.length ? 'entries out of order' : '',
        ]
          .filter(Boolean)
          .join('; ');
        this.add({
          kind: 'acl-entries',
          severity: 'error',
          device: record.switch,
          target: record.mac,
          message: `${name} on ${record.switch} differs from the quarantine record (${detail})`,
          fix,
        });
      }
    }
    const bound = bindingsOf(iface);
    for (const kind of ['mac', 'ip'] as const) {
      const name = kind === 'mac' ? names.macAcl : names.ipAcl;
      if (bound[kind] === name) continue;
      drifted = true;
      this.add({
        kind: 'acl-unbound',
        severity: 'error',
        device: record.switch,
        target: record.mac,
        message: `${name} is not bound inbound on ${where} (${kind} access-group in: ${bound[kind] ?? 'none'})`,
        fix,
      });
    }
    if (drifted)
      this.repairs.push({ kind: 'port', record, observedAcls, interfaceLines: [...iface.lines], bound });
  }

  private reservation(r: ResolvedRecord): void {
    const { record, vlan } = r;
    const list = this.input.observed.reservations.get(vlanKey(vlan));
    if (!list) return;
    const server = vlan.dhcp.server;
    const mine = list.filter((x) => x.mac === record.mac);
    if (mine.some((x) => x.ip === r.highAlertIp)) return;
    const wrong = mine[0];
    if (wrong) {
      this.add({
        kind: 'reservation-mismatch',
        severity: 'error',
        device: server,
        target: record.mac,
        message: `${server} reserves ${wrong.ip} for ${record.mac}, the record says ${r.highAlertIp}`,
        fix: `replace the reservation with ${record.mac} → ${r.highAlertIp}`,
      });
      this.repairs.push({ kind: 'reservation', record, wrong });
      return;
    }
    this.add({
      kind: 'reservation-missing',
      severity: 'error',
      device: server,
      target: record.mac,
      message: `${server} has no reservation ${record.mac} → ${r.highAlertIp} (quarantine ${record.id})`,
      fix: `re-add the reservation ${record.mac} → ${r.highAlertIp}`,
    });
    this.repairs.push({ kind: 'reservation', record });
  }

  private sighting(r: ResolvedRecord, arp: { mac: string | null; ip: string }[]): void {
    const { record } = r;
    const gw = r.vlan.gateway.device;
    const seen = arp.filter((a) => a.mac === record.mac).map((a) => a.ip);
    if (seen.includes(r.highAlertIp)) return;
    if (seen.length === 0) {
      this.add({
        kind: 'host-not-seen',
        severity: 'warning',
        device: gw,
        target: record.mac,
        message: `${gw} has no ARP entry for ${record.mac} (device off or quiet); expected at ${r.highAlertIp}`,
      });
      return;
    }
    const pending = record.status === 'pending-renew';
    // No automatic fix: the port and reservation checks say whether the restriction itself
    // drifted; otherwise the device has to renew its address.
    this.add({
      kind: pending ? 'pending-renew' : 'address-mismatch',
      severity: pending ? 'warning' : 'error',
      device: gw,
      target: record.mac,
      message: pending
        ? `${record.mac} has not renewed yet: ${gw} sees it at ${seen.join(', ')}, its High-Alert address is ${r.highAlertIp}`
        : `${gw} sees ${record.mac} at ${seen.join(', ')}, not at its High-Alert address ${r.highAlertIp}; ` +
          'make the device renew (port bounce) once its port and reservation are right',
    });
  }

  private orphansOn(device: string, cfg: RunningConfig): void {
    const owned = this.ownedAcls.get(device) ?? new Set<string>();
    const acls = cfg.acls.filter((a) => PORT_ACL.test(a.name) && !owned.has(a.name));
    const bindings: Array<{ port: string; kind: 'mac' | 'ip'; name: string; interfaceLines: string[] }> = [];
    for (const i of cfg.interfaces) {
      const b = bindingsOf(i);
      for (const kind of ['mac', 'ip'] as const) {
        const name = b[kind];
        if (name === null || !PORT_ACL.test(name)) continue;
        if (this.ownedBindings.has(`${device}|${i.name}|${name}`)) continue;
        bindings.push({ port: i.name, kind, name, interfaceLines: [...i.lines] });
      }
    }
    const fixable = acls.filter((a) => aclKind(a) !== undefined);
    for (const a of acls) {
      this.add({
        kind: 'orphan-acl',
        severity: 'error',
        device,
        target: a.name,
        message: `${device} has highalert ACL ${a.name} but no active quarantine owns it`,
        ...(aclKind(a) ? { fix: `delete ${a.name}` } : {}),
      });
    }
    for (const b of bindings) {
      this.add({
        kind: 'orphan-binding',
        severity: 'error',
        device,
        target: b.port,
        message: `${device} ${b.port} has ${b.kind} access-group ${b.name} in, but no active quarantine of that port owns it`,
        fix: `remove the binding from ${b.port}`,
      });
    }
    if (fixable.length || bindings.length)
      this.repairs.push({ kind: 'orphans', device, acls: fixable, bindings });
  }

  private orphanReservations(vlan: ResolvedVlan): void {
    const list = this.input.observed.reservations.get(vlanKey(vlan));
    if (!list) return;
    const server = this.input.inventory.dhcpServer(vlan.dhcp.server);
    const ios = server?.backend === 'cisco_ios';
    const ours = (x: Reservation) =>
      rangeContains(vlan.highAlertPool.range, x.ip) || (ios && (x.label ?? '').startsWith(HIGHALERT_PREFIX));
    for (const x of list.filter(ours)) {
      if (this.ownedReservations.has(`${vlanKey(vlan)}|${x.mac}`)) continue;
      // IOS: only pools named as highalert names them can be removed by that name. Kea: only
      // entries carrying highalert's user-context marker; another reservation that merely lies in
      // the High-Alert range (made by hand or by another tool) is reported, never removed.
      const removable = ios ? x.label === quarantineNames(x.mac).dhcpPool : isHighalertReservation(x);
      const where = `the High-Alert group of site ${vlan.site} VLAN ${vlan.id}`;
      if (!ios && !removable) {
        this.add({
          kind: 'orphan-reservation',
          severity: 'warning',
          device: vlan.dhcp.server,
          target: x.mac,
          message: `${vlan.dhcp.server} reserves ${x.ip} for ${x.mac} in ${where}, but the reservation has no highalert marker (user-context "highalert") and no active quarantine has it; highalert leaves it alone: remove it by hand if it is not wanted`,
        });
        continue;
      }
      this.add({
        kind: 'orphan-reservation',
        severity: 'error',
        device: vlan.dhcp.server,
        target: x.mac,
        message: `${vlan.dhcp.server} reserves ${x.ip} for ${x.mac}${x.label ? ` (${x.label})` : ''} in ${where}, but no active quarantine has it`,
        ...(removable ? { fix: `remove the reservation ${x.mac} → ${x.ip}` } : {}),
      });
      if (removable)
        this.repairs.push({ kind: 'orphan-reservation', server: vlan.dhcp.server, reservation: x });
    }
  }

  /** setup's plan per gateway: anything it would send is drift. Returns the number of gateways checked. */
  /** The hold in the state store against each IPv4 VLAN's SVI: the hold ACL bound iff a hold is on. */
  private holds(): void {
    const { inventory, observed, hold } = this.input;
    for (const vlan of inventory.vlans) {
      if (vlan.version !== 4) continue;
      const device = vlan.gateway.device;
      const cfg = observed.configs.get(device);
      if (!cfg) continue;
      const acl = gatewayNames(vlan).holdAcl;
      const svi = findInterface(cfg, vlan.gateway.interface);
      const bound = svi?.ipAccessGroup.in === acl;
      const exists = cfg.acls.some((a) => a.name === acl);
      const where = `${svi?.name ?? vlan.gateway.interface} (site ${vlan.site} VLAN ${vlan.id})`;
      if (hold && !bound) {
        this.add({
          kind: 'hold-missing',
          severity: 'error',
          device,
          message: `a hold is on since ${hold.startedAt} ("${hold.message}"), but ${where} does not have ${acl} bound`,
          fix: 'highalert unhold, then highalert hold again',
        });
      } else if (!hold && (bound || exists)) {
        this.add({
          kind: 'orphan-hold',
          severity: 'error',
          device,
          message: `${acl} is ${bound ? `bound on ${where}` : 'defined'} but no hold is on in the state store`,
          fix: `check ${where} and remove ${acl} by hand, or point --state at the store that holds it and run highalert unhold`,
        });
      }
    }
  }

  private gateways(): number {
    const { inventory, observed } = this.input;
    const byGateway = new Map<string, ResolvedVlan[]>();
    for (const v of inventory.vlans) {
      if (v.version !== 4) continue;
      byGateway.set(v.gateway.device, [...(byGateway.get(v.gateway.device) ?? []), v]);
    }
    for (const [gateway, vlans] of byGateway) {
      const needed = new Set<string>([gateway]);
      const kea = new Map<string, KeaGuardPlan>();
      let blind = false;
      for (const v of vlans) {
        const server = inventory.dhcpServer(v.dhcp.server);
        if (server?.backend === 'cisco_ios') needed.add(server.device);
        else {
          const k = observed.kea.get(vlanKey(v));
          if (k) kea.set(vlanKey(v), k);
          else blind = true;
        }
      }
      if (blind || [...needed].some((d) => !observed.configs.has(d))) continue;
      const configs = new Map([...needed].map((d) => [d, observed.configs.get(d)!] as const));
      try {
        const plan = planSetup({ inventory, site: null, vlans, configs, kea });
        for (const step of plan.steps) {
          const where = step.id.split(' ').at(-1) ?? '';
          const missing = step.lines.map((l) => l.trim()).join(' / ');
          this.add({
            kind: step.purpose === 'dhcp-exclude' ? 'dhcp-guard' : 'policy-routing',
            severity: 'error',
            device: step.device,
            target: where,
            message:
              step.purpose === 'dhcp-exclude'
                ? `${step.device} hands out the High-Alert range of ${where} dynamically (missing: ${missing})`
                : `policy routing of the High-Alert pool of ${where} is incomplete on ${step.device} (missing: ${missing})`,
            fix: `send setup's missing lines to ${step.device}`,
          });
        }
        for (const k of plan.kea.filter((x) => x.changed)) {
          this.add({
            kind: 'dhcp-guard',
            severity: 'error',
            device: k.server,
            target: `${k.site}/${k.vlan}`,
            message: `${k.server} does not guard the High-Alert range ${k.range.first}-${k.range.last} from dynamic assignment`,
            fix: `guard the pool on ${k.server} (as setup does)`,
          });
        }
        const kept = plan.kea.filter((x) => x.changed);
        if (plan.steps.length || kept.length)
          this.repairs.push({ kind: 'setup', gateway, steps: plan.steps, diffs: plan.diffs, kea: kept });
      } catch (err) {
        if (!(err instanceof HighAlertError)) throw err;
        this.add({
          kind: 'setup-conflict',
          severity: 'error',
          device: err.device ?? gateway,
          message: `setup cannot make the High-Alert group whole here: ${err.message}`,
        });
      }
    }
    return byGateway.size;
  }
}

export function checkAudit(input: CheckInput): CheckResult {
  return new Checker(input).run();
}
