/**
 * Terminal line discipline for one shell: echo, line endings (\r, \n, \r\n as one), backspace,
 * Ctrl-C / Ctrl-Z, hidden password input, `--More--` paging, per-command latency and the
 * line-count / drop faults. Input is processed strictly in order, one line at a time.
 */
import type { CliSession, Ask, Reply } from './session.js';

export interface TerminalIO {
  write(data: string): void;
  /** Closes the SSH connection (not just the channel). */
  close(): void;
}

const MORE = ' --More-- ';
const ERASE_MORE = '\b'.repeat(MORE.length) + ' '.repeat(MORE.length) + '\b'.repeat(MORE.length);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class Terminal {
  private input = '';
  private line = '';
  private skipLf = false;
  private escape = 0;
  private busy = false;
  private closed = false;
  private ask: Ask | undefined;
  private more: string[] | undefined;
  private linesThisSession = 0;

  constructor(
    private readonly session: CliSession,
    private readonly io: TerminalIO,
  ) {}

  start(banner?: string): void {
    if (banner) this.io.write(banner.replace(/\n/g, '\r\n') + '\r\n');
    this.io.write('\r\n' + this.session.prompt());
  }

  data(chunk: string): void {
    if (this.closed) return;
    this.input += chunk;
    this.pump();
  }

  stop(): void {
    this.closed = true;
  }

  private pump(): void {
    while (!this.busy && !this.closed && this.input.length > 0) {
      const ch = this.input[0]!;
      this.input = this.input.slice(1);
      if (this.more) {
        if (ch === '\n' && this.skipLf) {
          this.skipLf = false;
          continue;
        }
        this.skipLf = false;
        this.moreKey(ch);
        continue;
      }
      this.key(ch);
    }
  }

  private key(ch: string): void {
    if (this.escape > 0) {
      // ESC [ ... letter: arrow keys and friends are ignored.
      if (this.escape === 1 && ch !== '[' && ch !== 'O') this.escape = 0;
      else if (/[A-Za-z~]/.test(ch) && this.escape > 1) this.escape = 0;
      else this.escape++;
      return;
    }
    if (ch === '\n' && this.skipLf) {
      this.skipLf = false;
      return;
    }
    this.skipLf = false;
    switch (ch) {
      case '\r':
        this.skipLf = true;
        this.endLine();
        return;
      case '\n':
        this.endLine();
        return;
      case '\x7f':
      case '\b':
        if (this.line.length > 0) {
          this.line = this.line.slice(0, -1);
          if (!this.ask?.secret) this.io.write('\b \b');
        }
        return;
      case '\x1b':
        this.escape = 1;
        return;
      case '\x03': // Ctrl-C
        this.line = '';
        this.ask = undefined;
        if (this.session.inConfig) this.session.setMode('exec');
        this.io.write('^C\r\n' + this.session.prompt());
        return;
      case '\x1a': // Ctrl-Z
        if (this.session.inConfig && !this.ask) {
          this.record('^Z');
          this.line = '';
          this.session.setMode('exec');
          this.io.write('^Z\r\n' + this.session.prompt());
        }
        return;
      case '\x15': // Ctrl-U
        this.line = '';
        return;
      default:
        if (ch < ' ' && ch !== '\t') return;
        this.line += ch;
        if (!this.ask?.secret) this.io.write(ch);
    }
  }

  private record(line: string): boolean {
    const dev = this.session.dev;
    dev.received.push(line);
    this.linesThisSession++;
    const n = dev.faults.dropAfterLines;
    const drop = n !== undefined && this.linesThisSession === n;
    if (drop && dev.faults.once) delete dev.faults.dropAfterLines;
    return drop;
  }

  private endLine(): void {
    const line = this.line;
    this.line = '';
    this.io.write('\r\n');
    this.busy = true;
    void this.handle(line).finally(() => {
      this.busy = false;
      this.pump();
    });
  }

  private async handle(line: string): Promise<void> {
    const ask = this.ask;
    this.ask = undefined;
    let reply: Reply;
    let drop = false;
    if (ask) {
      if (!ask.secret && line.trim() !== '') drop = this.record(line);
      reply = ask.onLine(line);
    } else {
      if (line.trim() !== '') {
        drop = this.record(line);
        const ms = this.session.dev.effectiveLatency;
        if (ms > 0) await sleep(ms);
      }
      if (this.closed) return;
      reply = this.session.execute(line);
    }
    if (drop) {
      this.closed = true;
      this.io.close();
      return;
    }
    this.output(reply);
  }

  private pageSize(): number {
    return this.session.termLength === 0 ? Infinity : Math.max(1, this.session.termLength - 1);
  }

  private pending: Reply | undefined;

  private output(reply: Reply): void {
    const lines = reply.lines ?? [];
    this.pending = reply;
    this.writePage(lines, this.pageSize());
  }

  private writePage(lines: string[], n: number): void {
    const now = lines.slice(0, n);
    const later = lines.slice(n);
    if (now.length) this.io.write(now.map((l) => l + '\r\n').join(''));
    if (later.length) {
      this.more = later;
      this.io.write(MORE);
      return;
    }
    this.more = undefined;
    this.finish();
  }

  private moreKey(ch: string): void {
    const rest = this.more!;
    this.io.write(ERASE_MORE);
    if (ch === ' ') this.writePage(rest, this.pageSize());
    else if (ch === '\r' || ch === '\n') {
      if (ch === '\r') this.skipLf = true;
      this.writePage(rest, 1);
    } else {
      this.more = undefined;
      this.finish();
    }
  }

  private finish(): void {
    const reply = this.pending ?? {};
    this.pending = undefined;
    if (reply.close) {
      this.closed = true;
      this.io.close();
      return;
    }
    if (reply.ask) {
      this.ask = reply.ask;
      this.io.write(reply.ask.prompt);
      return;
    }
    this.io.write(this.session.prompt());
  }
}
