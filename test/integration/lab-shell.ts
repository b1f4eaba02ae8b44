/**
 * A raw ssh2 shell for the lab tests (deliberately not the session helper's class): send bytes,
 * wait for a regex at the end of what the device printed.
 */
import ssh2 from 'ssh2';
import type { ClientChannel } from 'ssh2';

export interface ShellOptions {
  username?: string;
  password?: string;
  pty?: boolean;
  hostVerifier?: (key: Buffer) => boolean;
}

export const PROMPT = /[\w.-]+(\([\w-]+\))?[>#]$/;

export class RawShell {
  buf = '';
  closed = false;
  private waiters: Array<() => void> = [];

  private constructor(
    readonly client: ssh2.Client,
    readonly stream: ClientChannel,
  ) {
    stream.on('data', (d: Buffer) => {
      this.buf += d.toString('latin1');
      this.wake();
    });
    stream.on('close', () => {
      this.closed = true;
      this.wake();
    });
    client.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  static connect(port: number, opts: ShellOptions = {}): Promise<ssh2.Client> {
    return new Promise((resolve, reject) => {
      const c = new ssh2.Client();
      c.on('ready', () => resolve(c));
      c.on('error', reject);
      c.connect({
        host: '127.0.0.1',
        port,
        username: opts.username ?? 'noc',
        password: opts.password ?? 'lab-password',
        readyTimeout: 5000,
        ...(opts.hostVerifier ? { hostVerifier: opts.hostVerifier } : {}),
      });
    });
  }

  static async open(port: number, opts: ShellOptions = {}): Promise<RawShell> {
    const c = await RawShell.connect(port, opts);
    c.on('error', () => undefined);
    const stream = await new Promise<ClientChannel>((resolve, reject) => {
      const cb = (err: Error | undefined, s: ClientChannel): void => (err ? reject(err) : resolve(s));
      if (opts.pty === false) c.shell(false, cb);
      else c.shell({ term: 'vt100', rows: 24, cols: 80 }, cb);
    });
    const sh = new RawShell(c, stream);
    await sh.waitFor(PROMPT);
    sh.buf = '';
    return sh;
  }

  /** Waits until the buffer (with CRs removed) ends with `re`; returns and consumes the buffer. */
  async waitFor(re: RegExp, timeoutMs = 3000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.buf.replace(/\r/g, '');
      if (re.test(text)) {
        this.buf = '';
        return text;
      }
      if (this.closed) throw new Error(`closed while waiting for ${re}; got ${JSON.stringify(text)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timeout waiting for ${re}; got ${JSON.stringify(text)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  send(data: string): void {
    this.stream.write(data);
  }

  /** Sends `line` + CR and returns everything up to and including the next prompt. */
  cmd(line: string, until: RegExp = PROMPT, eol = '\r'): Promise<string> {
    this.send(line + eol);
    return this.waitFor(until);
  }

  /** Output of a command without the echo line and the final prompt. */
  async out(line: string): Promise<string> {
    const t = await this.cmd(line);
    const lines = t.split('\n');
    return lines.slice(1, -1).join('\n');
  }

  async enable(secret = 'lab-enable'): Promise<void> {
    await this.cmd('enable', /Password: $/);
    await this.cmd(secret, /#$/);
  }

  close(): void {
    this.client.end();
  }
}
