/** `highalert lab up` as a user runs it: foreground, JSON description, a valid inventory, clean stop. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { BIN, runCli } from '../helpers/cli.js';

test('lab up --json prints the devices and paths, serves SSH until SIGTERM, and its inventory validates', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ha-labup-'));
  const child = spawn(
    process.execPath,
    [BIN, 'lab', 'up', '--switches', '2', '--hosts-per-switch', '2', '--dir', dir, '--json'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const started = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`lab up did not start: ${out}`)), 20_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      try {
        const json = JSON.parse(out) as Record<string, unknown>;
        clearTimeout(timer);
        resolve(json);
      } catch {
        // not complete yet
      }
    });
  });
  try {
    const devices = started.devices as Array<{ name: string; port: number }>;
    assert.deepEqual(
      devices.map((d) => d.name),
      ['lab-gw', 'lab-sw1', 'lab-sw2'],
    );
    assert.ok(devices.every((d) => d.port > 0));
    const inventory = started.inventory as string;
    const valid = await runCli(['inventory', 'validate', inventory, '--json']);
    assert.equal(valid.code, 0, valid.stderr);
    const dry = await runCli([
      'quarantine',
      'alice',
      '--dry-run',
      '--json',
      '-i',
      inventory,
      '--state',
      path.join(dir, 's.db'),
    ]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal((JSON.parse(dry.stdout) as { outcome: string }).outcome, 'dry-run');
  } finally {
    child.kill('SIGTERM');
  }
  const code = await new Promise<number | null>((r) => child.on('close', r));
  assert.equal(code, 0, 'stops cleanly on SIGTERM');
});
