/**
 * Real SSH for a simulated device: host keys (ECDSA P-256, kept in the lab dir), password and
 * keyboard-interactive auth, shell (with or without pty) and exec channels. One plain TCP server
 * per device hands each socket (TCP_NODELAY) to the ssh2 server of the key currently presented.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import ssh2 from 'ssh2';
import type { Connection, Server as SshServer } from 'ssh2';
import type { SimDevice } from './device.js';
import { CliSession, type CommandTrees } from './session.js';
import { Terminal } from './terminal.js';

const { Server, utils } = ssh2;

export interface HostKey {
  readonly privatePem: string;
  /** `ecdsa-sha2-nistp256 AAAA…` */
  readonly publicLine: string;
  readonly fingerprint: string;
}

function keyFromPrivate(privatePem: string): HostKey {
  const parsed = utils.parseKey(privatePem);
  if (parsed instanceof Error) throw parsed;
  const k = Array.isArray(parsed) ? parsed[0] : parsed;
  const blob = k.getPublicSSH();
  const fingerprint = 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
  return { privatePem, publicLine: `${k.type} ${blob.toString('base64')}`, fingerprint };
}

/** Reads the key at `file`, or generates (and writes, mode 0600) a new ECDSA P-256 key. */
export function loadOrCreateHostKey(file: string): HostKey {
  if (existsSync(file)) return keyFromPrivate(readFileSync(file, 'utf8'));
  const pair = utils.generateKeyPairSync('ecdsa', { bits: 256 });
  writeFileSync(file, pair.private, { mode: 0o600 });
  return keyFromPrivate(pair.private);
}

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

export class DeviceServer {
  private readonly tcp: net.Server;
  private readonly ssh: SshServer;
  private readonly sshAlt: SshServer;
  private readonly clients = new Set<Connection>();
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(
    private readonly dev: SimDevice,
    readonly keys: { main: HostKey; alt: HostKey },
    private readonly creds: Credentials,
    private readonly trees: CommandTrees,
  ) {
    const ident = 'Cisco-1.25';
    this.ssh = new Server({ hostKeys: [keys.main.privatePem], ident }, (c, info) =>
      this.onClient(c, info.ip),
    );
    this.sshAlt = new Server({ hostKeys: [keys.alt.privatePem], ident }, (c, info) =>
      this.onClient(c, info.ip),
    );
    this.tcp = net.createServer((socket) => {
      socket.setNoDelay(true);
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      (this.dev.alternateKey ? this.sshAlt : this.ssh).injectSocket(socket);
    });
  }

  get hostKey(): HostKey {
    return this.dev.alternateKey ? this.keys.alt : this.keys.main;
  }

  listen(port = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      this.tcp.once('error', reject);
      this.tcp.listen(port, '127.0.0.1', () => {
        this.tcp.off('error', reject);
        this.port = (this.tcp.address() as net.AddressInfo).port;
        resolve(this.port);
      });
    });
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.end();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.tcp.close(() => resolve()));
  }

  private authOk(user: string, password: string): boolean {
    return !this.dev.faults.refuseAuth && user === this.creds.username && password === this.creds.password;
  }

  private onClient(client: Connection, peer: string): void {
    this.clients.add(client);
    client.on('error', () => undefined);
    client.on('close', () => this.clients.delete(client));
    let user = '';
    client.on('authentication', (ctx) => {
      user = ctx.username;
      if (ctx.method === 'password') {
        if (this.authOk(ctx.username, ctx.password)) ctx.accept();
        else ctx.reject(['password', 'keyboard-interactive']);
        return;
      }
      if (ctx.method === 'keyboard-interactive') {
        ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers) => {
          if (this.authOk(ctx.username, answers[0] ?? '')) ctx.accept();
          else ctx.reject(['password', 'keyboard-interactive']);
        });
        return;
      }
      ctx.reject(['password', 'keyboard-interactive']);
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('pty', (accept) => accept?.());
        session.on('window-change', (accept) => accept?.());
        session.on('env', (accept) => accept?.());
        session.on('shell', (accept) => {
          const stream = accept();
          const cli = new CliSession(this.dev, this.trees, user, peer);
          const term = new Terminal(cli, {
            write: (d) => {
              if (stream.writable) stream.write(d);
            },
            close: () => {
              term.stop();
              client.end();
            },
          });
          stream.on('data', (d: Buffer) => term.data(d.toString('latin1')));
          stream.on('error', () => undefined);
          stream.on('close', () => term.stop());
          term.start();
        });
        session.on('exec', (accept, _reject, info) => {
          const stream = accept();
          stream.on('error', () => undefined);
          const cli = new CliSession(this.dev, this.trees, user, peer);
          cli.termLength = 0;
          this.dev.received.push(info.command);
          const reply = cli.execute(info.command);
          for (const l of reply.lines ?? []) stream.write(l + '\r\n');
          stream.exit(0);
          stream.end();
        });
      });
    });
  }
}
