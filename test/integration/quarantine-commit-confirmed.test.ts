/**
 * commit_confirmed devices: the change goes in under `configure terminal revert timer N` and is kept
 * with `configure confirm`; without the archive feature the device is refused with a clear error
 * and nothing is left changed.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { parse, stringify } from 'yaml';
import { HighAlertError } from '../../src/errors.js';
import type { Lab } from '../../src/lab/index.js';
import { configs, labWithState, quarantineIn, releaseIn } from './quarantine-helpers.js';

describe('commit-confirmed on an access switch', () => {
  let lab: Lab;
  let statePath: string;
  before(async () => {
    ({ lab, statePath } = await labWithState({ switches: 1, hostsPerSwitch: 2 }));
    const doc = parse(await readFile(lab.inventoryPath, 'utf8')) as {
      devices: Array<Record<string, unknown>>;
    };
    const sw = doc.devices.find((d) => d.name === 'lab-sw1')!;
    sw.commit_confirmed = true;
    sw.commit_confirmed_minutes = 5;
    await writeFile(lab.inventoryPath, stringify(doc));
  });
  after(async () => lab.stop());

  test('without archive: refused with E_ARCHIVE_MISSING, exit 3, every device as before', async () => {
    const before = configs(lab);
    await assert.rejects(quarantineIn(lab, statePath, lab.hosts()[0]!.mac), (err: unknown) => {
      assert.ok(err instanceof HighAlertError);
      assert.equal(err.exitCode, 3);
      assert.match(err.message, /archive feature is not configured/);
      assert.match(err.message, /Rolled back/);
      return true;
    });
    assert.deepEqual(configs(lab), before);
  });

  test('with archive: the change goes in under a revert timer and is confirmed', async () => {
    const sw = lab.device('lab-sw1');
    sw.configure(['archive', ' path flash:archive']);
    const dry = await quarantineIn(lab, statePath, lab.hosts()[0]!.mac, { dryRun: true });
    assert.equal(dry.outcome, 'dry-run');
    if (dry.outcome === 'dry-run') {
      assert.deepEqual(dry.plan.session, {
        'lab-sw1': { before: ['configure terminal revert timer 5'], after: ['configure confirm'] },
      });
    }
    sw.clearReceived();
    const q = await quarantineIn(lab, statePath, lab.hosts()[0]!.mac);
    assert.equal(q.outcome, 'quarantined');
    const got = sw.received();
    assert.ok(got.includes('configure terminal revert timer 5'), got.join('\n'));
    assert.ok(got.indexOf('configure confirm') > got.indexOf('configure terminal revert timer 5'));
    assert.equal(sw.expireRevertTimer(), false, 'no rollback left pending');
    assert.match(sw.runningConfig(), /ip access-group HA-IP-/);
    assert.equal((await releaseIn(lab, statePath, lab.hosts()[0]!.mac)).outcome, 'released');
  });
});
