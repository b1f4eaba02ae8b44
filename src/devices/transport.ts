/**
 * The SSH transport (ssh2): TCP connect with a timeout and Nagle off, host key checked against a
 * known_hosts file before anything is sent, authentication (agent → publickey → password →
 * keyboard-interactive), keepalive, and an interactive shell exposed as bytes in / bytes out.
 */
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import ssh2 from 'ssh2';
import type {
  AnyAuthMethod,
  AuthenticationType,
  ClientChannel,
  ConnectConfig,
  KeyboardInteractiveCallback,
  ParsedKey,
  Prompt,
} from 'ssh2';
import { AuthError, ConnectError, HostKeyError, TimeoutError } from '../errors.js';
import type { Transport } from './channel.js';
import { fingerprintSha256, keyTypeOf, lookupHostKey, type HostKeyLookup } from './known-hosts.js';

const { Client, utils } = ssh2;

export interface TransportOptions {
  /** Inventory name: used in messages and in the `highalert trust <device>` suggestion. */
  name: string;
  host: string;
  port: number;
  username: string;
  password?: string;
  /** PEM/OpenSSH private key text, or a file to read it from. */
  privateKey?: string | Buffer;
  privateKeyPath?: string;
  passphrase?: string;
  /** true: $SSH_AUTH_SOCK; a string: that agent socket. */
  agent?: boolean | string;
  knownHostsPath: string;
  connectTimeoutMs: number;
  /** SSH keepalive interval (0: off). */
  keepaliveMs: number;
  /** Unanswered keepalives before the connection is declared dead (default 3). */
  keepaliveCountMax?: number;
  /** Terminal size asked for the shell. */
  cols?: number;
  rows?: number;
}

export interface HostKeyInfo {
  keyType: string;
  fingerprint: string;
  key: Buffer;
}

const TRANSIENT_CONNECT = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'EADDRNOTAVAIL',
]);
const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);

export function connectError(
  name: string,
  host: string,
  port: number,
  err: NodeJS.ErrnoException,
): ConnectError {
  const code = err.code ?? '';
  const where = `${host}:${port}`;
  let what = `cannot connect to ${name} (${where}): ${err.message}`;
  const suggestions: string[] = [];
  if (code === 'ECONNREFUSED') {
    what = `${name} refused the connection on ${where}`;
    suggestions.push(
      'Check that SSH is enabled on the device (ip ssh, transport input ssh) and the port is right.',
    );
  } else if (DNS.has(code)) {
    what = `cannot resolve ${host} (device ${name})`;
    suggestions.push('Check the host name in the inventory, or use the management IP address.');
  } else if (TRANSIENT_CONNECT.has(code)) {
    what = `${name} is unreachable at ${where} (${code})`;
    suggestions.push('Check routing/ACLs between this host and the device management address.');
  }
  return new ConnectError('E_CONNECT', what, {
    device: name,
    cause: err,
    details: { host, port, ...(code === '' ? {} : { errno: code }) },
    suggestions,
  });
}

/** Opens a TCP connection with a timeout and Nagle's algorithm off. */
export function connectSocket(
  name: string,
  host: string,
  port: number,
  timeoutMs: number,
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    sock.setNoDelay(true);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(
        new TimeoutError(
          'E_TIMEOUT',
          `connecting to ${name} (${host}:${port}) timed out after ${timeoutMs} ms`,
          {
            device: name,
            details: { phase: 'connect', timeoutMs },
            suggestions: ['Check that the device is up and reachable, or raise ssh.connect_timeout_s.'],
          },
        ),
      );
    }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.removeAllListeners('error');
      resolve(sock);
    });
    sock.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(connectError(name, host, port, err));
    });
  });
}

function hostKeyError(
  opts: { name: string; host: string; port: number },
  info: HostKeyInfo,
  v: HostKeyLookup,
): HostKeyError {
  if (v.status === 'changed') {
    const where = `${v.file}:${v.line}`;
    const msg = v.revoked
      ? `THE HOST KEY OF ${opts.name} (${opts.host}:${opts.port}) IS REVOKED in ${where} — refusing to connect`
      : `THE HOST KEY OF ${opts.name} (${opts.host}:${opts.port}) HAS CHANGED — refusing to connect. ` +
        `It presented ${info.keyType} ${info.fingerprint}; ${where} holds a different ${v.knownKeyType} key. ` +
        `Someone may be intercepting the connection, or the device was replaced or re-keyed.`;
    return new HostKeyError('E_HOSTKEY_CHANGED', msg, {
      device: opts.name,
      details: { file: v.file, line: v.line, fingerprint: info.fingerprint, keyType: info.keyType },
      suggestions: [
        'Verify the new fingerprint out of band (on the device console) before trusting it.',
        `If the change is expected, delete line ${v.line} of ${v.file} and run \`highalert trust ${opts.name}\`.`,
      ],
    });
  }
  return new HostKeyError(
    'E_HOSTKEY_UNKNOWN',
    `the host key of ${opts.name} (${opts.host}:${opts.port}) is not known: ${info.keyType} ${info.fingerprint}`,
    {
      device: opts.name,
      details: { file: v.file, fingerprint: info.fingerprint, keyType: info.keyType },
      suggestions: [`Check the fingerprint on the device, then trust it: \`highalert trust ${opts.name}\``],
    },
  );
}

function hostKeyInfo(key: Buffer): HostKeyInfo {
  return { key: Buffer.from(key), keyType: keyTypeOf(key), fingerprint: fingerprintSha256(key) };
}

/** Builds the ordered auth methods: agent → publickey → password → keyboard-interactive. */
function authMethods(opts: TransportOptions, privateKey: ParsedKey | undefined): AnyAuthMethod[] {
  const methods: AnyAuthMethod[] = [];
  const username = opts.username;
  const agentSock = opts.agent === true ? process.env.SSH_AUTH_SOCK : opts.agent || undefined;
  if (agentSock !== undefined && agentSock !== '')
    methods.push({ type: 'agent', username, agent: agentSock });
  if (privateKey !== undefined) {
    methods.push({
      type: 'publickey',
      username,
      key: privateKey,
    });
  }
  const password = opts.password;
  if (password !== undefined) {
    methods.push({ type: 'password', username, password });
    methods.push({
      type: 'keyboard-interactive',
      username,
      prompt: (
        _name: string,
        _instr: string,
        _lang: string,
        prompts: Prompt[],
        finish: KeyboardInteractiveCallback,
      ) => {
        // Answer password-like prompts only; anything else (OTP, "Continue?") gets an empty answer.
        finish(prompts.map((p) => (/pass(word|code|phrase)?|secret/i.test(p.prompt) ? password : '')));
      },
    });
  }
  return methods;
}

/** An open SSH session with an interactive shell; the bytes side of a Channel. */
export class SshTransport implements Transport {
  readonly name: string;
  readonly hostKey: HostKeyInfo;
  private readonly client: InstanceType<typeof Client>;
  private readonly stream: ClientChannel;
  private alive = true;
  private readonly closeListeners: ((reason: Error | undefined) => void)[] = [];
  private closeReason: Error | undefined;

  private constructor(
    name: string,
    client: InstanceType<typeof Client>,
    stream: ClientChannel,
    hostKey: HostKeyInfo,
  ) {
    this.name = name;
    this.client = client;
    this.stream = stream;
    this.hostKey = hostKey;
    const gone = (reason?: Error): void => {
      if (!this.alive) return;
      this.alive = false;
      this.closeReason ??= reason;
      for (const l of this.closeListeners) l(this.closeReason);
    };
    client.on('error', (err: Error) => gone(err));
    client.on('close', () => gone());
    client.on('end', () => gone());
    stream.on('close', () => gone());
    stream.on('error', (err: Error) => gone(err));
  }

  /** Connects, verifies the host key, authenticates and opens a shell. */
  static async open(opts: TransportOptions): Promise<SshTransport> {
    let privateKey = opts.privateKey;
    if (privateKey === undefined && opts.privateKeyPath !== undefined) {
      try {
        privateKey = await readFile(opts.privateKeyPath);
      } catch (err) {
        throw new AuthError('E_AUTH', `cannot read the private key ${opts.privateKeyPath} for ${opts.name}`, {
          device: opts.name,
          cause: err,
        });
      }
    }
    let parsedKey: ParsedKey | undefined;
    if (privateKey !== undefined) {
      // Parse (and decrypt) once, up front: a wrong passphrase is a clear error, not a failed login.
      const parsed = utils.parseKey(privateKey, opts.passphrase);
      const first = Array.isArray(parsed) ? (parsed[0] as ParsedKey | Error | undefined) : parsed;
      if (first === undefined || first instanceof Error) {
        const why = first instanceof Error ? first.message : 'no key found';
        throw new AuthError(
          'E_AUTH',
          `cannot use the private key${opts.privateKeyPath === undefined ? '' : ` ${opts.privateKeyPath}`} for ${opts.name}: ${why}`,
          { device: opts.name, suggestions: ['Check the key file and its passphrase in the credentials.'] },
        );
      }
      parsedKey = first;
    }
    const methods = authMethods(opts, parsedKey);
    if (methods.length === 0) {
      throw new AuthError(
        'E_AUTH',
        `no credentials for ${opts.name}: give a password, a private key or an agent`,
        {
          device: opts.name,
        },
      );
    }

    const sock = await connectSocket(opts.name, opts.host, opts.port, opts.connectTimeoutMs);
    const client = new Client();
    // ssh2 may emit more than one 'error' (e.g. after we destroy the socket): never let one go unhandled.
    client.on('error', () => undefined);
    let verdict: { info: HostKeyInfo; lookup: HostKeyLookup } | undefined;
    let verifyError: unknown;

    const ready = new Promise<void>((resolve, reject) => {
      const onError = (err: Error & { level?: string }): void => {
        cleanup();
        client.end();
        sock.destroy();
        reject(err);
      };
      const onReady = (): void => {
        cleanup();
        resolve();
      };
      const onClose = (): void => {
        cleanup();
        reject(new Error('connection closed during the SSH handshake'));
      };
      const cleanup = (): void => {
        client.off('error', onError);
        client.off('ready', onReady);
        client.off('close', onClose);
      };
      client.on('error', onError);
      client.on('ready', onReady);
      client.on('close', onClose);
    });

    const queue = [...methods];
    const config: ConnectConfig = {
      sock,
      username: opts.username,
      readyTimeout: opts.connectTimeoutMs,
      keepaliveInterval: opts.keepaliveMs,
      keepaliveCountMax: opts.keepaliveCountMax ?? 3,
      hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
        const info = hostKeyInfo(key);
        lookupHostKey(opts.knownHostsPath, opts.host, opts.port, key).then(
          (lookup) => {
            verdict = { info, lookup };
            verify(lookup.status === 'match');
          },
          (err: unknown) => {
            verifyError = err;
            verify(false);
          },
        );
      },
      authHandler: (authsLeft: AuthenticationType[] | null, _partial: boolean | null, next) => {
        while (queue.length > 0) {
          const m = queue.shift();
          if (m === undefined) break;
          // Agent keys travel as 'publickey' on the wire.
          const wire: AuthenticationType = m.type === 'agent' ? 'publickey' : m.type;
          if (authsLeft === null || authsLeft.length === 0 || authsLeft.includes(wire)) {
            next(m);
            return;
          }
        }
        (next as unknown as (v: false) => void)(false);
      },
    };

    client.connect(config);
    try {
      await ready;
    } catch (e) {
      const err = e as Error & { level?: string };
      if (verifyError !== undefined) {
        throw new HostKeyError(
          'E_HOSTKEY_UNREADABLE',
          `cannot read the known_hosts file ${opts.knownHostsPath}`,
          {
            device: opts.name,
            cause: verifyError,
          },
        );
      }
      if (verdict !== undefined && verdict.lookup.status !== 'match')
        throw hostKeyError(opts, verdict.info, verdict.lookup);
      if (err.level === 'client-authentication') {
        throw new AuthError('E_AUTH', `authentication to ${opts.name} as '${opts.username}' failed`, {
          device: opts.name,
          cause: err,
          details: { methods: methods.map((m) => m.type) },
          suggestions: ['Check the username and password/key in the credentials this device uses.'],
        });
      }
      if (err.level === 'client-timeout') {
        throw new TimeoutError(
          'E_TIMEOUT',
          `the SSH handshake with ${opts.name} timed out after ${opts.connectTimeoutMs} ms`,
          {
            device: opts.name,
            cause: err,
            details: { phase: 'handshake', timeoutMs: opts.connectTimeoutMs },
          },
        );
      }
      const errno = (err as NodeJS.ErrnoException).code;
      if (errno !== undefined) throw connectError(opts.name, opts.host, opts.port, err);
      throw new ConnectError(
        'E_CONNECT',
        `SSH to ${opts.name} (${opts.host}:${opts.port}) failed: ${err.message}`,
        {
          device: opts.name,
          cause: err,
        },
      );
    }
    if (verdict === undefined) {
      client.end();
      throw new HostKeyError('E_HOSTKEY_UNKNOWN', `${opts.name} completed SSH without a host key check`, {
        device: opts.name,
      });
    }

    const stream = await new Promise<ClientChannel>((resolve, reject) => {
      client.shell({ term: 'vt100', cols: opts.cols ?? 511, rows: opts.rows ?? 24 }, (err, ch) => {
        if (err) reject(err);
        else resolve(ch);
      });
    }).catch((err: unknown) => {
      client.end();
      throw new ConnectError('E_CONNECT', `${opts.name} accepted SSH but refused an interactive shell`, {
        device: opts.name,
        cause: err,
      });
    });
    return new SshTransport(opts.name, client, stream, verdict.info);
  }

  write(data: string): void {
    if (!this.alive) return;
    this.stream.write(data);
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.stream.on('data', listener);
    this.stream.stderr.on('data', listener);
  }

  onClose(listener: (reason: Error | undefined) => void): void {
    if (!this.alive) listener(this.closeReason);
    else this.closeListeners.push(listener);
  }

  isAlive(): boolean {
    return this.alive;
  }

  close(): void {
    if (this.alive) {
      this.alive = false;
      for (const l of this.closeListeners) l(undefined);
    }
    try {
      this.stream.end();
    } catch {
      // already gone
    }
    this.client.end();
  }
}

/**
 * Reads a device's host key without authenticating (like ssh-keyscan): the key exchange runs,
 * the key is captured and the connection dropped before any credential is sent.
 */
export async function scanHostKey(opts: {
  name: string;
  host: string;
  port: number;
  connectTimeoutMs: number;
}): Promise<HostKeyInfo> {
  const sock = await connectSocket(opts.name, opts.host, opts.port, opts.connectTimeoutMs);
  const client = new Client();
  return new Promise<HostKeyInfo>((resolve, reject) => {
    let info: HostKeyInfo | undefined;
    const done = (): void => {
      client.end();
      sock.destroy();
      if (info !== undefined) resolve(info);
      else
        reject(
          new ConnectError(
            'E_CONNECT',
            `${opts.name} (${opts.host}:${opts.port}) closed before showing a host key`,
            {
              device: opts.name,
            },
          ),
        );
    };
    client.on('error', (err: Error & { level?: string }) => {
      if (info === undefined && err.level === 'client-timeout') {
        client.end();
        sock.destroy();
        reject(
          new TimeoutError('E_TIMEOUT', `the SSH handshake with ${opts.name} timed out`, {
            device: opts.name,
            cause: err,
          }),
        );
        return;
      }
      done();
    });
    client.on('close', done);
    client.on('ready', done);
    client.connect({
      sock,
      username: 'highalert-keyscan',
      readyTimeout: opts.connectTimeoutMs,
      hostVerifier: (key: Buffer) => {
        info = hostKeyInfo(key);
        return false;
      },
    });
  });
}
