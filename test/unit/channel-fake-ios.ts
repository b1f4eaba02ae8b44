/**
 * A scripted IOS-like terminal behind the Transport interface, for channel/session unit tests
 * (the real SSH lab is exercised by test/integration/session*.test.ts). Output is cut into small
 * chunks delivered asynchronously so that reassembly across chunk borders is always exercised.
 */
import type { Transport } from '../../src/devices/channel.js';

export interface FakeIosOptions {
  hostname?: string;
  startInExec?: boolean;
  enableSecret?: string;
  archive?: boolean;
  /** Bytes per delivered chunk (default 7). */
  chunk?: number;
  /** Colour the prompt with ANSI escapes. */
  ansi?: boolean;
  /** Lines per page before `--More--` (0: no pager) — until `terminal length 0`. */
  pageLength?: number;
  /** Close the connection after this many config lines. */
  dropAfterConfigLines?: number;
}

type Mode = 'exec' | 'priv' | 'config' | 'config-if' | 'config-ext-nacl' | 'dhcp-config';

export class FakeIos implements Transport {
  readonly written: string[] = [];
  hostname: string;
  private mode: Mode;
  private readonly opts: FakeIosOptions;
  private dataListeners: ((b: Buffer) => void)[] = [];
  private closeListeners: ((r: Error | undefined) => void)[] = [];
  private alive = true;
  private inbuf = '';
  private waiting: ((line: string) => void) | undefined;
  private pendingMore: (() => void) | undefined;
  private pageLength: number;
  private outQueue: string[] = [];
  private flushing = false;
  private configLines = 0;
  private secretTries = 0;
  revertPending = false;
  closedByClient = false;

  constructor(opts: FakeIosOptions = {}) {
    this.opts = opts;
    this.hostname = opts.hostname ?? 'sw1';
    this.mode = opts.startInExec === true ? 'exec' : 'priv';
    this.pageLength = opts.pageLength ?? 0;
    setImmediate(() => this.emit('\r\n' + this.prompt()));
  }

  // Transport
  write(data: string): void {
    if (!this.alive) return;
    this.written.push(data);
    for (const ch of data) {
      if (this.pendingMore !== undefined) {
        const go = this.pendingMore;
        this.pendingMore = undefined;
        go();
        continue;
      }
      if (ch === '\n') {
        const line = this.inbuf;
        this.inbuf = '';
        this.onLine(line);
      } else {
        this.inbuf += ch;
      }
    }
  }
  onData(l: (b: Buffer) => void): void {
    this.dataListeners.push(l);
  }
  onClose(l: (r: Error | undefined) => void): void {
    this.closeListeners.push(l);
  }
  isAlive(): boolean {
    return this.alive;
  }
  close(): void {
    this.closedByClient = true;
    this.drop();
  }

  drop(reason?: Error): void {
    if (!this.alive) return;
    this.alive = false;
    for (const l of this.closeListeners) l(reason);
  }

  get currentMode(): Mode {
    return this.mode;
  }

  prompt(): string {
    const host = this.mode === 'exec' || this.mode === 'priv' ? this.hostname : this.hostname.slice(0, 20);
    const p =
      this.mode === 'exec'
        ? `${host}>`
        : this.mode === 'priv'
          ? `${host}#`
          : `${host}(${this.mode === 'config' ? 'config' : this.mode})#`;
    return this.opts.ansi === true ? `\x1b[1;32m${p}\x1b[0m` : p;
  }

  private emit(text: string): void {
    this.outQueue.push(text);
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    const size = this.opts.chunk ?? 7;
    const all = Buffer.from(this.outQueue.join(''), 'utf8');
    this.outQueue = [];
    let i = 0;
    const step = (): void => {
      if (!this.alive) return;
      if (i >= all.length) {
        this.flushing = false;
        if (this.outQueue.length > 0) {
          this.flushing = true;
          setImmediate(() => this.flush());
        }
        return;
      }
      const part = all.subarray(i, i + size);
      i += size;
      for (const l of this.dataListeners) l(Buffer.from(part));
      setImmediate(step);
    };
    step();
  }

  private reply(text: string): void {
    this.emit((text === '' ? '' : text.replace(/\n/g, '\r\n') + '\r\n') + this.prompt());
  }

  private paged(lines: string[]): void {
    if (this.pageLength <= 0) {
      this.reply(lines.join('\n'));
      return;
    }
    const page = (from: number): void => {
      const chunk = lines.slice(from, from + this.pageLength);
      const next = from + this.pageLength;
      if (next >= lines.length) {
        this.emit(chunk.join('\r\n') + '\r\n' + this.prompt());
        return;
      }
      this.emit(chunk.join('\r\n') + '\r\n --More-- ');
      this.pendingMore = () => {
        this.emit('\b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\b');
        page(next);
      };
    };
    page(0);
  }

  private onLine(raw: string): void {
    const line = raw.replace(/\r$/, '');
    if (this.waiting !== undefined) {
      const w = this.waiting;
      this.waiting = undefined;
      w(line);
      return;
    }
    const inConfig = this.mode !== 'exec' && this.mode !== 'priv';
    // echo
    this.emit(line + '\r\n');
    const cmd = line.trim();
    if (cmd === '') return this.emit(this.prompt());
    if (inConfig) {
      this.configLines++;
      if (this.opts.dropAfterConfigLines !== undefined && this.configLines > this.opts.dropAfterConfigLines) {
        setImmediate(() => this.drop(new Error('Connection reset by peer')));
        return;
      }
    }
    if (cmd === 'hang') return; // never answers
    if (cmd === 'enable') {
      if (this.mode !== 'exec') return this.reply('');
      this.secretTries = 0;
      const ask = (): void => {
        this.emit('Password: ');
        this.waiting = (secret) => {
          this.emit('\r\n');
          if (secret === (this.opts.enableSecret ?? 'lab-enable')) {
            this.mode = 'priv';
            this.emit(this.prompt());
          } else if (++this.secretTries >= 3) {
            this.reply('% Bad secrets\n');
          } else ask();
        };
      };
      return ask();
    }
    if (cmd === 'disable') {
      this.mode = 'exec';
      return this.reply('');
    }
    if (cmd === 'terminal length 0') {
      this.pageLength = 0;
      return this.reply('');
    }
    if (cmd.startsWith('terminal width')) return this.reply('');
    if (cmd === 'show long') {
      return this.paged(Array.from({ length: 60 }, (_, i) => `line ${i + 1} of the long output`));
    }
    if (cmd === 'write memory') return this.reply('Building configuration...\n[OK]');
    if (cmd === 'copy running-config startup-config') {
      this.emit('Destination filename [startup-config]? ');
      this.waiting = () => this.reply('\nBuilding configuration...\n[OK]');
      return;
    }
    if (cmd === 'clear counters') {
      this.emit('Clear "show interface" counters on all interfaces [confirm]');
      this.waiting = () => this.reply('');
      return;
    }
    if (cmd === 'configure confirm') {
      if (!this.revertPending) return this.reply('%No Rollback Confirmed Change pending');
      this.revertPending = false;
      return this.reply('');
    }
    const revert = /^configure terminal revert timer (\d+)$/.exec(cmd);
    if (revert !== null && this.mode === 'priv') {
      if (this.opts.archive !== true)
        return this.reply(' Archive feature not enabled\n% Error caught by command handler');
      this.revertPending = true;
      this.mode = 'config';
      return this.reply(
        'Rollback Confirmed Change: Backing up current running config to flash:archive-1\n\nEnter configuration commands, one per line.  End with CNTL/Z.',
      );
    }
    if (cmd === 'configure terminal' && this.mode === 'priv') {
      this.mode = 'config';
      return this.reply('Enter configuration commands, one per line.  End with CNTL/Z.');
    }
    if (cmd === 'end' && inConfig) {
      this.mode = 'priv';
      return this.reply('');
    }
    if (cmd === 'exit') {
      if (this.mode === 'config') this.mode = 'priv';
      else if (inConfig) this.mode = 'config';
      else return this.drop();
      return this.reply('');
    }
    if (inConfig) {
      if (/^interface \S+/.test(cmd)) {
        this.mode = 'config-if';
        return this.reply('');
      }
      if (/^ip access-list extended \S+$/.test(cmd)) {
        this.mode = 'config-ext-nacl';
        return this.reply('');
      }
      if (/^ip dhcp pool \S+$/.test(cmd)) {
        this.mode = 'dhcp-config';
        return this.reply('');
      }
      const failures: Record<string, string> = {
        'ip adress 1.1.1.1': "           ^\n% Invalid input detected at '^' marker.\n",
        logging: '% Incomplete command.\n',
        a: '% Ambiguous command:  "a"',
        'do shwo run': '% Unknown command or computer name, or unable to find computer address',
        'aaa forbidden': 'Command authorization failed.',
        'boot system flash:nope': '%Error opening flash:nope (No such file or directory)',
        '10 permit ip any any': 'Duplicate sequence number.',
      };
      const f = failures[cmd];
      if (f !== undefined) return this.reply(f);
      return this.reply('');
    }
    if (cmd.startsWith('show ')) return this.reply(`output of ${cmd}`);
    return this.reply(`% Unknown command or computer name, or unable to find computer address`);
  }
}
