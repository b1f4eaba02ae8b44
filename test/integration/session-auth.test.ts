/**
 * Authentication methods and their order (agent → publickey → password → keyboard-interactive)
 * against a small ssh2 server made by this test on 127.0.0.1, and a real ssh-agent when installed.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import ssh2, { type AuthenticationType } from 'ssh2';
import { appendKnownHost } from '../../src/devices/known-hosts.js';
import { SshTransport, type TransportOptions } from '../../src/devices/transport.js';
import { AuthError } from '../../src/errors.js';
import { rejection } from './session-helpers.js';

const { Server, utils } = ssh2;

type Method = 'publickey' | 'password' | 'keyboard-interactive' | 'agent-key';
interface Policy {
  accept: Method[];
}

let dir: string;
let server: InstanceType<typeof Server>;
let port: number;
let knownHosts: string;
let hostKeyBlob: Buffer;
let policy: Policy = { accept: [] };
let seen: string[] = [];
const userKey = utils.generateKeyPairSync('ecdsa', {
  bits: 256,
  passphrase: 'key-pass',
  cipher: 'aes256-cbc',
  rounds: 2,
});
const userPub = utils.parseKey(userKey.public);
let agentPub: ReturnType<typeof utils.parseKey> | undefined;
let agent: { sock: string; proc: ChildProcess } | undefined;

function hasTool(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function sameKey(pub: ReturnType<typeof utils.parseKey> | undefined, data: Buffer): boolean {
  return pub !== undefined && !(pub instanceof Error) && pub.getPublicSSH().equals(data);
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ha-auth-'));
  const hostKey = utils.generateKeyPairSync('ecdsa', { bits: 256 });
  server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      // Every method is always offered, so the client's own order shows in `seen`.
      const allowed = (): AuthenticationType[] => ['publickey', 'password', 'keyboard-interactive'];
      if (ctx.method === 'password') {
        seen.push('password');
        if (policy.accept.includes('password') && ctx.password === 'pw') return ctx.accept();
        return ctx.reject(allowed());
      }
      if (ctx.method === 'keyboard-interactive') {
        seen.push('keyboard-interactive');
        if (!policy.accept.includes('keyboard-interactive')) return ctx.reject(allowed());
        ctx.prompt([{ prompt: 'Password: ', echo: false }], 'login', (answers) => {
          if (answers[0] === 'pw') ctx.accept();
          else ctx.reject(allowed());
        });
        return;
      }
      if (ctx.method === 'publickey') {
        const which = sameKey(userPub, ctx.key.data)
          ? 'publickey'
          : sameKey(agentPub, ctx.key.data)
            ? 'agent-key'
            : 'other';
        if (ctx.signature === undefined) {
          seen.push(which);
          if (which !== 'other' && policy.accept.includes(which)) return ctx.accept();
          return ctx.reject(allowed());
        }
        const pub = which === 'publickey' ? userPub : agentPub;
        if (
          pub !== undefined &&
          !(pub instanceof Error) &&
          ctx.blob !== undefined &&
          pub.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true
        ) {
          return ctx.accept();
        }
        return ctx.reject(allowed());
      }
      return ctx.reject(allowed());
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        session.on('pty', (ok) => ok?.());
        session.on('shell', (ok) => {
          const stream = ok();
          stream.write('\r\nauth-test#');
        });
      });
    });
  });
  server.on('connection', (conn: { setNoDelay(v: boolean): void }) => conn.setNoDelay(true));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as net.AddressInfo).port;
  knownHosts = path.join(dir, 'known_hosts');
  const parsed = utils.parseKey(hostKey.public);
  if (parsed instanceof Error) throw parsed;
  await appendKnownHost(knownHosts, '127.0.0.1', port, parsed.getPublicSSH());
  hostKeyBlob = parsed.getPublicSSH();

  if (hasTool('ssh-agent') && hasTool('ssh-add') && hasTool('ssh-keygen')) {
    const keyFile = path.join(dir, 'agent_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ecdsa', '-b', '256', '-N', '', '-f', keyFile]);
    const sock = path.join(dir, 'agent.sock');
    const proc = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 20));
    execFileSync('ssh-add', [keyFile], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
    agent = { sock, proc };
    const { readFileSync } = await import('node:fs');
    agentPub = utils.parseKey(readFileSync(keyFile + '.pub', 'utf8'));
  }
});

after(async () => {
  agent?.proc.kill();
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

function opts(extra: Partial<TransportOptions>): TransportOptions {
  return {
    name: 'auth-test',
    host: '127.0.0.1',
    port,
    username: 'noc',
    knownHostsPath: knownHosts,
    connectTimeoutMs: 3000,
    keepaliveMs: 0,
    ...extra,
  };
}

async function opens(extra: Partial<TransportOptions>, accept: Method[]): Promise<string[]> {
  policy = { accept };
  seen = [];
  const t = await SshTransport.open(opts(extra));
  const first = await new Promise<string>((resolve) => t.onData((b) => resolve(b.toString())));
  assert.match(first, /auth-test#/);
  t.close();
  return seen;
}

describe('transport: authentication methods', () => {
  it('password', async () => {
    assert.deepEqual(await opens({ password: 'pw' }, ['password']), ['password']);
  });

  it('keyboard-interactive answers the password prompt when password auth is off', async () => {
    assert.deepEqual(await opens({ password: 'pw' }, ['keyboard-interactive']), [
      'password',
      'keyboard-interactive',
    ]);
  });

  it('an encrypted private key (text or file) with its passphrase', async () => {
    const keyPath = path.join(dir, 'user_key');
    writeFileSync(keyPath, userKey.private, { mode: 0o600 });
    assert.deepEqual(await opens({ privateKey: userKey.private, passphrase: 'key-pass' }, ['publickey']), [
      'publickey',
    ]);
    assert.deepEqual(await opens({ privateKeyPath: keyPath, passphrase: 'key-pass' }, ['publickey']), [
      'publickey',
    ]);
  });

  it(
    'tries agent → publickey → password → keyboard-interactive, in that order',
    { skip: agent === undefined && !hasTool('ssh-agent') && 'no ssh-agent' },
    async () => {
      if (agent === undefined) return;
      const all = { agent: agent.sock, privateKey: userKey.private, passphrase: 'key-pass', password: 'pw' };
      assert.deepEqual(await opens(all, ['keyboard-interactive']), [
        'agent-key',
        'publickey',
        'password',
        'keyboard-interactive',
      ]);
      assert.deepEqual(await opens(all, ['agent-key']), ['agent-key']);
    },
  );

  it('a wrong key passphrase is a clear E_AUTH before connecting', async () => {
    const err = await rejection(SshTransport.open(opts({ privateKey: userKey.private, passphrase: 'nope' })));
    assert.ok(err instanceof AuthError, String(err));
    assert.match(err.message, /cannot use the private key/);
    assert.ok(!err.message.includes('nope'));
  });

  it('agent: true uses $SSH_AUTH_SOCK', { skip: !hasTool('ssh-agent') && 'no ssh-agent' }, async () => {
    if (agent === undefined) return;
    const saved = process.env.SSH_AUTH_SOCK;
    process.env.SSH_AUTH_SOCK = agent.sock;
    try {
      assert.deepEqual(await opens({ agent: true }, ['agent-key']), ['agent-key']);
    } finally {
      if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
      else process.env.SSH_AUTH_SOCK = saved;
    }
  });

  it('every method refused: E_AUTH listing what was tried, no secret in the error', async () => {
    policy = { accept: [] };
    const err = await rejection(SshTransport.open(opts({ password: 'pw-secret-1' })));
    assert.ok(err instanceof AuthError, String(err));
    assert.equal(err.code, 'E_AUTH');
    assert.deepEqual(err.details?.methods, ['password', 'keyboard-interactive']);
    assert.ok(!JSON.stringify(err.toJSON()).includes('pw-secret-1'));
  });

  it('no credentials at all: E_AUTH before connecting', async () => {
    const err = await rejection(SshTransport.open(opts({})));
    assert.ok(err instanceof AuthError && /no credentials/.test(err.message));
  });
});

describe('transport: keepalive', () => {
  it('a peer that stops answering is detected by keepalive and the transport closes', async () => {
    // A TCP relay in front of the server that can be frozen: bytes stop flowing both ways.
    const pipes: net.Socket[] = [];
    const relay = net.createServer((down) => {
      const up = net.connect(port, '127.0.0.1');
      down.setNoDelay(true);
      up.setNoDelay(true);
      down.pipe(up);
      up.pipe(down);
      down.on('error', () => undefined);
      up.on('error', () => undefined);
      pipes.push(down, up);
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', () => r()));
    const relayPort = (relay.address() as net.AddressInfo).port;
    await appendKnownHost(knownHosts, '127.0.0.1', relayPort, hostKeyBlob);
    policy = { accept: ['password'] };
    const t = await SshTransport.open(
      opts({ port: relayPort, password: 'pw', keepaliveMs: 25, keepaliveCountMax: 2 }),
    );
    const closed = new Promise<Error | undefined>((resolve) => t.onClose(resolve));
    for (const p of pipes) {
      p.unpipe();
      p.pause();
    }
    const t0 = Date.now();
    const reason = await closed;
    assert.equal(t.isAlive(), false);
    assert.match(String(reason?.message), /keepalive/i);
    assert.ok(Date.now() - t0 < 1000);
    for (const p of pipes) p.destroy();
    await new Promise<void>((r) => relay.close(() => r()));
  });
});
