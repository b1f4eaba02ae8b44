/**
 * After the change: make the device ask for an address again (the port bounce is part of the
 * plan; `lease` waits for expiry; `notify` tells the user) and verify what the network sees.
 */
import type { DhcpBackend } from '../dhcp/backend.js';
import { highAlertScope, scopeOf } from '../dhcp/index.js';
import { showParsed } from '../devices/show.js';
import type { ResolvedVlan } from '../inventory/types.js';
import type { Evidence, Plan } from '../model/plan.js';
import { rangeContains, tryParseIp } from '../values/ip.js';
import { parseMac } from '../values/mac.js';
import { postNotice } from '../notify/webhook.js';
import type { RunContext } from './context.js';
import { pollUntil, type Sighting } from './verify.js';

export interface RenewOutcome {
  readonly method: Plan['renew'];
  readonly verified: boolean;
  /** What each source said last. */
  readonly seen: Evidence[];
  readonly elapsedMs: number;
  readonly note: string;
  /** `lease`: when the current lease runs out (ISO time), if the DHCP server says. */
  readonly leaseEndsAt?: string;
  /** `notify`: what the user must do. */
  readonly instructions?: string[];
}

export function userInstructions(plan: Pick<Plan, 'kind' | 'mac'>): string[] {
  return [
    `Your device ${plan.mac} must renew its network address${plan.kind === 'quarantine' ? ' (it has been moved to a monitored network)' : ''}:`,
    '  Windows:  ipconfig /release  then  ipconfig /renew',
    '  macOS:    System Settings > Network > Details > TCP/IP > Renew DHCP Lease',
    '  Linux:    sudo dhclient -r && sudo dhclient   (or reconnect the network)',
    '  Or simply unplug the cable / turn Wi-Fi off and on again.',
  ];
}

/** Where the network says the MAC is: ARP on the VLAN's gateway, and the DHCP server's lease. */
async function look(
  ctx: RunContext,
  backend: DhcpBackend,
  plan: Plan,
  vlan: ResolvedVlan,
  expect: 'high-alert' | 'normal',
): Promise<Sighting[]> {
  const mac = parseMac(plan.mac);
  const gw = ctx.inventory.device(vlan.gateway.device)!;
  const command = 'show ip arp';
  const arp = await showParsed(ctx.network, gw, 'show ip arp', command);
  const scope = expect === 'high-alert' ? highAlertScope(vlan) : scopeOf(vlan);
  const lease = await backend.leaseForMac(mac, scope).catch(() => undefined);
  return [
    { source: gw.name, query: command, ip: arp.find((a) => a.mac === mac)?.ip ?? null },
    { source: backend.name, query: 'DHCP lease', ip: lease?.ip ?? null },
  ];
}

async function renewAndVerify(
  ctx: RunContext,
  backend: DhcpBackend,
  plan: Plan,
  vlan: ResolvedVlan,
  options: { verify: boolean; expect: 'high-alert' | 'normal' },
): Promise<RenewOutcome> {
  const base = { method: plan.renew, seen: [] as Evidence[], elapsedMs: 0 };
  if (plan.renew === 'lease') {
    const lease = await backend.leaseForMac(parseMac(plan.mac), scopeOf(vlan)).catch(() => undefined);
    const leaseEndsAt = lease?.expiresAt ? new Date(lease.expiresAt * 1000).toISOString() : undefined;
    return {
      ...base,
      verified: false,
      note: `the device moves when its lease runs out${leaseEndsAt ? ` (${leaseEndsAt})` : ''}`,
      ...(leaseEndsAt ? { leaseEndsAt } : {}),
    };
  }
  if (plan.renew === 'notify') {
    const instructions = userInstructions(plan);
    const dc = ctx.inventory.decisionController;
    const event = { event: 'renew-notice', kind: plan.kind, mac: plan.mac, user: plan.user, instructions };
    const posted = dc ? await postNotice(dc, event) : undefined;
    const where = !posted
      ? ''
      : posted.ok
        ? '; posted to the decision controller'
        : `; NOT posted to the decision controller (${posted.error ?? '?'})`;
    return { ...base, verified: false, note: `the user must renew${where}`, instructions };
  }
  if (!options.verify) return { ...base, verified: false, note: 'not verified (--no-verify)' };
  const wanted =
    options.expect === 'high-alert'
      ? (ip: string) => ip === plan.highAlertIp
      : (ip: string) => {
          const addr = tryParseIp(ip);
          return addr !== undefined && rangeContains(vlan.normalPool, addr);
        };
  ctx.progress(
    `verifying: waiting up to ${ctx.inventory.policy.verifyTimeoutS}s for ${plan.mac} to show up ${options.expect === 'high-alert' ? `at ${plan.highAlertIp}` : 'in the normal pool'}…`,
  );
  const outcome = await pollUntil(() => look(ctx, backend, plan, vlan, options.expect), wanted, {
    timeoutMs: ctx.inventory.policy.verifyTimeoutS * 1000,
    intervalMs: 250,
  });
  return {
    ...base,
    verified: outcome.ok,
    seen: outcome.seen,
    elapsedMs: outcome.elapsedMs,
    note: outcome.ok
      ? `seen after ${outcome.elapsedMs} ms`
      : `not seen within ${ctx.inventory.policy.verifyTimeoutS}s`,
  };
}

/**
 * Once the plan is applied the change stands: a failure to keep it (`configure confirm`,
 * `write memory`) or to look at the network afterwards is reported as an unverified outcome
 * (exit 1, `audit` shows the rest), never treated as a rollback that did not happen.
 */
export async function finishAndVerify(
  ctx: RunContext,
  backend: DhcpBackend,
  plan: Plan,
  vlan: ResolvedVlan,
  options: { verify: boolean; expect: 'high-alert' | 'normal' },
): Promise<RenewOutcome> {
  const failed = (what: string, err: unknown): RenewOutcome => ({
    method: plan.renew,
    verified: false,
    seen: [],
    elapsedMs: 0,
    note: `applied, but ${what} failed: ${err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err)} — run highalert audit`,
  });
  try {
    await ctx.network.finish();
  } catch (err) {
    return failed('keeping the change (configure confirm / write memory)', err);
  }
  try {
    return await renewAndVerify(ctx, backend, plan, vlan, options);
  } catch (err) {
    return failed('verifying', err);
  }
}
