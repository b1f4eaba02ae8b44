/**
 * The network as the apply engine and correlation see it: show commands and config lines by
 * inventory device name. One SSH session per device for the whole run (all of a device's lines go
 * in one session), a limit on devices at once, commit-confirmed and `write memory` per device.
 */
import pLimit from 'p-limit';
import { connect, type ConnectionParams } from '../devices/connect.js';
import { connectionParamsFor } from '../devices/inventory-params.js';
import { platformFor } from '../devices/platforms/index.js';
import type { Session } from '../devices/session.js';
import { CommandRejectedError, ValidationError } from '../errors.js';
import type { ResolvedDevice, ResolvedInventory } from '../inventory/types.js';
import { linesByDevice, type Plan } from '../model/plan.js';
import type { ShowPort } from '../devices/show.js';
import type { ConfigPort } from './engine.js';

export interface NetworkOptions {
  /** Replaces `connect` (tests). */
  connect?: (params: ConnectionParams) => Promise<Session>;
  /** Sees every config line batch that is sent, per device (audit trail). */
  onConfig?: (device: string, lines: readonly string[]) => void;
}

/**
 * What a run adds around a device's config lines, as the platform spells it: entering config under
 * a revert timer and confirming it (commit_confirmed), saving (save_config). The dry-run shows it.
 */
export function sessionCommands(
  inventory: ResolvedInventory,
  devices: Iterable<string>,
): Record<string, { before: string[]; after: string[] }> {
  const out: Record<string, { before: string[]; after: string[] }> = {};
  for (const name of devices) {
    const d = inventory.device(name);
    if (!d) continue;
    const { definition } = platformFor(d.platform, d.name);
    const cc = d.commitConfirmed ? definition.commitConfirm : undefined;
    const before = cc ? [cc.enterConfigWithTimer(d.commitConfirmedMinutes)] : [];
    const after = [...(cc ? [cc.confirm] : []), ...(d.saveConfig ? [definition.save.command] : [])];
    if (before.length || after.length) out[name] = { before, after };
  }
  return out;
}

/** The plan with the session-level commands of the devices it touches. */
export function withSession(inventory: ResolvedInventory, plan: Plan): Plan {
  const session = sessionCommands(inventory, linesByDevice(plan).keys());
  return Object.keys(session).length ? { ...plan, session } : plan;
}

export class Network implements ShowPort, ConfigPort {
  private readonly inventory: ResolvedInventory;
  private readonly options: NetworkOptions;
  private readonly sessions = new Map<string, Promise<Session>>();
  private readonly limit: ReturnType<typeof pLimit>;
  /** Devices with a commit-confirmed change pending, to confirm in finish(). */
  private readonly pendingConfirm = new Set<string>();
  private readonly changed = new Set<string>();

  constructor(inventory: ResolvedInventory, options: NetworkOptions = {}) {
    this.inventory = inventory;
    this.options = options;
    this.limit = pLimit(Math.max(1, inventory.ssh.maxConcurrent));
  }

  private device(name: string): ResolvedDevice {
    const device = this.inventory.device(name);
    if (!device)
      throw new ValidationError(`device ${name} is not in the inventory`, { code: 'E_UNKNOWN_DEVICE' });
    return device;
  }

  /** The open session to a device, connecting (again) when there is none or it dropped. */
  async session(name: string): Promise<Session> {
    const existing = this.sessions.get(name);
    if (existing) {
      const s = await existing.catch(() => undefined);
      if (s?.isOpen) return s;
      this.sessions.delete(name);
    }
    const device = this.device(name);
    const opening = (this.options.connect ?? connect)(connectionParamsFor(device));
    this.sessions.set(name, opening);
    opening.catch(() => this.sessions.delete(name));
    return opening;
  }

  async show(device: string, command: string): Promise<string> {
    return this.limit(async () => {
      const r = await (await this.session(device)).send(command);
      if (r.failed) throw new CommandRejectedError(device, r, [r]);
      return r.output;
    });
  }

  private revertMinutes(name: string): number | undefined {
    const d = this.device(name);
    if (!d.commitConfirmed || this.pendingConfirm.has(name)) return undefined;
    return d.commitConfirmedMinutes;
  }

  async configure(device: string, lines: string[]): Promise<void> {
    await this.limit(async () => {
      const session = await this.session(device);
      const minutes = this.revertMinutes(device);
      this.changed.add(device);
      this.options.onConfig?.(device, lines);
      const result = await session.sendConfig(
        lines,
        minutes === undefined ? {} : { revertTimerMinutes: minutes },
      );
      if (minutes !== undefined) this.pendingConfirm.add(device);
      result.assertOk();
    });
  }

  async configureLenient(device: string, lines: string[]): Promise<string[]> {
    return this.limit(async () => {
      const session = await this.session(device);
      this.changed.add(device);
      this.options.onConfig?.(device, lines);
      const result = await session.sendConfig(lines, { stopOnFailed: false });
      return result.responses.filter((r) => r.failed).map((r) => r.input);
    });
  }

  /** Keeps commit-confirmed changes and saves where the inventory asks for it. */
  async finish(): Promise<void> {
    for (const name of this.changed) {
      const session = await this.session(name);
      if (this.pendingConfirm.delete(name)) await session.confirmCommit();
      if (this.device(name).saveConfig) await session.writeMemory();
    }
    this.changed.clear();
  }

  async close(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map(async (p) => (await p.catch(() => undefined))?.close()));
  }
}
