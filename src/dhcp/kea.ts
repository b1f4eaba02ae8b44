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
  guardedPoolEntry,
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

function toError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

function isSuccess(r: unknown): r is KeaResponse {
  return !(r instanceof Error) && (r as KeaResponse | undefined)?.result === KEA_RESULT.SUCCESS;
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

  #commandError(
    command: string,
    response: KeaResponse,
    extra = '',
    details: Record<string, unknown> = {},
  ): DhcpBackendError {
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
          details: { command, result: response.result, ...details },
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
          details: { command, result: response.result, ...details },
        },
      );
    }
    return new DhcpBackendError(
      response.result === KEA_RESULT.EMPTY ? 'E_KEA_EMPTY' : 'E_KEA_COMMAND_FAILED',
      `Kea server ${this.name} refused ${command} (result ${response.result}): ${text}${extra}`,
      { device: this.name, details: { command, result: response.result, ...details } },
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
    const written = await this.#send('config-write');
    if (!isSuccess(written)) {
      await this.#writeFailed(written, () => this.#transport.send('config-set', oldConfig), {
        undone: 'the previous configuration was set again',
        failed: 'RESTORING THE PREVIOUS CONFIGURATION FAILED',
      });
    }
  }

  /** Sends a command; a transport failure (timeout, connection reset, …) is returned, not thrown. */
  #send(command: string, args?: Record<string, unknown>): Promise<KeaResponse | Error> {
    return this.#transport.send(command, args).catch(toError);
  }

  /**
   * config-write failed after a change reached the running configuration, either with an error
   * result or at the transport level (`failure` is then the Error). `undo` takes the change back
   * out of the running configuration. After a transport failure Kea may have written the file all
   * the same, so the restored configuration is written again. Always throws: `details.changed` is
   * false when memory and file are both back as before, true when the running configuration still
   * holds the change, and absent when that is not known (the file may hold it).
   */
  async #writeFailed(
    failure: KeaResponse | Error,
    undo: () => Promise<KeaResponse>,
    words: { undone: string; failed: string },
  ): Promise<never> {
    const undone = isSuccess(await undo().catch(toError));
    const lost = failure instanceof Error;
    const persisted = undone && (!lost || isSuccess(await this.#send('config-write')));
    if (persisted) this.#mayHaveWritten = false;
    const tail = !undone
      ? `; ${words.failed}: the running configuration holds the change but the file ${lost ? 'may not' : 'does not'}`
      : persisted
        ? `; ${words.undone}${lost ? ' and written' : ''}, nothing changed`
        : `; ${words.undone}, but writing it to the file failed too: the file may still hold the change`;
    const changed = !undone ? { changed: true } : persisted ? { changed: false } : {};
    if (!lost) throw this.#commandError('config-write', failure, tail, changed);
    const base = failure instanceof DhcpBackendError ? failure : undefined;
    throw new DhcpBackendError(
      base?.code ?? 'E_KEA_UNREACHABLE',
      `${base ? failure.message : `Kea server ${this.name}: config-write failed: ${failure.message}`}${tail}`,
      {
        device: this.name,
        suggestions: base?.suggestions ?? [],
        details: { ...base?.details, command: 'config-write', ...changed },
        cause: failure,
      },
    );
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
    const written = await this.#send('config-write');
    if (isSuccess(written)) return;
    await this.#writeFailed(written, undo, {
      undone: 'the change was taken back',
      failed: 'TAKING THE CHANGE BACK FAILED',
    });
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
          `+ ${label} pool ${JSON.stringify(guardedPoolEntry(edit.config, range), null, 1).replace(/\n\s*/g, ' ')}, authoritative`,
        ],
      };
    });
  }

  async close(): Promise<void> {
    await this.#transport.close();
  }
}
