/** A High-Alert pool that is a dedicated subnet (not a range of the VLAN): reservations use its prefix. */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { parse, stringify } from 'yaml';
import type { Lab } from '../../src/lab/index.js';
import { labWithState, quarantineIn, releaseIn } from './quarantine-helpers.js';

let lab: Lab;
let statePath: string;
before(async () => {
  ({ lab, statePath } = await labWithState({ switches: 1, hostsPerSwitch: 2 }));
  const doc = parse(await readFile(lab.inventoryPath, 'utf8')) as {
    sites: Array<{ vlans: Array<Record<string, unknown>> }>;
  };
  doc.sites[0]!.vlans[0]!.high_alert_pool = { subnet: '10.10.99.0/28' };
  await writeFile(lab.inventoryPath, stringify(doc));
});
after(async () => lab.stop());

test('quarantine reserves from the dedicated subnet with its own mask; release removes it', async () => {
  const host = lab.hosts()[0]!;
  const q = await quarantineIn(lab, statePath, host.mac);
  assert.equal(q.outcome, 'quarantined');
  if (q.outcome !== 'quarantined') return;
  assert.match(q.quarantine.highAlertIp ?? '', /^10\.10\.99\.([2-9]|1[0-4])$/);
  assert.match(lab.device('lab-gw').runningConfig(), /^ host 10\.10\.99\.\d+ 255\.255\.255\.240$/m);
  assert.equal(lab.host(host.mac)!.ip, q.quarantine.highAlertIp);
  assert.equal((await releaseIn(lab, statePath, host.mac)).outcome, 'released');
  assert.doesNotMatch(lab.device('lab-gw').runningConfig(), /ip dhcp pool HA-/);
});
