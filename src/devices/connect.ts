/** One call from connection parameters to an opened session: transport → channel → platform session. */
import { Channel, type ChannelLogger } from './channel.js';
import { platformFor } from './platforms/index.js';
import type { Session } from './session.js';
import { SshTransport } from './transport.js';

export interface ConnectionParams {
  /** Inventory device name (messages, `highalert trust <name>`). */
  name: string;
  host: string;
  port: number;
  /** Platform name from the inventory (default `cisco_ios`). */
  platform?: string;
  username: string;
  password?: string;
  privateKeyPath?: string;
  privateKey?: string | Buffer;
  passphrase?: string;
  /** true: use $SSH_AUTH_SOCK; a string: that agent socket path. */
  agent?: boolean | string;
  /** Never logged, never in a response or error. */
  enableSecret?: string;
  knownHostsPath: string;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  idleTimeoutMs: number;
  keepaliveMs: number;
  /** Replaces the platform's on-open lines (tests: `[]` to leave paging on). */
  onOpen?: readonly string[];
  /** Sees every write (secrets as `<redacted>`) and every read. */
  log?: ChannelLogger;
}

/** Connects, verifies the host key, logs in, reaches privileged EXEC and runs the on-open lines. */
export async function connect(params: ConnectionParams): Promise<Session> {
  const { definition, session: SessionClass } = platformFor(params.platform ?? 'cisco_ios', params.name);
  const transport = await SshTransport.open({
    name: params.name,
    host: params.host,
    port: params.port,
    username: params.username,
    ...(params.password === undefined ? {} : { password: params.password }),
    ...(params.privateKey === undefined ? {} : { privateKey: params.privateKey }),
    ...(params.privateKeyPath === undefined ? {} : { privateKeyPath: params.privateKeyPath }),
    ...(params.passphrase === undefined ? {} : { passphrase: params.passphrase }),
    ...(params.agent === undefined ? {} : { agent: params.agent }),
    knownHostsPath: params.knownHostsPath,
    connectTimeoutMs: params.connectTimeoutMs,
    keepaliveMs: params.keepaliveMs,
  });
  const channel = new Channel(transport, {
    device: params.name,
    pager: definition.pager,
    ...(params.log === undefined ? {} : { log: params.log }),
  });
  const session = new SessionClass(channel, {
    device: params.name,
    commandTimeoutMs: params.commandTimeoutMs,
    idleTimeoutMs: params.idleTimeoutMs,
    ...(params.enableSecret === undefined ? {} : { enableSecret: params.enableSecret }),
    ...(params.onOpen === undefined ? {} : { onOpen: params.onOpen }),
  });
  try {
    await session.open();
  } catch (err) {
    await session.close();
    throw err;
  }
  return session;
}

/** Connects, runs `fn`, and always closes the session. */
export async function withSession<T>(
  params: ConnectionParams,
  fn: (session: Session) => Promise<T>,
): Promise<T> {
  const session = await connect(params);
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}
