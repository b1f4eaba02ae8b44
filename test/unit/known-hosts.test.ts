import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import ssh2 from 'ssh2';
import {
  appendKnownHost,
  entryMatchesHost,
  fingerprintSha256,
  formatKnownHostsLine,
  hostToken,
  keyTypeOf,
  lookupHostKey,
  lookupInText,
  parseKnownHosts,
} from '../../src/devices/known-hosts.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ha-kh-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function newKey(): { line: string; blob: Buffer } {
  const pub = ssh2.utils.generateKeyPairSync('ecdsa', { bits: 256 }).public;
  const [type, b64] = pub.split(' ');
  return { line: `${type} ${b64}`, blob: Buffer.from(b64 ?? '', 'base64') };
}
const K1 = newKey();
const K2 = newKey();
const K3 = newKey();

function hasSshKeygen(): boolean {
  try {
    execFileSync('ssh-keygen', ['-?'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

describe('known-hosts: parsing', () => {
  it('reads plain, bracketed, wildcard, negated, hashed and marker entries with line numbers', () => {
    const salt = Buffer.alloc(20, 7);
    const hash = createHmac('sha1', salt).update('[10.0.0.9]:2222').digest();
    const text = [
      '# comment',
      '',
      `sw1,10.0.0.1 ${K1.line}`,
      `[10.0.0.2]:2222 ${K1.line} a comment`,
      `|1|${salt.toString('base64')}|${hash.toString('base64')} ${K2.line}`,
      `@revoked 10.0.0.3 ${K3.line}`,
      `10.1.*,!10.1.0.66 ${K2.line}`,
      'garbage',
      `@cert-authority *.example ${K1.line}`,
    ].join('\n');
    const entries = parseKnownHosts(text);
    assert.deepEqual(
      entries.map((e) => [
        e.line,
        e.marker ?? '',
        e.patterns.join(','),
        e.hashed === undefined ? '' : 'hashed',
      ]),
      [
        [3, '', 'sw1,10.0.0.1', ''],
        [4, '', '[10.0.0.2]:2222', ''],
        [5, '', '', 'hashed'],
        [6, '@revoked', '10.0.0.3', ''],
        [7, '', '10.1.*,!10.1.0.66', ''],
        [9, '@cert-authority', '*.example', ''],
      ],
    );
    const e = entries;
    assert.equal(entryMatchesHost(e[0]!, '10.0.0.1', 22), true);
    assert.equal(entryMatchesHost(e[0]!, '10.0.0.1', 2222), false, 'port 2222 needs the [host]:port form');
    assert.equal(entryMatchesHost(e[1]!, '10.0.0.2', 2222), true);
    assert.equal(entryMatchesHost(e[1]!, '10.0.0.2', 22), false);
    assert.equal(entryMatchesHost(e[2]!, '10.0.0.9', 2222), true);
    assert.equal(entryMatchesHost(e[2]!, '10.0.0.9', 22), false);
    assert.equal(entryMatchesHost(e[4]!, '10.1.2.3', 22), true);
    assert.equal(entryMatchesHost(e[4]!, '10.1.0.66', 22), false, 'negated pattern vetoes');
  });

  it('handles CRLF files', () => {
    const entries = parseKnownHosts(`a ${K1.line}\r\nb ${K2.line}\r\n`);
    assert.equal(entries.length, 2);
    assert.equal(entries[1]?.keyType, 'ecdsa-sha2-nistp256');
  });

  it('names tokens the OpenSSH way and reads key types and fingerprints', () => {
    assert.equal(hostToken('10.0.0.1', 22), '10.0.0.1');
    assert.equal(hostToken('127.0.0.1', 2022), '[127.0.0.1]:2022');
    assert.equal(keyTypeOf(K1.blob), 'ecdsa-sha2-nistp256');
    assert.match(fingerprintSha256(K1.blob), /^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});

describe('known-hosts: lookup', () => {
  const text = [`sw1 ${K1.line}`, `[127.0.0.1]:2022 ${K2.line}`, `@revoked sw9 ${K3.line}`].join('\n');
  it('match, unknown, changed (with file and line), revoked', () => {
    assert.deepEqual(lookupInText(text, '/kh', 'sw1', 22, K1.blob), {
      status: 'match',
      file: '/kh',
      line: 1,
    });
    assert.deepEqual(lookupInText(text, '/kh', '127.0.0.1', 2022, K2.blob), {
      status: 'match',
      file: '/kh',
      line: 2,
    });
    assert.deepEqual(lookupInText(text, '/kh', 'sw2', 22, K1.blob), { status: 'unknown', file: '/kh' });
    assert.deepEqual(lookupInText(text, '/kh', '127.0.0.1', 22, K2.blob), { status: 'unknown', file: '/kh' });
    assert.deepEqual(lookupInText(text, '/kh', 'sw1', 22, K2.blob), {
      status: 'changed',
      file: '/kh',
      line: 1,
      knownKeyType: 'ecdsa-sha2-nistp256',
      revoked: false,
    });
    const revoked = lookupInText(text, '/kh', 'sw9', 22, K3.blob);
    assert.equal(revoked.status, 'changed');
    assert.equal(revoked.status === 'changed' && revoked.revoked, true);
  });

  it('a missing file is empty: unknown', async () => {
    const r = await lookupHostKey(path.join(dir, 'nope'), 'sw1', 22, K1.blob);
    assert.equal(r.status, 'unknown');
  });
});

describe('known-hosts: append', () => {
  it('appends plain and hashed entries, returning their line, and finds them again', async () => {
    const file = path.join(dir, 'sub', 'known_hosts');
    const a = await appendKnownHost(file, '127.0.0.1', 2022, K1.blob);
    assert.deepEqual(a, { file, line: 1 });
    writeFileSync(file, readFileSync(file, 'utf8') + '# no newline at end');
    const b = await appendKnownHost(file, 'sw2', 22, K2.blob, { hash: true });
    assert.equal(b.line, 3);
    const lines = readFileSync(file, 'utf8').split('\n');
    assert.equal(lines[0], `[127.0.0.1]:2022 ${K1.line}`);
    assert.match(lines[2] ?? '', /^\|1\|[A-Za-z0-9+/=]+\|[A-Za-z0-9+/=]+ ecdsa-sha2-nistp256 /);
    assert.deepEqual(await lookupHostKey(file, '127.0.0.1', 2022, K1.blob), {
      status: 'match',
      file,
      line: 1,
    });
    assert.deepEqual(await lookupHostKey(file, 'sw2', 22, K2.blob), { status: 'match', file, line: 3 });
    assert.equal((await lookupHostKey(file, 'sw2', 22, K1.blob)).status, 'changed');
  });

  it('formats one line', () => {
    assert.equal(formatKnownHostsLine('sw1', 22, K1.blob), `sw1 ${K1.line}`);
  });
});

describe(
  'known-hosts: OpenSSH interoperability',
  { skip: !hasSshKeygen() && 'ssh-keygen not installed' },
  () => {
    it('reads files hashed by ssh-keygen -H', async () => {
      const file = path.join(dir, 'hashed_by_openssh');
      writeFileSync(file, `sw1 ${K1.line}\n[127.0.0.1]:2022 ${K2.line}\n`);
      execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
      const text = readFileSync(file, 'utf8');
      assert.match(text, /^\|1\|/);
      assert.equal((await lookupHostKey(file, 'sw1', 22, K1.blob)).status, 'match');
      assert.equal((await lookupHostKey(file, '127.0.0.1', 2022, K2.blob)).status, 'match');
      assert.equal((await lookupHostKey(file, '127.0.0.1', 2022, K1.blob)).status, 'changed');
    });

    it('writes entries ssh-keygen -F finds, with the fingerprint ssh-keygen -l prints', async () => {
      const file = path.join(dir, 'written_by_us');
      await appendKnownHost(file, '127.0.0.1', 2022, K1.blob, { hash: true });
      const found = execFileSync('ssh-keygen', ['-F', '[127.0.0.1]:2022', '-f', file], { encoding: 'utf8' });
      assert.match(found, /ecdsa-sha2-nistp256/);
      const pub = path.join(dir, 'k.pub');
      writeFileSync(pub, K1.line + '\n');
      const printed = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', pub], { encoding: 'utf8' });
      assert.ok(printed.includes(fingerprintSha256(K1.blob)), printed);
    });
  },
);
