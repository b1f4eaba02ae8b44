/**
 * quarantine / release as pure functions: observed state in, Plan out. No I/O here; everything
 * fallible (correlation, allocation, snapshot, DHCP preview) happened before.
 */
import type { DhcpChange } from '../dhcp/backend.js';
import type { ConfigDiff, ConfigStep, Evidence, Plan, PlanStep, RenewMethod } from '../model/plan.js';
import { renderLines } from '../render/templates.js';
import type { InterfaceName } from '../values/interface.js';
import type { IpAddress } from '../values/ip.js';
import type { Mac } from '../values/mac.js';
import type { FreeText } from '../values/names.js';
import { quarantineNames } from './names.js';
import { withBindings, type PortSnapshot } from './snapshot.js';

export interface PlanInput {
  /** Platform of the access switch (selects templates/<platform>/). */
  readonly platform: string;
  readonly mac: Mac;
  readonly user: string | null;
  readonly site: string;
  readonly vlan: number;
  readonly switch: string;
  readonly port: InterfaceName;
  readonly previousIp: IpAddress | null;
  readonly highAlertIp: IpAddress;
  readonly reason: FreeText;
  readonly renew: RenewMethod;
  readonly bouncePauseMs: number;
  /** Other MACs on the port kept permitted (`--allow-shared-port`). */
  readonly sharedMacs: readonly Mac[];
  readonly snapshot: PortSnapshot;
  /** The DHCP server's preview of the reservation change (add for quarantine, remove for release). */
  readonly dhcp: DhcpChange;
  readonly evidence: readonly Evidence[];
}

export function dhcpStep(id: string, change: DhcpChange): PlanStep {
  if (change.device) {
    return {
      kind: 'config',
      id,
      device: change.device.name,
      purpose: change.action === 'add' ? 'dhcp-reservation-add' : 'dhcp-reservation-remove',
      lines: change.device.lines,
      undo: change.device.undo,
    };
  }
  const r = change.reservation;
  return {
    kind: 'dhcp',
    id,
    server: change.server,
    action: change.action,
    reservation: {
      mac: r.mac,
      ip: r.ip,
      subnet: r.scope.subnet,
      ...(r.scope.subnetId === undefined ? {} : { subnetId: r.scope.subnetId }),
      ...(r.label === undefined ? {} : { label: r.label }),
    },
    preview: change.preview,
  };
}

function bounceSteps(input: PlanInput): ConfigStep[] {
  // A port that was administratively down stays down: no bounce turns it on.
  if (input.renew !== 'port-bounce' || input.snapshot.shutdown) return [];
  const ctx = { port: input.port };
  const up = renderLines(input.platform, 'port_no_shutdown', ctx);
  return [
    {
      kind: 'config',
      id: 'port-shutdown',
      device: input.switch,
      purpose: 'port-shutdown',
      lines: renderLines(input.platform, 'port_shutdown', ctx),
      undo: up,
      pauseAfterMs: input.bouncePauseMs,
    },
    {
      kind: 'config',
      id: 'port-no-shutdown',
      device: input.switch,
      purpose: 'port-no-shutdown',
      lines: up,
      undo: [],
    },
  ];
}

/** The ACL blocks a rendered quarantine_port creates (everything before the `interface` line). */
function aclBlocks(lines: string[]): string[] {
  const i = lines.findIndex((l) => l.startsWith('interface '));
  return i < 0 ? lines : lines.slice(0, i);
}

export function dhcpDiff(change: DhcpChange): ConfigDiff {
  // EXEC lines run from config mode (`do clear …`) are not configuration: leave them out of the diff.
  const text = (change.device ? change.device.lines : change.preview).filter((l) => !l.startsWith('do '));
  const [before, after] = change.action === 'add' ? ['', text.join('\n')] : [text.join('\n'), ''];
  return {
    device: change.device?.name ?? change.server,
    title: `DHCP reservation on ${change.server}`,
    before,
    after,
  };
}

function common(input: PlanInput, kind: Plan['kind'], steps: PlanStep[], diffs: ConfigDiff[]): Plan {
  return {
    kind,
    mac: input.mac,
    user: input.user,
    site: input.site,
    vlan: input.vlan,
    switch: input.switch,
    port: input.port,
    previousIp: input.previousIp,
    highAlertIp: input.highAlertIp,
    reason: input.reason,
    renew: input.renew,
    steps,
    diffs,
    evidence: [...input.evidence],
  };
}

export function planQuarantine(input: PlanInput): Plan {
  const names = quarantineNames(input.mac);
  const acls = { mac_acl: names.macAcl, ip_acl: names.ipAcl, port: input.port };
  const restrict = renderLines(input.platform, 'quarantine_port', {
    ...acls,
    mac: input.mac,
    shared_macs: [...input.sharedMacs],
    high_alert_ip: input.highAlertIp,
    remark: input.reason,
  });
  const restore = renderLines(input.platform, 'restore_port', { ...acls, previous: input.snapshot.previous });
  const block = input.snapshot.interfaceConfig.split('\n');
  const after = [
    ...aclBlocks(restrict),
    ...withBindings(block, { mac_acl: names.macAcl, ip_acl: names.ipAcl }),
  ];
  const steps: PlanStep[] = [
    dhcpStep('dhcp-reservation', input.dhcp),
    {
      kind: 'config',
      id: 'port-restrict',
      device: input.switch,
      purpose: 'port-restrict',
      lines: restrict,
      undo: restore,
    },
    ...bounceSteps(input),
  ];
  const diffs: ConfigDiff[] = [
    dhcpDiff(input.dhcp),
    {
      device: input.switch,
      title: `${input.port} and its ACLs`,
      before: block.join('\n'),
      after: after.join('\n'),
    },
  ];
  return common(input, 'quarantine', steps, diffs);
}

/**
 * Release restores the port from the snapshot taken before quarantine, removes highalert's ACLs and
 * the reservation, then renews. `input.snapshot` is the one stored with the quarantine;
 * `currentInterfaceConfig` is what the port looks like now (for the diff).
 */
export function planRelease(input: PlanInput, currentInterfaceConfig: string): Plan {
  const names = quarantineNames(input.mac);
  const acls = { mac_acl: names.macAcl, ip_acl: names.ipAcl, port: input.port };
  const restore = renderLines(input.platform, 'restore_port', { ...acls, previous: input.snapshot.previous });
  const reRestrict = renderLines(input.platform, 'quarantine_port', {
    ...acls,
    mac: input.mac,
    shared_macs: [...input.sharedMacs],
    high_alert_ip: input.highAlertIp,
    remark: input.reason,
  });
  // Undoing a (possibly partial) restore: drop whatever is left of our ACLs, then rebuild them whole.
  const rebuild = [...renderLines(input.platform, 'remove_port_acls', acls), ...reRestrict];
  const steps: PlanStep[] = [
    {
      kind: 'config',
      id: 'port-restore',
      device: input.switch,
      purpose: 'port-restore',
      lines: restore,
      undo: rebuild,
    },
    dhcpStep('dhcp-reservation', input.dhcp),
    ...bounceSteps(input),
  ];
  const current = currentInterfaceConfig.split('\n');
  const diffs: ConfigDiff[] = [
    {
      device: input.switch,
      title: `${input.port} and its ACLs`,
      before: [...aclBlocks(reRestrict), ...current].join('\n'),
      after: input.snapshot.interfaceConfig,
    },
    dhcpDiff(input.dhcp),
  ];
  return common(input, 'release', steps, diffs);
}
