/**
 * One writer at a time per Kea server, across processes on this host.
 *
 * Kea 2.2's `config-set` has no version check, so two highalert processes editing the same server
 * could lose each other's change. The lock is a file created with O_EXCL holding the owner's pid,
 * host and start time. A waiter retries with backoff; a lock whose pid is dead (same host) or that
 * is older than `staleMs` is broken, under a short second lock so that two waiters never both
 * break it (and one of them delete the other's fresh lock).
 */
import { promises as fs, constants as fsc } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DhcpBackendError } from '../errors.js';

export interface LockOptions {
  /** Folder of the lock files; created if missing. */
  readonly dir: string;
  /** Give up after this long. Default 30 s. */
  readonly timeoutMs?: number;
  /** A lock older than this is stale even if its pid lives. Default 120 s. */
  readonly staleMs?: number;
  /** Server name, for messages. */
  readonly server: string;
}

interface LockOwner {
  pid: number;
  host: string;
  createdAt: number;
  token: string;
}

export function defaultLockDir(): string {
  return path.join(os.tmpdir(), 'highalert-kea-locks');
}

export function lockFileFor(dir: string, key: string): string {
  return path.join(dir, `${key.replace(/[^A-Za-z0-9_.-]/g, '_')}.lock`);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(file: string): Promise<LockOwner | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid !== 'number' || typeof parsed.createdAt !== 'number') return undefined;
    return {
      pid: parsed.pid,
      host: String(parsed.host ?? ''),
      createdAt: parsed.createdAt,
      token: String(parsed.token ?? ''),
    };
  } catch {
    return undefined;
  }
}

function isStale(owner: LockOwner | undefined, mtimeMs: number, staleMs: number): boolean {
  const now = Date.now();
  // An unreadable lock file (crash between create and write) is judged by its mtime.
  if (!owner) return now - mtimeMs > 2_000;
  if (now - owner.createdAt > staleMs) return true;
  return owner.host === os.hostname() && !pidAlive(owner.pid);
}

async function tryCreate(file: string, owner: LockOwner): Promise<boolean> {
  let handle;
  try {
    handle = await fs.open(file, fsc.O_CREAT | fsc.O_EXCL | fsc.O_WRONLY, 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    await handle.writeFile(JSON.stringify(owner));
  } finally {
    await handle.close();
  }
  return true;
}

/** Breaks `file` if it is still the same stale lock, under a short-lived breaker lock. */
async function breakIfStale(file: string, staleMs: number): Promise<void> {
  const breaker = `${file}.break`;
  const me: LockOwner = {
    pid: process.pid,
    host: os.hostname(),
    createdAt: Date.now(),
    token: randomBytes(8).toString('hex'),
  };
  if (!(await tryCreate(breaker, me))) {
    // Someone else is breaking it; a breaker left by a crash is removed after 10 s.
    const st = await fs.stat(breaker).catch(() => undefined);
    if (st && Date.now() - st.mtimeMs > 10_000) await fs.rm(breaker, { force: true });
    return;
  }
  try {
    const st = await fs.stat(file).catch(() => undefined);
    if (!st) return;
    const owner = await readOwner(file);
    if (isStale(owner, st.mtimeMs, staleMs)) await fs.rm(file, { force: true });
  } finally {
    await fs.rm(breaker, { force: true });
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` while holding the lock `key` in `options.dir`. */
export async function withLock<T>(key: string, options: LockOptions, fn: () => Promise<T>): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const staleMs = options.staleMs ?? 120_000;
  await fs.mkdir(options.dir, { recursive: true, mode: 0o1777 }).catch((err: NodeJS.ErrnoException) => {
    throw new DhcpBackendError('E_KEA_LOCK', `cannot create the lock folder ${options.dir}: ${err.message}`, {
      device: options.server,
      suggestions: ['Give a writable lock folder (option lockDir).'],
    });
  });
  const file = lockFileFor(options.dir, key);
  const me: LockOwner = {
    pid: process.pid,
    host: os.hostname(),
    createdAt: 0,
    token: randomBytes(12).toString('hex'),
  };
  const start = Date.now();
  let delay = 15;
  for (;;) {
    me.createdAt = Date.now();
    let created: boolean;
    try {
      created = await tryCreate(file, me);
    } catch (err) {
      throw new DhcpBackendError(
        'E_KEA_LOCK',
        `cannot create the lock file ${file}: ${(err as Error).message}`,
        {
          device: options.server,
          cause: err,
          suggestions: ['Give a writable lock folder (option lockDir).'],
        },
      );
    }
    if (created) break;
    const st = await fs.stat(file).catch(() => undefined);
    if (st) {
      const owner = await readOwner(file);
      if (isStale(owner, st.mtimeMs, staleMs)) {
        await breakIfStale(file, staleMs);
        continue;
      }
      if (Date.now() - start > timeoutMs) {
        throw new DhcpBackendError(
          'E_KEA_LOCK_TIMEOUT',
          `Kea server ${options.server}: another highalert process (pid ${owner?.pid ?? '?'} on ${owner?.host ?? '?'}) has held the write lock ${file} for ${Math.round((Date.now() - (owner?.createdAt ?? st.mtimeMs)) / 1000)} s; gave up after ${timeoutMs} ms`,
          {
            device: options.server,
            suggestions: [
              'Wait for the other run to finish and try again.',
              `If no highalert process is running, remove ${file}.`,
            ],
          },
        );
      }
    }
    await sleep(delay + Math.random() * delay);
    delay = Math.min(Math.round(delay * 1.6), 400);
  }
  try {
    return await fn();
  } finally {
    const owner = await readOwner(file);
    if (owner?.token === me.token) await fs.rm(file, { force: true });
  }
}
