/**
 * The two ways to reach a Kea DHCPv4 server's control API:
 *
 * - a unix control socket (`Dhcp4.control-socket`): the bare command object is sent, Kea answers
 *   with one JSON object and closes the connection;
 * - an HTTP URL of `kea-ctrl-agent` (Kea ≤ 3.0) or of the server itself (Kea ≥ 3.1): the command
 *   names the service (`"service": ["dhcp4"]`) and the answer is a JSON array, one item per service.
 *   HTTP basic auth is supported; the password is kept private and never appears in messages.
 *
 * Transports only move JSON. Failures to reach the server become {@link DhcpBackendError}s with
 * stable codes (`E_KEA_UNREACHABLE`, `E_KEA_AUTH`, `E_KEA_TIMEOUT`, `E_KEA_PROTOCOL`); Kea's own
 * result codes are interpreted by the backend.
 */
import net from 'node:net';
import http from 'node:http';
import https from 'node:https';
import { DhcpBackendError } from '../errors.js';

/** One answer from Kea: `result` 0 ok, 1 error, 2 unsupported, 3 empty. */
export interface KeaResponse {
  readonly result: number;
  readonly text?: string;
  readonly arguments?: unknown;
}

export const KEA_RESULT = { SUCCESS: 0, ERROR: 1, UNSUPPORTED: 2, EMPTY: 3 } as const;

export interface KeaTransport {
  /** Where commands go, for messages (never contains a password). */
  readonly description: string;
  send(command: string, args?: Record<string, unknown>): Promise<KeaResponse>;
  close(): Promise<void>;
}

export interface TransportCommonOptions {
  /** Inventory name of the server, used in error messages. */
  readonly server: string;
  /** Per-command timeout. Default 10 s. */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks the shape of one answer object. */
export function toKeaResponse(value: unknown): KeaResponse | undefined {
  if (!isRecord(value) || typeof value.result !== 'number') return undefined;
  return {
    result: value.result,
    ...(typeof value.text === 'string' ? { text: value.text } : {}),
    ...('arguments' in value ? { arguments: value.arguments } : {}),
  };
}

/**
 * Incremental check for "the JSON value is complete": tracks nesting outside strings. Kea closes
 * the socket after its answer, but reading until the value is complete does not depend on that.
 */
export class JsonCompletion {
  #depth = 0;
  #started = false;
  #inString = false;
  #escaped = false;
  #done = false;

  /** Feeds text; returns true once a complete top-level object or array has been seen. */
  push(text: string): boolean {
    for (let i = 0; i < text.length && !this.#done; i++) {
      const c = text[i];
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (c === '\\') this.#escaped = true;
        else if (c === '"') this.#inString = false;
        continue;
      }
      if (c === '"') this.#inString = true;
      else if (c === '{' || c === '[') {
        this.#depth++;
        this.#started = true;
      } else if (c === '}' || c === ']') {
        this.#depth--;
        if (this.#started && this.#depth === 0) this.#done = true;
      }
    }
    return this.#done;
  }

  get done(): boolean {
    return this.#done;
  }
}

function unreachable(
  server: string,
  where: string,
  code: string | undefined,
  detail: string,
): DhcpBackendError {
  const suggestions: string[] = [];
  if (code === 'ENOENT') {
    suggestions.push(
      `Check that kea-dhcp4 is running and that its "control-socket" "socket-name" is ${where}.`,
    );
  } else if (code === 'ECONNREFUSED') {
    suggestions.push(
      where.startsWith('http')
        ? `Check that kea-ctrl-agent (or Kea ≥ 3.1's HTTP control socket) is running and listening on ${where}.`
        : `The socket file exists but nobody listens: kea-dhcp4 probably stopped. Start it again (systemctl start kea-dhcp4-server).`,
    );
  } else if (code === 'EACCES' || code === 'EPERM') {
    suggestions.push(
      `Kea's control socket is only open to its owner (srwxr-xr-x): run highalert as that user (e.g. _kea) or as root.`,
    );
  } else {
    suggestions.push(`Check that the Kea server ${server} is running and reachable at ${where}.`);
  }
  return new DhcpBackendError(
    'E_KEA_UNREACHABLE',
    `cannot reach Kea server ${server} at ${where}: ${detail}`,
    { device: server, suggestions, details: { where, ...(code ? { errno: code } : {}) } },
  );
}

/** Unix control socket of kea-dhcp4 (`Dhcp4.control-socket.socket-name`). */
export class UnixSocketTransport implements KeaTransport {
  readonly description: string;
  readonly #path: string;
  readonly #server: string;
  readonly #timeoutMs: number;

  constructor(path: string, options: TransportCommonOptions) {
    this.#path = path;
    this.#server = options.server;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.description = `unix:${path}`;
  }

  send(command: string, args?: Record<string, unknown>): Promise<KeaResponse> {
    const request = JSON.stringify(args === undefined ? { command } : { command, arguments: args });
    return new Promise<KeaResponse>((resolve, reject) => {
      const socket = net.createConnection({ path: this.#path });
      const chunks: Buffer[] = [];
      const completion = new JsonCompletion();
      let settled = false;
      const finish = (err: Error | undefined, value?: KeaResponse): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        if (err) reject(err);
        else resolve(value!);
      };
      const parse = (): void => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          finish(this.#protocol(command, `the answer is not JSON: ${text.slice(0, 200)}`));
          return;
        }
        const response = toKeaResponse(Array.isArray(parsed) ? parsed[0] : parsed);
        if (!response) finish(this.#protocol(command, `unexpected answer: ${text.slice(0, 200)}`));
        else finish(undefined, response);
      };
      const timer = setTimeout(() => {
        finish(
          new DhcpBackendError(
            'E_KEA_TIMEOUT',
            `Kea server ${this.#server} did not answer ${command} within ${this.#timeoutMs} ms (${this.description})`,
            {
              device: this.#server,
              suggestions: [
                'Check that kea-dhcp4 is not stuck; a very large configuration may need a longer timeout.',
              ],
            },
          ),
        );
      }, this.#timeoutMs);
      socket.on('connect', () => socket.write(request));
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        if (completion.push(chunk.toString('utf8'))) parse();
      });
      socket.on('end', () => {
        if (settled) return;
        if (chunks.length === 0)
          finish(this.#protocol(command, 'the server closed the connection without an answer'));
        else parse();
      });
      socket.on('error', (err: NodeJS.ErrnoException) => {
        finish(unreachable(this.#server, this.#path, err.code, err.message));
      });
    });
  }

  #protocol(command: string, detail: string): DhcpBackendError {
    return new DhcpBackendError(
      'E_KEA_PROTOCOL',
      `Kea server ${this.#server}, command ${command}: ${detail}`,
      {
        device: this.#server,
        suggestions: [`Check that ${this.#path} is the control socket of kea-dhcp4.`],
      },
    );
  }

  async close(): Promise<void> {}
}

export interface HttpTransportOptions extends TransportCommonOptions {
  readonly username?: string;
  readonly password?: string;
  /** Service named in each command; default `dhcp4`. Set `null` for Kea ≥ 3.1's own HTTP socket. */
  readonly service?: string | null;
}

/** kea-ctrl-agent's REST endpoint (or Kea ≥ 3.1's HTTP control socket). */
export class HttpTransport implements KeaTransport {
  readonly description: string;
  readonly #url: URL;
  readonly #server: string;
  readonly #timeoutMs: number;
  readonly #authorization: string | undefined;
  readonly #username: string | undefined;
  readonly #service: string | null;

  constructor(url: string, options: HttpTransportOptions) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new DhcpBackendError(
        'E_KEA_URL',
        `Kea server ${options.server}: ${JSON.stringify(url)} is not a URL`,
        {
          device: options.server,
          suggestions: ['Write it as http://127.0.0.1:8000/ (kea-ctrl-agent) or https://host:port/.'],
        },
      );
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new DhcpBackendError(
        'E_KEA_URL',
        `Kea server ${options.server}: ${parsed.protocol} URLs are not supported`,
        {
          device: options.server,
          suggestions: ['Use http:// or https://, or give the unix control socket path instead.'],
        },
      );
    }
    // Credentials written into the URL are taken out of it, so they never reach a message.
    let username = options.username;
    let password = options.password;
    if (parsed.username !== '' || parsed.password !== '') {
      username ??= decodeURIComponent(parsed.username);
      password ??= decodeURIComponent(parsed.password);
      parsed.username = '';
      parsed.password = '';
    }
    this.#url = parsed;
    this.#server = options.server;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#username = username;
    this.#authorization =
      username === undefined
        ? undefined
        : `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`;
    this.#service = options.service === undefined ? 'dhcp4' : options.service;
    this.description = parsed.toString();
  }

  send(command: string, args?: Record<string, unknown>): Promise<KeaResponse> {
    const body = JSON.stringify({
      command,
      ...(this.#service === null ? {} : { service: [this.#service] }),
      ...(args === undefined ? {} : { arguments: args }),
    });
    const lib = this.#url.protocol === 'https:' ? https : http;
    return new Promise<KeaResponse>((resolve, reject) => {
      let settled = false;
      const finish = (err: Error | undefined, value?: KeaResponse): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(value!);
      };
      const req = lib.request(
        this.#url,
        {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
            ...(this.#authorization ? { Authorization: this.#authorization } : {}),
          },
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err: NodeJS.ErrnoException) =>
            finish(unreachable(this.#server, this.description, err.code, err.message)),
          );
          res.on('end', () =>
            finish(...this.#interpret(command, res.statusCode ?? 0, Buffer.concat(chunks))),
          );
        },
      );
      const timer = setTimeout(() => {
        req.destroy();
        finish(
          new DhcpBackendError(
            'E_KEA_TIMEOUT',
            `Kea server ${this.#server} did not answer ${command} within ${this.#timeoutMs} ms (${this.description})`,
            { device: this.#server, suggestions: ['Check that kea-ctrl-agent and kea-dhcp4 are running.'] },
          ),
        );
      }, this.#timeoutMs);
      req.on('error', (err: NodeJS.ErrnoException) =>
        finish(unreachable(this.#server, this.description, err.code, err.message)),
      );
      req.end(body);
    });
  }

  #interpret(command: string, status: number, raw: Buffer): [Error | undefined, KeaResponse?] {
    const text = raw.toString('utf8');
    if (status === 401 || status === 403) {
      return [
        new DhcpBackendError(
          'E_KEA_AUTH',
          `Kea server ${this.#server} refused ${command}: HTTP ${status} ${status === 401 ? 'Unauthorized' : 'Forbidden'} ` +
            (this.#authorization
              ? `(user ${JSON.stringify(this.#username)} and its password were not accepted)`
              : '(no credentials were sent)'),
          {
            device: this.#server,
            suggestions: [
              this.#authorization
                ? 'Check the user and password against "authentication" "clients" in kea-ctrl-agent.conf.'
                : 'The control agent requires HTTP basic auth: give the server a user and a password (from the environment).',
            ],
            details: { httpStatus: status },
          },
        ),
      ];
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return [this.#protocol(command, `HTTP ${status}, the answer is not JSON: ${text.slice(0, 200)}`)];
    }
    const first = Array.isArray(parsed) ? parsed[0] : parsed;
    const response = toKeaResponse(first);
    if (!response)
      return [this.#protocol(command, `HTTP ${status}, unexpected answer: ${text.slice(0, 200)}`)];
    return [undefined, response];
  }

  #protocol(command: string, detail: string): DhcpBackendError {
    return new DhcpBackendError(
      'E_KEA_PROTOCOL',
      `Kea server ${this.#server}, command ${command}: ${detail}`,
      {
        device: this.#server,
        suggestions: [`Check that ${this.description} is kea-ctrl-agent's (or Kea's) control URL.`],
      },
    );
  }

  async close(): Promise<void> {}
}
