/** Shared by the state tests: a fresh database in a temp folder, and sample values. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { openState, type OpenStateOptions, type StateStore } from '../../src/state/index.js';
import type { NewQuarantine } from '../../src/state/types.js';
import { parseInterface } from '../../src/values/interface.js';
import { parseIp, type IpAddress } from '../../src/values/ip.js';
import { parseMac, type Mac } from '../../src/values/mac.js';

/** A temp folder removed after the test file. */
export function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'highalert-state-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function freshStore(options: OpenStateOptions = {}): StateStore {
  const store = openState(path.join(tempDir(), 'state.db'), options);
  after(() => store.close());
  return store;
}

export const mac = (n: number): Mac => parseMac(`02:00:00:00:00:${n.toString(16).padStart(2, '0')}`);

/** `10.1.20.240` … — an n-address High-Alert pool. */
export const pool = (n: number, first = 240): IpAddress[] =>
  Array.from({ length: n }, (_, i) => parseIp(`10.1.20.${first + i}`));

export function sampleQuarantine(overrides: Partial<NewQuarantine> = {}): NewQuarantine {
  return {
    target: '10.1.20.17',
    userId: 'jdoe',
    mac: mac(1),
    site: 'hq',
    vlan: 20,
    switch: 'acc-sw1',
    port: parseInterface('Gi1/0/5'),
    previousIp: parseIp('10.1.20.17'),
    snapshot: { 'acc-sw1': 'interface GigabitEthernet1/0/5\n switchport access vlan 20\n' },
    reason: 'suricata alert 2024897',
    operator: 'alice',
    ttlS: 3600,
    renewMethod: 'bounce',
    evidence: [{ source: 'suricata', sid: 2024897 }],
    details: { ticket: 'NOC-1' },
    ...overrides,
  };
}
