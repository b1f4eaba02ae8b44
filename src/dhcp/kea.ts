/**
 * ISC Kea DHCPv4 as a {@link DhcpBackend}.
 *
 * Reservations go through host_cmds (`reservation-add/-del/-get-all`) when the server lists
 * them in `list-commands`; otherwise (Debian's Kea 2.2) through whole-configuration editing:
 * `config-get` → edit `subnet4[i].reservations` → `config-test` → `config-set` → `config-write`
 * → `config-get` again to verify. Writes are serialized per server with a lock file, and the
 * configuration is re-read inside the lock. Leases come from the lease_cmds hook.
 */
import type { DhcpBackend, DhcpChange, DhcpScope, Lease, Reservation } from './backend.js';
import { DhcpBackendError } from '../errors.js';
import { cidrContains, parseCidr, tryParseIp, type IpAddress, type IpRange } from '../values/ip.js';
import { tryParseMac, type Mac } from '../values/mac.js';
import {
  HttpTransport,
  KEA_RESULT,
  UnixSocketTransport,
  type KeaResponse,
  type KeaTransport,
} from './kea-transport.js';
import {
  addReservationToConfig,
  checkAdd,
  checkRemove,
  dhcp4Of,
  ensureGuardedPoolInConfig,
  hasReservation,
  isConflict,
  listReservationsInConfig,
  locateSubnet,
  previewLine,
  removeReservationFromConfig,
  reservationEntry,
  reservationsFromEntries,
  reservedIpsFromEntries,
  subnetLabel,
  type Conflict,
  type EditResult,
  type JsonObject,
} from './kea-config.js';
import { defaultLockDir, withLock } from './kea-lock.js';

export interface KeaBackendOptions {
  /** Inventory name of the server (messages, lock key). */
  readonly name: string;
  /** Unix control socket of kea-dhcp4. One of socketPath, url or transport is required. */
  readonly socketPath?: string;
  /** kea-ctrl-agent URL (`http://127.0.0.1:8000/`), or Kea ≥ 3.1's HTTP control socket. */
  readonly url?: string;
  /** HTTP basic auth; the caller reads them from the environment. Never logged or returned. */
  readonly username?: string;
  readonly password?: string;
  /** With `url`: the service named in each command (`dhcp4`); null for Kea ≥ 3.1's own socket. */
  readonly service?: string | null;
  /** A ready transport (tests, other channels); overrides socketPath/url. */
  readonly transport?: KeaTransport;
  /** Per-command timeout, default 10 s. */
  readonly timeoutMs?: number;
  /** Lock folder, default `os.tmpdir()/highalert-kea-locks`. */
  readonly lockDir?: string;
  /** How long to wait for another writer, default 30 s. */
  readonly lockTimeoutMs?: number;
  /** Age after which a lock is considered abandoned, default 120 s. */
  readonly staleLockMs?: number;
  /** `auto` (ask list-commands), or force one method. Default `auto`. */
  readonly hostCmds?: 'auto' | 'always' | 'never';
  /**
   * host_cmds `operation-target` for writes. Default `primary` (the JSON configuration, persisted
   * with config-write); `alternate` for a hosts database.
   */
  readonly hostCmdsTarget?: 'primary' | 'alternate' | 'all';
}

/** Which commands the server offers, from list-commands. */
export interface KeaCapabilities {
  readonly hostCmds: boolean;
  readonly leaseCmds: boolean;
  readonly commands: readonly string[];
}

/** Tells from a `list-commands` answer whether host_cmds and lease_cmds are loaded. */
export function capabilitiesFrom(commands: readonly string[]): KeaCapabilities {
  const has = (c: string): boolean => commands.includes(c);
  return {
    hostCmds: has('reservation-add') && has('reservation-del') && has('reservation-get-all'),
    leaseCmds: has('lease4-get-by-hw-address') && has('lease4-get-all'),
    commands,
  };
}

/** A DhcpChange that also says whether the server was changed (false: already in that state). */
export interface KeaChange extends DhcpChange {
  readonly changed: boolean;
}

const LEASE_STATES: Record<number, string> = { 0: 'default', 1: 'declined', 2: 'expired-reclaimed' };

export class KeaBackend implements DhcpBackend {
  readonly name: string;
  readonly kind = 'kea' as const;
  readonly #transport: KeaTransport;
  readonly #options: KeaBackendOptions;
  #capabilities: Promise<KeaCapabilities> | undefined;
  /**
   * Set once a reservation change may have reached the server (config-set, reservation-add/-del
   * sent) and not been taken back; while it is false a failure changed nothing. Reservation changes
   * run one at a time (the writer lock), so one flag per backend is enough.
   */
  #mayHaveWritten = false;

  constructor(options: KeaBackendOptions) {
    this.name = options.name;
    // Credentials live only inside the transport.
    this.#options = { ...options, password: undefined, username: undefined };
    if (options.transport) this.#transport = options.transport;
    else if (options.url !== undefined) {
      this.#transport = new HttpTransport(options.url, {
        server: options.name,
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        ...(options.username === undefined ? {} : { username: options.username }),
        ...(options.password === undefined ? {} : { password: options.password }),
        ...(options.service === undefined ? {} : { service: options.service }),
      });
    } else if (options.socketPath !== undefined) {
      this.#transport = new UnixSocketTransport(options.socketPath, {
        server: options.name,
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      });
    } else {
      throw new DhcpBackendError(
        'E_KEA_NO_ENDPOINT',
        `Kea server ${options.name} has neither a control socket nor a URL`,
        {
          device: options.name,
          suggestions: ['Give the server a control socket path or a kea-ctrl-agent URL in the inventory.'],
        },
      );
    }
  }

  /** Where commands go (no secrets). */
  get endpoint(): string {
    return this.#transport.description;
  }

  /** Sends one command; result 0 (and 3 when `allowEmpty`) pass, everything else throws. */
  async command(command: string, args?: Record<string, unknown>, allowEmpty = false): Promise<KeaResponse> {
    const response = await this.#transport.send(command, args);
    if (response.result === KEA_RESULT.SUCCESS) return response;
    if (response.result === KEA_RESULT.EMPTY && allowEmpty) return response;
    throw this.#commandError(command, response);
  }

  #commandError(command: string, response: KeaResponse, extra = ''): DhcpBackendError {
    const text = response.text ?? '(no text)';
    if (response.result === KEA_RESULT.UNSUPPORTED) {
      const hook = command.startsWith('lease')
        ? 'lease_cmds'
        : command.startsWith('reservation')
          ? 'host_cmds'
          : undefined;
      return new DhcpBackendError(
        'E_KEA_UNSUPPORTED',
        `Kea server ${this.name} does not support ${command}: ${text}`,
        {
          device: this.name,
          suggestions: [
            hook
              ? `Load the ${hook} hook library in kea-dhcp4 ("hooks-libraries": [{ "library": ".../libdhcp_${hook}.so" }]).`
              : 'Check the Kea version and loaded hook libraries (list-commands).',
          ],
          details: { command, result: response.result },
        },
      );
    }
    if (response.result === KEA_RESULT.ERROR && /unable to forward command/i.test(text)) {
      return new DhcpBackendError(
        'E_KEA_UNREACHABLE',
        `Kea server ${this.name}: the control agent at ${this.endpoint} cannot reach kea-dhcp4 for ${command}: ${text}`,
        {
          device: this.name,
          suggestions: [
            'Check that kea-dhcp4 is running and that kea-ctrl-agent.conf names its control socket.',
          ],
          details: { command, result: response.result },
        },
      );
    }
    return new DhcpBackendError(
      response.result === KEA_RESULT.EMPTY ? 'E_KEA_EMPTY' : 'E_KEA_COMMAND_FAILED',
      `Kea server ${this.name} refused ${command} (result ${response.result}): ${text}${extra}`,
      { device: this.name, details: { command, result: response.result } },
    );
  }

  #conflictError(c: Conflict, r?: Reservation): DhcpBackendError {
    return new DhcpBackendError(c.code, `Kea server ${this.name}: ${c.message}`, {
      device: this.name,
      suggestions: c.suggestions,
      ...(r ? { details: { mac: r.mac, ip: r.ip, subnet: r.scope.subnet } } : {}),
    });
  }

  /** Asks list-commands once; host_cmds is used when it offers reservation-add/-del/-get-all. */
  capabilities(): Promise<KeaCapabilities> {
    this.#capabilities ??= this.command('list-commands').then(
      (res) =>
        capabilitiesFrom(
          Array.isArray(res.arguments) ? res.arguments.filter((c) => typeof c === 'string') : [],
        ),
      (err: unknown) => {
        this.#capabilities = undefined;
        throw err;
      },
    );
    return this.#capabilities;
  }

  async #useHostCmds(): Promise<boolean> {
    const mode = this.#options.hostCmds ?? 'auto';
    if (mode !== 'auto') return mode === 'always';
    return (await this.capabilities()).hostCmds;
  }

  /** The `arguments` of config-get: `{ "Dhcp4": {...} }` (Kea's `hash` dropped). */
  async getConfig(): Promise<JsonObject> {
    const res = await this.command('config-get');
    const dhcp4 = dhcp4Of(res.arguments);
    if (!dhcp4) {
      throw new DhcpBackendError(
        'E_KEA_PROTOCOL',
        `Kea server ${this.name}: config-get returned no "Dhcp4" configuration`,
        {
          device: this.name,
          suggestions: ['Check that the endpoint is a DHCPv4 server (service "dhcp4").'],
        },
      );
    }
    return { Dhcp4: dhcp4 };
  }

  /** config-test → config-set → config-write; restores the old configuration if the write fails. */
  async #applyConfig(oldConfig: JsonObject, newConfig: JsonObject, what: string): Promise<void> {
    const tested = await this.#transport.send('config-test', newConfig);
    if (tested.result !== KEA_RESULT.SUCCESS) {
      throw new DhcpBackendError(
        'E_KEA_CONFIG_REJECTED',
        `Kea server ${this.name} rejected the new configuration (config-test) for ${what}: ${tested.text ?? '(no text)'}; nothing was changed`,
        {
          device: this.name,
          suggestions: [
            'Check the reservation against the subnet and the existing reservations in kea-dhcp4.conf.',
          ],
          details: { command: 'config-test', result: tested.result },
        },
      );
    }
    this.#mayHaveWritten = true;
    const set = await this.#transport.send('config-set', newConfig);
    if (set.result !== KEA_RESULT.SUCCESS) {
      // Kea keeps the old configuration when config-set fails.
      this.#mayHaveWritten = false;
      throw this.#commandError('config-set', set, '; the running configuration was kept');
    }
    const written = await this.#transport.send('config-write');
    if (written.result !== KEA_RESULT.SUCCESS) {
      const restore = await this.#transport.send('config-set', oldConfig).catch((e: unknown) => e);
      const restored = !(restore instanceof Error) && (restore as KeaResponse).result === KEA_RESULT.SUCCESS;
      if (restored) this.#mayHaveWritten = false;
      throw this.#commandError(
        'config-write',
        written,
        restored
          ? '; the previous configuration was set again, nothing changed'
          : '; RESTORING THE PREVIOUS CONFIGURATION FAILED: the running configuration holds the change but the file does not',
      );
    }
  }

  #lock<T>(fn: () => Promise<T>): Promise<T> {
    return withLock(
      this.name,
      {
        dir: this.#options.lockDir ?? defaultLockDir(),
        server: this.name,
        ...(this.#options.lockTimeoutMs === undefined ? {} : { timeoutMs: this.#options.lockTimeoutMs }),
        ...(this.#options.staleLockMs === undefined ? {} : { staleMs: this.#options.staleLockMs }),
      },
      fn,
    );
  }

  async #locate(scope: DhcpScope): Promise<{ id: number; text: string; config: JsonObject }> {
    const config = await this.getConfig();
    const loc = locateSubnet(config, scope);
    if (isConflict(loc)) throw this.#conflictError(loc);
    if (loc.id === undefined) {
      throw new DhcpBackendError(
        'E_KEA_SUBNET_NO_ID',
        `Kea server ${this.name}: subnet ${loc.text} has no id`,
        {
          device: this.name,
          suggestions: ['Give the subnet an "id" in kea-dhcp4.conf.'],
        },
      );
    }
    return { id: loc.id, text: loc.text, config };
  }

  async #hostEntries(subnetId: number): Promise<unknown[]> {
    const res = await this.command('reservation-get-all', { 'subnet-id': subnetId }, true);
    const args = res.arguments;
    return typeof args === 'object' && args !== null && Array.isArray((args as JsonObject).hosts)
      ? ((args as JsonObject).hosts as unknown[])
      : [];
  }

  async listReservations(scope: DhcpScope): Promise<Reservation[]> {
    if (await this.#useHostCmds()) {
      const loc = await this.#locate(scope);
      return reservationsFromEntries(await this.#hostEntries(loc.id), scope);
    }
    const list = listReservationsInConfig(await this.getConfig(), scope);
    if (isConflict(list)) throw this.#conflictError(list);
    return list;
  }

  /** Every reserved address of the scope's subnet, also those of client-id/DUID/… reservations. */
  async reservedAddresses(scope: DhcpScope): Promise<IpAddress[]> {
    if (await this.#useHostCmds()) {
      const loc = await this.#locate(scope);
      return reservedIpsFromEntries(await this.#hostEntries(loc.id));
    }
    const loc = locateSubnet(await this.getConfig(), scope);
    if (isConflict(loc)) throw this.#conflictError(loc);
    return reservedIpsFromEntries(loc.subnet.reservations);
  }

  #toLease(v: unknown): Lease | undefined {
    if (typeof v !== 'object' || v === null) return undefined;
    const o = v as JsonObject;
    const mac = typeof o['hw-address'] === 'string' ? tryParseMac(o['hw-address']) : undefined;
    const ip = typeof o['ip-address'] === 'string' ? tryParseIp(o['ip-address']) : undefined;
    if (mac === undefined || ip === undefined) return undefined;
    const cltt = typeof o.cltt === 'number' ? o.cltt : undefined;
    const lft = typeof o['valid-lft'] === 'number' ? o['valid-lft'] : undefined;
    const state = typeof o.state === 'number' ? (LEASE_STATES[o.state] ?? String(o.state)) : undefined;
    return {
      mac,
      ip,
      ...(cltt !== undefined && lft !== undefined && lft !== 0xffffffff ? { expiresAt: cltt + lft } : {}),
      ...(state === undefined ? {} : { state }),
    };
  }

  #leasesFrom(res: KeaResponse, scope: DhcpScope): Lease[] {
    const args = res.arguments;
    const raw =
      typeof args === 'object' && args !== null && Array.isArray((args as JsonObject).leases)
        ? ((args as JsonObject).leases as unknown[])
        : [];
    const cidr = parseCidr(scope.subnet);
    const out: Lease[] = [];
    for (const item of raw) {
      const lease = this.#toLease(item);
      if (!lease) continue;
      const sid = (item as JsonObject)['subnet-id'];
      const inScope =
        scope.subnetId !== undefined && typeof sid === 'number'
          ? sid === scope.subnetId
          : cidrContains(cidr, lease.ip);
      if (inScope) out.push(lease);
    }
    return out;
  }

  async listLeases(scope: DhcpScope): Promise<Lease[]> {
    const res =
      scope.subnetId === undefined
        ? await this.command('lease4-get-all', undefined, true)
        : await this.command('lease4-get-all', { subnets: [scope.subnetId] }, true);
    return this.#leasesFrom(res, scope);
  }

  async leaseForMac(mac: Mac, scope: DhcpScope): Promise<Lease | undefined> {
    const res = await this.command('lease4-get-by-hw-address', { 'hw-address': mac }, true);
    const leases = this.#leasesFrom(res, scope).filter((l) => l.mac === mac);
    // The live lease first (state default), then the one expiring last.
    leases.sort(
      (a, b) =>
        Number(b.state === 'default') - Number(a.state === 'default') ||
        (b.expiresAt ?? Infinity) - (a.expiresAt ?? Infinity),
    );
    return leases[0];
  }

  previewAdd(r: Reservation): DhcpChange {
    return { server: this.name, action: 'add', reservation: r, preview: [previewLine('add', r)] };
  }

  previewRemove(r: Reservation): DhcpChange {
    return { server: this.name, action: 'remove', reservation: r, preview: [previewLine('remove', r)] };
  }

  #change(
    action: 'add' | 'remove',
    r: Reservation,
    changed: boolean,
    id: number | undefined,
    text: string,
  ): KeaChange {
    const line = previewLine(action, r, id, text);
    return {
      server: this.name,
      action,
      reservation: r,
      changed,
      preview: [
        changed
          ? line
          : `= ${subnetLabel(id, text)} reservation ${r.mac} → ${r.ip} ${action === 'add' ? 'already present' : 'not present'}; nothing changed`,
      ],
    };
  }

  async addReservation(r: Reservation): Promise<KeaChange> {
    return this.#lock(() =>
      this.#markUnchanged(async () =>
        (await this.#useHostCmds()) ? this.#addHostCmds(r) : this.#editConfig('add', r),
      ),
    );
  }

  async removeReservation(r: Reservation): Promise<KeaChange> {
    return this.#lock(() =>
      this.#markUnchanged(async () =>
        (await this.#useHostCmds()) ? this.#removeHostCmds(r) : this.#editConfig('remove', r),
      ),
    );
  }

  /**
   * Runs a reservation change. A failure before anything could have been written (unreachable,
   * refused by config-test, a conflict, or a write Kea refused or that was taken back) is marked
   * `details.changed: false`, so that a rollback knows there is nothing to undo on this server.
   */
  async #markUnchanged<T>(fn: () => Promise<T>): Promise<T> {
    this.#mayHaveWritten = false;
    try {
      return await fn();
    } catch (err) {
      if (this.#mayHaveWritten || !(err instanceof DhcpBackendError)) throw err;
      throw new DhcpBackendError(err.code, err.message, {
        ...(err.device === undefined ? {} : { device: err.device }),
        suggestions: err.suggestions,
        details: { ...err.details, changed: false },
        cause: err,
      });
    } finally {
      this.#mayHaveWritten = false;
    }
  }

  async #editConfig(action: 'add' | 'remove', r: Reservation): Promise<KeaChange> {
    const before = await this.getConfig();
    const edit: EditResult | Conflict =
      action === 'add' ? addReservationToConfig(before, r) : removeReservationFromConfig(before, r);
    if (isConflict(edit)) throw this.#conflictError(edit, r);
    if (!edit.changed) return this.#change(action, r, false, edit.subnetId, edit.subnetText);
    await this.#applyConfig(
      before,
      edit.config,
      `${action === 'add' ? 'adding' : 'removing'} ${r.mac} → ${r.ip}`,
    );
    const after = await this.getConfig();
    if (hasReservation(after, r) !== (action === 'add')) {
      throw new DhcpBackendError(
        'E_KEA_VERIFY',
        `Kea server ${this.name}: after config-set the reservation ${r.mac} → ${r.ip} is ${action === 'add' ? 'missing' : 'still there'} (config-get)`,
        {
          device: this.name,
          suggestions: ['Another tool may have changed the configuration at the same time; run again.'],
        },
      );
    }
    return this.#change(action, r, true, edit.subnetId, edit.subnetText);
  }

  #target(): string {
    return this.#options.hostCmdsTarget ?? 'primary';
  }

  /**
   * Persists a host_cmds change made in the JSON configuration (config-write). If that fails,
   * `undo` takes the change back out of the running configuration, so memory and file agree.
   */
  async #persistIfPrimary(undo: () => Promise<KeaResponse>): Promise<void> {
    if (this.#target() === 'alternate') return;
    const written = await this.#transport.send('config-write');
    if (written.result === KEA_RESULT.SUCCESS) return;
    const undone = await undo().catch((e: unknown) => e);
    const ok = !(undone instanceof Error) && (undone as KeaResponse).result === KEA_RESULT.SUCCESS;
    if (ok) this.#mayHaveWritten = false;
    throw this.#commandError(
      'config-write',
      written,
      ok
        ? '; the change was taken back, nothing changed'
        : '; TAKING THE CHANGE BACK FAILED: the running configuration holds it but the file does not',
    );
  }

  #delArgs(subnetId: number, r: Reservation): Record<string, unknown> {
    return {
      'subnet-id': subnetId,
      'identifier-type': 'hw-address',
      identifier: r.mac,
      'operation-target': this.#target(),
    };
  }

  async #addHostCmds(r: Reservation): Promise<KeaChange> {
    const loc = await this.#locate(r.scope);
    const check = checkAdd(await this.#hostEntries(loc.id), r, loc.text);
    if (!check.ok) throw this.#conflictError(check, r);
    if (check.present) return this.#change('add', r, false, loc.id, loc.text);
    this.#mayHaveWritten = true;
    await this.command('reservation-add', {
      reservation: { 'subnet-id': loc.id, ...reservationEntry(r) },
      'operation-target': this.#target(),
    });
    await this.#persistIfPrimary(() => this.#transport.send('reservation-del', this.#delArgs(loc.id, r)));
    const verify = checkAdd(await this.#hostEntries(loc.id), r, loc.text);
    if (!verify.ok || !verify.present) {
      throw new DhcpBackendError(
        'E_KEA_VERIFY',
        `Kea server ${this.name}: reservation ${r.mac} → ${r.ip} is missing after reservation-add`,
        {
          device: this.name,
        },
      );
    }
    return this.#change('add', r, true, loc.id, loc.text);
  }

  async #removeHostCmds(r: Reservation): Promise<KeaChange> {
    const loc = await this.#locate(r.scope);
    const check = checkRemove(await this.#hostEntries(loc.id), r, loc.text);
    if (!check.ok) throw this.#conflictError(check, r);
    if (!check.present) return this.#change('remove', r, false, loc.id, loc.text);
    this.#mayHaveWritten = true;
    await this.command('reservation-del', this.#delArgs(loc.id, r));
    await this.#persistIfPrimary(() =>
      this.#transport.send('reservation-add', {
        reservation: { 'subnet-id': loc.id, ...reservationEntry(r) },
        'operation-target': this.#target(),
      }),
    );
    const verify = checkRemove(await this.#hostEntries(loc.id), r, loc.text);
    if (!verify.ok || verify.present) {
      throw new DhcpBackendError(
        'E_KEA_VERIFY',
        `Kea server ${this.name}: reservation ${r.mac} → ${r.ip} is still there after reservation-del`,
        {
          device: this.name,
        },
      );
    }
    return this.#change('remove', r, true, loc.id, loc.text);
  }

  /**
   * Makes the High-Alert range a guarded pool of the scope's subnet (see
   * {@link ensureGuardedPoolInConfig}); always by configuration editing. Returns whether it
   * changed anything.
   */
  async ensureGuardedPool(
    scope: DhcpScope,
    range: IpRange,
  ): Promise<{ changed: boolean; preview: string[] }> {
    return this.#lock(async () => {
      const before = await this.getConfig();
      const edit = ensureGuardedPoolInConfig(before, scope, range);
      if (isConflict(edit)) throw this.#conflictError(edit);
      const label = subnetLabel(edit.subnetId, edit.subnetText);
      if (!edit.changed)
        return {
          changed: false,
          preview: [
            `= ${label} High-Alert pool ${range.first} - ${range.last} already guarded; nothing changed`,
          ],
        };
      await this.#applyConfig(
        before,
        edit.config,
        `guarding the High-Alert pool ${range.first} - ${range.last}`,
      );
      const after = await this.getConfig();
      const again = ensureGuardedPoolInConfig(after, scope, range);
      if (isConflict(again) || again.changed) {
        throw new DhcpBackendError(
          'E_KEA_VERIFY',
          `Kea server ${this.name}: the guarded pool is not in the configuration after config-set`,
          {
            device: this.name,
          },
        );
      }
      return {
        changed: true,
        preview: [
          `+ ${label} pool { "pool": "${range.first} - ${range.last}", "client-class": "HIGH_ALERT_NEVER_DYNAMIC" }, authoritative`,
        ],
      };
    });
  }

  async close(): Promise<void> {
    await this.#transport.close();
  }
}
