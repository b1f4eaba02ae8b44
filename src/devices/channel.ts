/**
 * The terminal between bytes and lines (scrapli's channel): writes lines, reads back the echo,
 * reads until the last line satisfies a matcher (a prompt) with a timeout, answers a pager,
 * strips ANSI escapes and backspaces, normalizes CRLF, and keeps secrets out of logs and text.
 */
import { StringDecoder } from 'node:string_decoder';
import { ConnectionLostError, TimeoutError } from '../errors.js';

/** Bytes in, bytes out — what a channel needs from a transport (ssh2 shell, or a test fake). */
export interface Transport {
  write(data: string): void;
  onData(listener: (chunk: Buffer) => void): void;
  /** Called once when the transport is gone; `reason` is set when it failed. */
  onClose(listener: (reason: Error | undefined) => void): void;
  isAlive(): boolean;
  close(): void;
}

export interface ChannelLogEvent {
  device: string;
  direction: 'send' | 'receive';
  text: string;
}
export type ChannelLogger = (event: ChannelLogEvent) => void;

export interface ChannelOptions {
  device: string;
  /** A pager prompt on the last line (`--More--`) and the key that continues. */
  pager?: { pattern: RegExp; answer: string };
  log?: ChannelLogger;
}

export interface ReadResult<T> {
  /** Everything read, up to and including the matched last line. */
  text: string;
  /** The matched last line. */
  lastLine: string;
  /** What the matcher returned. */
  match: T;
}

export const REDACTED = '<redacted>';

// CSI (ESC [ … final), OSC (ESC ] … BEL/ST), and two-character escapes (ESC x).
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[()][A-Za-z0-9]|[@-Z\\-_=>78])/g;
// An escape sequence cut at the end of a chunk: hold it back until the rest arrives.
// eslint-disable-next-line no-control-regex
const ANSI_TAIL = /\x1b(?:\[[0-?]*[ -/]*|\][^\x07\x1b]*|[()])?$/;

/** Strips ANSI escapes, BEL and NUL, and normalizes CRLF / LFCR / lone CR to LF. */
export function normalizeText(text: string): string {
  return (
    text
      .replace(ANSI, '')
      // eslint-disable-next-line no-control-regex
      .replace(/[\x00\x07]/g, '')
      .replace(/\r+\n/g, '\n')
      .replace(/\n\r+/g, '\n')
      .replace(/\r/g, '')
  );
}

/** Appends `text` to `buffer` the way a terminal shows it: a backspace erases within the current line. */
export function applyBackspaces(buffer: string, text: string): string {
  if (!text.includes('\b')) return buffer + text;
  let out = buffer;
  for (const ch of text) {
    if (ch === '\b') {
      if (out.length > 0 && !out.endsWith('\n')) out = out.slice(0, -1);
    } else {
      out += ch;
    }
  }
  return out;
}

export class Channel {
  readonly device: string;
  private readonly transport: Transport;
  private readonly pager: { pattern: RegExp; answer: string } | undefined;
  private readonly log: ChannelLogger | undefined;
  private readonly decoder = new StringDecoder('utf8');
  private readonly secrets = new Set<string>();
  private buffer = '';
  private escapeTail = '';
  private closedReason: Error | undefined;
  private closed = false;
  private wake: (() => void) | undefined;
  private lastSentLine: string | undefined;

  constructor(transport: Transport, options: ChannelOptions) {
    this.transport = transport;
    this.device = options.device;
    this.pager = options.pager;
    this.log = options.log;
    transport.onData((chunk) => this.receive(chunk));
    transport.onClose((reason) => {
      this.closed = true;
      this.closedReason = reason;
      this.wake?.();
    });
  }

  /** The last line written (secrets as `<redacted>`), for error messages. */
  get lastSent(): string | undefined {
    return this.lastSentLine;
  }

  get isOpen(): boolean {
    return !this.closed && this.transport.isAlive();
  }

  /** Writes a line and a newline. `redacted` keeps it out of logs, errors and any later output. */
  writeLine(line: string, options: { redacted?: boolean } = {}): void {
    this.write(line + '\n', options);
    this.lastSentLine = options.redacted === true ? REDACTED : line;
  }

  /** Writes raw text (no newline). */
  write(text: string, options: { redacted?: boolean } = {}): void {
    if (this.closed) throw this.lostError();
    const redacted = options.redacted === true;
    if (redacted) {
      const secret = text.replace(/[\r\n]+$/, '');
      // Very short secrets are not scrubbed from output: that would garble prompts and text.
      if (secret.length >= 4) this.secrets.add(secret);
    }
    this.log?.({ device: this.device, direction: 'send', text: redacted ? REDACTED : text });
    this.transport.write(text);
  }

  /** Drops whatever was received and not yet read (late log lines, stray prompts). */
  discard(): string {
    const dropped = this.buffer;
    this.buffer = '';
    this.logReceived(dropped);
    return dropped;
  }

  /** Reads until `needle` appears (the echo of a line just written); consumes through it. */
  async readEcho(needle: string, timeoutMs: number): Promise<string> {
    const target = normalizeText(needle).trimEnd();
    if (target === '') return '';
    const res = await this.readWhile(
      () => {
        const at = this.buffer.indexOf(target);
        return at < 0 ? undefined : at + target.length;
      },
      timeoutMs,
      `the echo of '${this.lastSentLine ?? needle}'`,
    );
    const consumed = this.buffer.slice(0, res);
    this.buffer = this.buffer.slice(res);
    this.logReceived(consumed);
    return consumed;
  }

  /**
   * Reads until the last (unterminated) line satisfies `matcher`, answering the pager on the way;
   * consumes everything through that line.
   */
  async readUntil<T>(
    matcher: (lastLine: string) => T | undefined,
    timeoutMs: number,
    what: string,
  ): Promise<ReadResult<T>> {
    let found: { match: T; lastLine: string } | undefined;
    await this.readWhile(
      () => {
        const lastLine = this.lastLine();
        if (this.pager !== undefined && this.pager.pattern.test(lastLine)) {
          this.buffer = this.buffer.slice(0, this.buffer.length - lastLine.length);
          this.write(this.pager.answer);
          return undefined;
        }
        const match = matcher(lastLine);
        if (match === undefined) return undefined;
        found = { match, lastLine };
        return true;
      },
      timeoutMs,
      what,
    );
    if (found === undefined) throw new Error('unreachable: readUntil resolved without a match');
    const text = this.buffer;
    this.buffer = '';
    this.logReceived(text);
    return { text, lastLine: found.lastLine, match: found.match };
  }

  /** Closes the transport (idempotent). */
  close(): void {
    const wasOpen = !this.closed;
    this.closed = true;
    this.transport.close();
    if (wasOpen) this.wake?.();
  }

  /** Secrets echoed by a device (even split across chunks) never survive into the buffer. */
  private redact(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join(REDACTED);
    return out;
  }

  private logReceived(text: string): void {
    if (text !== '') this.log?.({ device: this.device, direction: 'receive', text });
  }

  private lastLine(): string {
    return this.buffer.slice(this.buffer.lastIndexOf('\n') + 1);
  }

  private receive(chunk: Buffer): void {
    let text = this.escapeTail + this.decoder.write(chunk);
    const tail = ANSI_TAIL.exec(text);
    this.escapeTail = tail === null ? '' : tail[0];
    if (tail !== null) text = text.slice(0, tail.index);
    this.buffer = this.redact(applyBackspaces(this.buffer, normalizeText(text)));
    this.wake?.();
  }

  private lostError(): ConnectionLostError {
    const last = this.lastSentLine;
    const why = this.closedReason === undefined ? '' : ` (${this.closedReason.message})`;
    return new ConnectionLostError(
      `the connection to ${this.device} was lost${last === undefined ? '' : ` after sending '${last}'`}${why}`,
      {
        device: this.device,
        ...(last === undefined ? {} : { lastLine: last }),
        ...(this.closedReason === undefined ? {} : { cause: this.closedReason }),
        suggestions: [
          'Check the device: lines up to the one named may have been applied.',
          'Compare the running config with the intended change before retrying.',
        ],
      },
    );
  }

  /** Waits until `check` returns a value (checked now and after every chunk), a timeout, or close. */
  private readWhile<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
      };
      const attempt = (): void => {
        let value: T | undefined;
        try {
          value = check();
        } catch (err) {
          finish();
          reject(err);
          return;
        }
        if (value !== undefined) {
          finish();
          resolve(value);
        } else if (this.closed) {
          finish();
          reject(this.lostError());
        }
      };
      const timer = setTimeout(() => {
        finish();
        const last = this.lastSentLine;
        // A timeout closes the session first: the device state is unknown from here on.
        this.close();
        reject(
          new TimeoutError(
            'E_TIMEOUT',
            `${this.device} did not answer within ${timeoutMs} ms (waiting for ${what})`,
            {
              device: this.device,
              details: { timeoutMs, ...(last === undefined ? {} : { lastLine: last }) },
              suggestions: [
                'The session was closed. Check the device is responsive, or raise ssh.command_timeout_s in the inventory.',
              ],
            },
          ),
        );
      }, timeoutMs);
      this.wake = attempt;
      attempt();
    });
  }
}
