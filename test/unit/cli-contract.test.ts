/**
 * The CLI's contract for scripts (STYLE.md point 13): every command has a summary, examples and
 * --json; the flags are pinned in a reviewed snapshot; --json errors are JSON on stderr.
 * Refresh the snapshot after a deliberate change: UPDATE_SNAPSHOT=1 npm test.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { Config } from '@oclif/core';
import { ROOT, runCli } from '../helpers/cli.js';

const SNAPSHOT = path.join(ROOT, 'test/fixtures/command-snapshot.json');

interface Snapshot {
  [id: string]: { args: string[]; flags: Record<string, string> };
}

describe('CLI contract', () => {
  let config: Config;
  before(async () => {
    config = await Config.load(ROOT);
  });

  test('every command has a summary, examples and --json', () => {
    assert.ok(config.commands.length >= 14, `${config.commands.length} commands`);
    for (const c of config.commands) {
      assert.ok(c.summary, `${c.id}: summary`);
      assert.ok((c.examples ?? []).length > 0, `${c.id}: examples`);
      assert.ok('json' in c.flags, `${c.id}: --json`);
    }
  });

  test('flags and arguments match the reviewed snapshot', () => {
    const now: Snapshot = {};
    for (const c of [...config.commands].sort((a, b) => a.id.localeCompare(b.id))) {
      now[c.id] = {
        args: Object.keys(c.args ?? {}),
        flags: Object.fromEntries(
          Object.entries(c.flags)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([name, f]) => [
              name,
              `${f.type}${f.char ? ` -${f.char}` : ''}${'options' in f && f.options ? ` (${f.options.join('|')})` : ''}`,
            ]),
        ),
      };
    }
    if (process.env.UPDATE_SNAPSHOT === '1') writeFileSync(SNAPSHOT, JSON.stringify(now, null, 2) + '\n');
    assert.deepEqual(
      now,
      JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as Snapshot,
      'flags changed: review, then UPDATE_SNAPSHOT=1',
    );
  });

  test('bad usage under --json: exit 2, nothing on stdout, a JSON error on stderr — for every command', async () => {
    const results = await Promise.all(
      config.commands.map((c) => runCli([...c.id.split(':'), '--json', '--no-such-flag'])),
    );
    for (const [i, r] of results.entries()) {
      const id = config.commands[i]!.id;
      assert.equal(r.code, 2, `${id}: ${r.stderr}`);
      assert.equal(r.stdout, '', id);
      const body = JSON.parse(r.stderr) as {
        error: { code: string; message: string; suggestions: string[] };
      };
      assert.equal(body.error.code, 'E_USAGE', id);
      assert.match(body.error.message, /no-such-flag/, id);
    }
  });

  test('highalert --help lists every command with its one-line summary', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0);
    for (const c of config.commands)
      if (!c.id.includes(':')) assert.match(r.stdout, new RegExp(`\\b${c.id}\\b`));
  });
});

test('the package main exports parseShow, the session layer and the inventory loader for scripts', async () => {
  const main = (await import(path.join(ROOT, 'dist/src/index.js'))) as Record<string, unknown>;
  for (const name of ['parseShow', 'parseShowAs', 'connect', 'loadInventory', 'parseMac', 'HighAlertError'])
    assert.equal(typeof main[name], 'function', name);
});
