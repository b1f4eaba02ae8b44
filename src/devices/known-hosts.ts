/**
 * OpenSSH known_hosts files: parse (plain, wildcard, negated and hashed `|1|salt|hash` host
 * fields, `[host]:port` for ports other than 22, `@revoked` markers), look a host key up, append.
 *
 * Lookups are strict: a host that has entries, none of which holds the presented key, is
 * `changed` (named by file and line), never silently re-trusted.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

export interface KnownHostEntry {
  /** 1-based line number in the file. */
  line: number;
  marker: '@revoked' | '@cert-authority' | undefined;
  /** Comma-separated patterns (plain entries) — empty for hashed entries. */
  patterns: string[];
  /** Present for `|1|salt|hash` entries. */
  hashed: { salt: Buffer; hash: Buffer } | undefined;
  keyType: string;
  /** The raw public key blob (base64-decoded). */
  key: Buffer;
}

export type HostKeyLookup =
  | { status: 'match'; file: string; line: number }
  | { status: 'unknown'; file: string }
  | {
      status: 'changed';
      file: string;
      /** The first entry for this host (of the same key type if any). */
      line: number;
      /** The key type the file holds at `line`. */
      knownKeyType: string;
      /** The presented key is listed as `@revoked`. */
      revoked: boolean;
    };

/** `host` for port 22, `[host]:port` otherwise — the name OpenSSH writes and hashes. */
export function hostToken(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** The key type written inside an SSH public key blob (`ssh-ed25519`, `ecdsa-sha2-nistp256`, …). */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return 'unknown';
  const len = key.readUInt32BE(0);
  if (len <= 0 || len > 64 || 4 + len > key.length) return 'unknown';
  return key.subarray(4, 4 + len).toString('latin1');
}

/** OpenSSH's fingerprint: `SHA256:` + unpadded base64 of the blob's SHA-256. */
export function fingerprintSha256(key: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(key).digest('base64').replace(/=+$/, '');
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] ?? '').replace(/\r$/, '').trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const fields = raw.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') {
      marker = fields[0];
      fields.shift();
    } else if (fields[0]?.startsWith('@')) {
      continue; // unknown marker: ignored, as OpenSSH does
    }
    const [hostField, keyType, keyB64] = fields;
    if (hostField === undefined || keyType === undefined || keyB64 === undefined) continue;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(keyB64)) continue;
    const key = Buffer.from(keyB64, 'base64');
    let hashed: KnownHostEntry['hashed'];
    let patterns: string[] = [];
    if (hostField.startsWith('|1|')) {
      const [, , salt, hash] = hostField.split('|');
      if (salt === undefined || hash === undefined) continue;
      hashed = { salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
    } else {
      patterns = hostField.split(',').filter((p) => p !== '');
    }
    entries.push({ line: i + 1, marker, patterns, hashed, keyType, key });
  }
  return entries;
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** Does one entry name this host (and port)? Negated patterns (`!pat`) veto a match. */
export function entryMatchesHost(entry: KnownHostEntry, host: string, port: number): boolean {
  const token = hostToken(host, port);
  if (entry.hashed !== undefined) {
    const mac = createHmac('sha1', entry.hashed.salt).update(token).digest();
    return mac.length === entry.hashed.hash.length && mac.equals(entry.hashed.hash);
  }
  let matched = false;
  for (const p of entry.patterns) {
    const negated = p.startsWith('!');
    const pat = negated ? p.slice(1) : p;
    if (globToRegExp(pat).test(token)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** Looks up `key` for host:port in already-read known_hosts text. */
export function lookupInText(
  text: string,
  file: string,
  host: string,
  port: number,
  key: Buffer,
): HostKeyLookup {
  const entries = parseKnownHosts(text).filter(
    (e) => e.marker !== '@cert-authority' && entryMatchesHost(e, host, port),
  );
  const revoked = entries.find((e) => e.marker === '@revoked' && e.key.equals(key));
  if (revoked !== undefined) {
    return { status: 'changed', file, line: revoked.line, knownKeyType: revoked.keyType, revoked: true };
  }
  const plain = entries.filter((e) => e.marker === undefined);
  const match = plain.find((e) => e.key.equals(key));
  if (match !== undefined) return { status: 'match', file, line: match.line };
  if (plain.length === 0) return { status: 'unknown', file };
  const type = keyTypeOf(key);
  const first = plain.find((e) => e.keyType === type) ?? plain[0];
  if (first === undefined) return { status: 'unknown', file };
  return { status: 'changed', file, line: first.line, knownKeyType: first.keyType, revoked: false };
}

/** Looks up `key` for host:port in a known_hosts file (a missing file is an empty one). */
export async function lookupHostKey(
  file: string,
  host: string,
  port: number,
  key: Buffer,
): Promise<HostKeyLookup> {
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return lookupInText(text, path.resolve(file), host, port, key);
}

/** One known_hosts line for host:port; `hash: true` writes the `|1|salt|hash` form. */
export function formatKnownHostsLine(
  host: string,
  port: number,
  key: Buffer,
  options: { hash?: boolean } = {},
): string {
  const token = hostToken(host, port);
  let hostField = token;
  if (options.hash === true) {
    const salt = randomBytes(20);
    const hash = createHmac('sha1', salt).update(token).digest();
    hostField = `|1|${salt.toString('base64')}|${hash.toString('base64')}`;
  }
  return `${hostField} ${keyTypeOf(key)} ${key.toString('base64')}`;
}

/**
 * Appends an entry (creating the file, mode 0600, and its folder if needed) and returns the line
 * number it was written at.
 */
export async function appendKnownHost(
  file: string,
  host: string,
  port: number,
  key: Buffer,
  options: { hash?: boolean } = {},
): Promise<{ file: string; line: number }> {
  const abs = path.resolve(file);
  await mkdir(path.dirname(abs), { recursive: true });
  let existing = '';
  try {
    if ((await stat(abs)).isFile()) existing = await readFile(abs, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const prefix = existing === '' || existing.endsWith('\n') ? '' : '\n';
  const text = prefix + formatKnownHostsLine(host, port, key, options) + '\n';
  await appendFile(abs, text, { mode: 0o600 });
  const linesBefore = existing === '' ? 0 : (existing + prefix).split('\n').length - 1;
  return { file: abs, line: linesBefore + 1 };
}
