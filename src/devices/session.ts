/**
 * The generic CLI driver (scrapli's network driver): knows modes, prompts and failure strings from
 * a PlatformDefinition, never sockets. `open()` finds the prompt, reaches the default mode
 * (enable with the secret) and sends the on-open lines; `send()` and `sendConfig()` return
 * CommandResponse records; `sendConfig` sends all of a device's lines in this one session, stops at
 * the first failure and always leaves config mode.
 */
import { performance } from 'node:perf_hooks';
import { AuthError, CommandRejectedError, DeviceError, TimeoutError, ValidationError } from '../errors.js';
import type { Channel } from './channel.js';
import { modeByName, modePath, type PlatformDefinition, type PlatformMode } from './platform.js';
import { MultiResponse, type CommandResponse } from './response.js';

export interface SessionOptions {
  device: string;
  commandTimeoutMs: number;
  /** Close the session after this long without a command (0 or undefined: never). */
  idleTimeoutMs?: number;
  /** Needed when the login lands in user EXEC (`>`). Never logged nor put in any response. */
  enableSecret?: string;
  /** Replaces the platform's on-open lines (`[]` sends none, e.g. to see the pager at work). */
  onOpen?: readonly string[];
}

export interface SendOptions {
  timeoutMs?: number;
}

export interface SendConfigOptions extends SendOptions {
  /** Stop at the first failed line (default true). Config mode is left either way. */
  stopOnFailed?: boolean;
  /**
   * Commit-confirmed: enter config with a revert timer of this many minutes; the device rolls the
   * change back unless `confirmCommit()` is called in time. Needs the `archive` feature.
   */
  revertTimerMinutes?: number;
}

type Matched = { kind: 'prompt'; mode: PlatformMode } | { kind: 'confirm'; answer: string };

export class Session {
  readonly platform: PlatformDefinition;
  readonly device: string;
  protected readonly channel: Channel;
  private readonly options: SessionOptions;
  private basePrompt: string | undefined;
  private currentMode: string | undefined;
  private lastPrompt: string | undefined;
  private opened = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private idleClosed = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(platform: PlatformDefinition, channel: Channel, options: SessionOptions) {
    this.platform = platform;
    this.channel = channel;
    this.options = options;
    this.device = options.device;
  }

  /** The mode the device was last seen in (from its prompt). */
  get mode(): string | undefined {
    return this.currentMode;
  }

  /** The last prompt seen, e.g. `sw1(config-if)#`. */
  get prompt(): string | undefined {
    return this.lastPrompt;
  }

  get isOpen(): boolean {
    return this.opened && this.channel.isOpen;
  }

  async open(): Promise<void> {
    if (this.opened) return;
    await this.serial(async () => {
      this.channel.writeLine('');
      const first = await this.channel.readUntil(
        (line) => this.matchPrompt(line),
        this.options.commandTimeoutMs,
        'the first prompt',
      );
      this.notePrompt(first.lastLine, first.match);
      const host = /^[^(>#\s]+/.exec(first.lastLine.trim())?.[0] ?? '';
      this.basePrompt = host.slice(0, this.platform.basePromptLength);
      this.opened = true;
      await this.acquire(this.platform.defaultMode, this.options.commandTimeoutMs);
      for (const line of this.options.onOpen ?? this.platform.onOpen) {
        await this.exchange(line, this.options.commandTimeoutMs);
      }
      this.armIdle();
    });
  }

  /** Sends one command in the default mode (privileged EXEC). Never throws on a failure string. */
  send(command: string, options: SendOptions = {}): Promise<CommandResponse> {
    return this.operation(async (timeoutMs) => {
      await this.acquire(this.platform.defaultMode, timeoutMs);
      return this.exchange(command, timeoutMs);
    }, options);
  }

  /** Sends several commands (default mode), stopping at nothing; check with `assertOk()`. */
  sendCommands(commands: readonly string[], options: SendOptions = {}): Promise<MultiResponse> {
    return this.operation(async (timeoutMs) => {
      await this.acquire(this.platform.defaultMode, timeoutMs);
      const multi = new MultiResponse(this.device);
      for (const c of commands) multi.responses.push(await this.exchange(c, timeoutMs));
      return multi;
    }, options);
  }

  /**
   * Sends configuration lines in one config session. Returns every response; with stopOnFailed
   * (default) nothing after the first failed line is sent. Config mode is always left. Call
   * `assertOk()` on the result to raise CommandRejectedError.
   */
  sendConfig(lines: readonly string[], options: SendConfigOptions = {}): Promise<MultiResponse> {
    return this.operation(async (timeoutMs) => {
      const stopOnFailed = options.stopOnFailed ?? true;
      if (options.revertTimerMinutes === undefined) {
        await this.acquire(this.platform.configMode, timeoutMs);
      } else {
        await this.enterConfigWithRevertTimer(options.revertTimerMinutes, timeoutMs);
      }
      const multi = new MultiResponse(this.device);
      let failure: unknown;
      try {
        for (let i = 0; i < lines.length; i++) {
          const line = lines[i] ?? '';
          let r = await this.exchange(line, timeoutMs);
          if (!r.failed && !this.underConfig(this.currentMode) && i < lines.length - 1) {
            // e.g. a stray `end`: what follows would run as EXEC commands. Never let it.
            r = { ...r, failed: true, failureMatch: 'left configuration mode before the last line' };
            multi.responses.push(r);
            multi.notSent.push(...lines.slice(i + 1));
            break;
          }
          multi.responses.push(r);
          if (r.failed && stopOnFailed) {
            multi.notSent.push(...lines.slice(i + 1));
            break;
          }
        }
      } catch (err) {
        failure = err;
      }
      if (this.channel.isOpen) {
        try {
          await this.acquire(this.platform.defaultMode, timeoutMs);
        } catch (err) {
          failure ??= err;
        }
      }
      if (failure !== undefined) throw failure;
      return multi;
    }, options);
  }

  /** Saves the running config (`write memory`); throws CommandRejectedError unless it reports OK. */
  writeMemory(options: SendOptions = {}): Promise<CommandResponse> {
    return this.operation(async (timeoutMs) => {
      await this.acquire(this.platform.defaultMode, timeoutMs);
      const r = await this.exchange(this.platform.save.command, timeoutMs);
      if (r.failed || !this.platform.save.ok.test(r.output)) {
        const bad = {
          ...r,
          failed: true,
          failureMatch: r.failureMatch ?? `no ${String(this.platform.save.ok.source)}`,
        };
        throw new CommandRejectedError(this.device, bad, [bad], {
          suggestions: ['The running configuration is unchanged but was not saved; check flash/NVRAM space.'],
        });
      }
      return r;
    }, options);
  }

  /** Keeps a commit-confirmed change (`configure confirm`). */
  confirmCommit(options: SendOptions = {}): Promise<CommandResponse> {
    return this.commitCommand('confirm', options);
  }

  /** Rolls a commit-confirmed change back now (`configure revert now`). */
  revertNow(options: SendOptions = {}): Promise<CommandResponse> {
    return this.commitCommand('revertNow', options);
  }

  /** Moves the device to a mode by name (walking the mode graph), entering enable as needed. */
  acquireMode(name: string, options: SendOptions = {}): Promise<void> {
    return this.operation((timeoutMs) => this.acquire(name, timeoutMs), options);
  }

  /** Sends the on-close lines (best effort) and closes the transport. Idempotent. */
  async close(): Promise<void> {
    this.clearIdle();
    if (this.channel.isOpen) {
      try {
        for (const line of this.platform.onClose) this.channel.writeLine(line);
      } catch {
        // the transport is going away anyway
      }
    }
    this.channel.close();
    this.opened = false;
  }

  // ——— internals ———

  private commitCommand(which: 'confirm' | 'revertNow', options: SendOptions): Promise<CommandResponse> {
    return this.operation(async (timeoutMs) => {
      const cc = this.requireCommitConfirm();
      await this.acquire(this.platform.defaultMode, timeoutMs);
      const r = await this.exchange(cc[which], timeoutMs);
      if (cc.nothingPending.test(r.output)) {
        throw new DeviceError(
          'E_NO_PENDING_COMMIT',
          `${this.device} has no commit-confirmed change pending`,
          {
            device: this.device,
            details: { output: r.output },
            suggestions: [
              'The revert timer may already have expired and rolled the change back: check the device.',
            ],
          },
        );
      }
      if (r.failed) throw new CommandRejectedError(this.device, r, [r]);
      return r;
    }, options);
  }

  private requireCommitConfirm(): NonNullable<PlatformDefinition['commitConfirm']> {
    const cc = this.platform.commitConfirm;
    if (cc === undefined) {
      throw new ValidationError(`platform ${this.platform.name} has no commit-confirmed mode`, {
        code: 'E_COMMIT_CONFIRM_UNSUPPORTED',
        device: this.device,
      });
    }
    return cc;
  }

  private async enterConfigWithRevertTimer(minutes: number, timeoutMs: number): Promise<void> {
    const cc = this.requireCommitConfirm();
    if (!Number.isInteger(minutes) || minutes < cc.minMinutes || minutes > cc.maxMinutes) {
      throw new ValidationError(
        `revert timer must be a whole number of minutes from ${cc.minMinutes} to ${cc.maxMinutes}, not ${minutes}`,
        { code: 'E_REVERT_TIMER', device: this.device },
      );
    }
    await this.acquire(this.platform.defaultMode, timeoutMs);
    const r = await this.exchange(cc.enterConfigWithTimer(minutes), timeoutMs);
    const archiveMissing = cc.archiveMissing.some((re) => re.test(r.output));
    if (archiveMissing || r.failed || !this.underConfig(this.currentMode)) {
      if (this.underConfig(this.currentMode)) await this.acquire(this.platform.defaultMode, timeoutMs);
      if (archiveMissing) {
        throw new DeviceError(
          'E_ARCHIVE_MISSING',
          `${this.device} cannot do commit-confirmed: the IOS archive feature is not configured`,
          {
            device: this.device,
            details: { command: r.input, output: r.output },
            suggestions: [
              `Configure the archive on ${this.device} first: ${cc.howToEnable.map((l) => l.trim()).join(' / ')}`,
              'Or turn commit_confirmed off for this device in the inventory.',
            ],
          },
        );
      }
      throw new CommandRejectedError(this.device, { ...r, failed: true }, [r], {
        suggestions: [
          'This IOS version may not support `configure terminal revert timer`; turn commit_confirmed off.',
        ],
      });
    }
  }

  /** Runs one public operation: serialized, not while closed, idle timer paused. */
  private operation<T>(fn: (timeoutMs: number) => Promise<T>, options: SendOptions): Promise<T> {
    return this.serial(async () => {
      if (this.idleClosed) {
        throw new TimeoutError(
          'E_TIMEOUT',
          `the session to ${this.device} was closed after ${this.options.idleTimeoutMs} ms idle`,
          { device: this.device, suggestions: ['Open a new session, or raise ssh.idle_timeout_s.'] },
        );
      }
      if (!this.opened)
        throw new Error(`session to ${this.device} is not open; do you need to call 'open()'?`);
      this.clearIdle();
      try {
        return await fn(options.timeoutMs ?? this.options.commandTimeoutMs);
      } finally {
        this.armIdle();
      }
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private clearIdle(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  private armIdle(): void {
    const ms = this.options.idleTimeoutMs ?? 0;
    if (ms <= 0 || !this.channel.isOpen) return;
    this.idleTimer = setTimeout(() => {
      this.idleClosed = true;
      void this.close();
    }, ms);
    this.idleTimer.unref();
  }

  private underConfig(mode: string | undefined): boolean {
    if (mode === undefined) return false;
    return modePath(this.platform, mode).some((m) => m.name === this.platform.configMode);
  }

  private matchPrompt(line: string): PlatformMode | undefined {
    if (this.basePrompt !== undefined && !line.startsWith(this.basePrompt)) return undefined;
    return this.platform.modes.find((m) => m.pattern.test(line));
  }

  private matchPromptOrConfirm(line: string): Matched | undefined {
    const mode = this.matchPrompt(line);
    if (mode !== undefined) return { kind: 'prompt', mode };
    const c = this.platform.confirmPrompts.find((p) => p.pattern.test(line));
    return c === undefined ? undefined : { kind: 'confirm', answer: c.answer };
  }

  private notePrompt(line: string, mode: PlatformMode): void {
    this.lastPrompt = line.trimEnd();
    this.currentMode = mode.name;
  }

  private failureIn(output: string): string | undefined {
    return this.platform.failureStrings.find((f) => output.includes(f));
  }

  /** Writes one line and reads its echo, the output and the next prompt, answering confirm prompts. */
  private async exchange(input: string, timeoutMs: number): Promise<CommandResponse> {
    const start = performance.now();
    const deadline = start + timeoutMs;
    const left = (): number => Math.max(1, Math.round(deadline - performance.now()));
    this.channel.discard();
    this.channel.writeLine(input);
    await this.channel.readEcho(input, left());
    let output = '';
    for (let answered = 0; ; answered++) {
      const r = await this.channel.readUntil(
        (line) => this.matchPromptOrConfirm(line),
        left(),
        `the prompt after '${input}'`,
      );
      if (r.match.kind === 'prompt') {
        output += r.text.slice(0, r.text.length - r.lastLine.length);
        this.notePrompt(r.lastLine, r.match.mode);
        break;
      }
      output += r.text;
      if (answered >= 5) break; // a device asking again and again: let the timeout/prompt logic decide
      this.channel.writeLine(r.match.answer);
    }
    output = output.replace(/^[ \t]*\n/, '').replace(/\s+$/, '');
    const failureMatch = this.failureIn(output);
    return {
      device: this.device,
      input,
      output,
      elapsedMs: Math.round((performance.now() - start) * 1000) / 1000,
      failed: failureMatch !== undefined,
      ...(failureMatch === undefined ? {} : { failureMatch }),
      prompt: this.lastPrompt ?? '',
    };
  }

  private async acquire(target: string, timeoutMs: number): Promise<void> {
    const targetPath = modePath(this.platform, target);
    for (let step = 0; step < 10; step++) {
      const current = this.currentMode;
      if (current === undefined)
        throw new Error(`session to ${this.device} is not open; do you need to call 'open()'?`);
      if (current === target) return;
      const currentPath = modePath(this.platform, current);
      const onPath = currentPath.every((m, i) => targetPath[i]?.name === m.name);
      if (!onPath) {
        // Go up: straight out of any config depth when the target lies outside config.
        const leave =
          this.underConfig(current) && !this.underConfig(target)
            ? this.platform.leaveConfig
            : modeByName(this.platform, current).exit;
        if (leave === undefined) break;
        await this.exchange(leave, timeoutMs);
        continue;
      }
      const next = targetPath[currentPath.length];
      if (next === undefined || next.enter === undefined) break;
      if (next.enterNeedsSecret) await this.enable(next, timeoutMs);
      else await this.exchange(next.enter, timeoutMs);
    }
    throw new DeviceError(
      'E_MODE',
      `could not bring ${this.device} to ${target} mode (it is in ${this.currentMode ?? 'an unknown mode'} at '${this.lastPrompt ?? ''}')`,
      { device: this.device },
    );
  }

  private async enable(mode: PlatformMode, timeoutMs: number): Promise<void> {
    const enter = mode.enter ?? 'enable';
    const deadline = performance.now() + timeoutMs;
    const left = (): number => Math.max(1, Math.round(deadline - performance.now()));
    type M = Matched | { kind: 'secret' };
    const matcher = (line: string): M | undefined =>
      this.matchPromptOrConfirm(line) ??
      (this.platform.secretPrompt.test(line) ? { kind: 'secret' } : undefined);
    this.channel.discard();
    this.channel.writeLine(enter);
    await this.channel.readEcho(enter, left());
    let r = await this.channel.readUntil(matcher, left(), `the prompt after '${enter}'`);
    if (r.match.kind === 'secret') {
      const secret = this.options.enableSecret;
      if (secret === undefined || secret === '') {
        this.channel.close();
        throw new AuthError('E_AUTH', `${this.device} asks for an enable secret and none is configured`, {
          device: this.device,
          suggestions: ['Set `enable:` (or `enable_file:`) in the credentials this device uses.'],
        });
      }
      this.channel.writeLine(secret, { redacted: true });
      r = await this.channel.readUntil(matcher, left(), 'the prompt after the enable secret');
      // A second secret prompt means the first was wrong: give up without guessing again.
      for (let i = 0; i < 3 && r.match.kind === 'secret'; i++) {
        this.channel.writeLine('', { redacted: true });
        r = await this.channel.readUntil(matcher, left(), 'the prompt after the enable secret');
      }
    }
    if (r.match.kind === 'prompt') this.notePrompt(r.lastLine, r.match.mode);
    if (r.match.kind !== 'prompt' || r.match.mode.name !== mode.name) {
      const said = this.platform.secretRejected.find((s) => r.text.includes(s));
      throw new AuthError(
        'E_AUTH',
        `${this.device} refused the enable secret${said === undefined ? '' : ` (${said})`}`,
        {
          device: this.device,
          details: { stage: 'enable' },
          suggestions: ['Check the enable secret in the credentials this device uses.'],
        },
      );
    }
  }
}
