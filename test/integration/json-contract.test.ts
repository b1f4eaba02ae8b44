/**
 * `--json` is a contract for scripts (STYLE.md point 13): the shape of every command's JSON output
 * (keys and value types, recursively) is pinned in test/fixtures/json-shapes.json. A change to a
 * shape fails here until it is reviewed: UPDATE_SNAPSHOT=1 npm test.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Lab } from '../../src/lab/index.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { labWithState } from './quarantine-helpers.js';

const SNAPSHOT = path.join(ROOT, 'test/fixtures/json-shapes.json');

type Shape = string | Shape[] | { [key: string]: Shape };

/** The shape of a JSON value: types instead of values; arrays by their first element. */
function shape(value: unknown): Shape {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length ? [shape(value[0])] : [];
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, shape(v)]),
    );
  }
  return typeof value;
}

let lab: Lab;
let statePath: string;
before(async () => ({ lab, statePath } = await labWithState({ switches: 1, hostsPerSwitch: 3 })));
after(async () => lab.stop());

test('the JSON output of every command keeps its reviewed shape', async () => {
  const mac = lab.hosts()[0]!.mac;
  const common = ['--json', '-i', lab.inventoryPath, '--state', statePath];
  const report = path.join(lab.dir, 'report.json');
  const runs: Array<[string, string[]]> = [
    ['inventory validate', ['inventory', 'validate', lab.inventoryPath, '--json']],
    ['inventory show', ['inventory', 'show', '--json', '-i', lab.inventoryPath]],
    ['setup --dry-run', ['setup', '--dry-run', ...common]],
    ['setup', ['setup', '--yes', ...common]],
    ['quarantine --dry-run', ['quarantine', mac, '--dry-run', ...common]],
    ['quarantine', ['quarantine', mac, '--yes', ...common]],
    ['quarantine (again)', ['quarantine', mac, '--yes', ...common]],
    ['status', ['status', ...common]],
    ['audit', ['audit', ...common]],
    ['hold --dry-run', ['hold', '--message', 'maintenance', '--dry-run', ...common]],
    [
      'verdict --malicious --report-file',
      ['verdict', mac, '--malicious', '--report-file', report, ...common],
    ],
    ['expire --dry-run', ['expire', '--dry-run', ...common]],
    ['release --dry-run', ['release', mac, '--dry-run', ...common]],
    ['release', ['release', mac, '--yes', ...common]],
    ['release (again)', ['release', mac, '--yes', ...common]],
    ['history', ['history', '--limit', '3', ...common]],
    ['recover --dry-run', ['recover', '--dry-run', ...common]],
    ['error (bad target)', ['quarantine', 'no-such-thing', '--yes', ...common]],
  ];
  const now: Record<string, Shape> = {};
  for (const [name, args] of runs) {
    const r = await runCli(args);
    const out = name.startsWith('error') ? r.stderr : r.stdout;
    assert.ok(out.trim(), `${name}: output (exit ${r.code}, stderr ${r.stderr})`);
    now[name] = shape(JSON.parse(out));
  }
  if (process.env.UPDATE_SNAPSHOT === '1') writeFileSync(SNAPSHOT, JSON.stringify(now, null, 2) + '\n');
  assert.deepEqual(
    now,
    JSON.parse(readFileSync(SNAPSHOT, 'utf8')),
    'a --json shape changed: review it, then UPDATE_SNAPSHOT=1',
  );
});
