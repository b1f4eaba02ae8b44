/** hold/unhold planning (pure) and the decision-controller notice. */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseRunningConfig } from '../../src/devices/parsers/index.js';
import type { HighAlertError } from '../../src/errors.js';
import { planHold, planUnhold, type HoldSnapshot } from '../../src/gateway/hold.js';
import { postNotice } from '../../src/notify/webhook.js';
import { loadInventory } from '../../src/inventory/index.js';

const { inventory } = await loadInventory(path.resolve('test/fixtures/inventory/valid-minimal.yaml'));

const gw = (svi: string[], extra: string[] = []) =>
  parseRunningConfig(
    ['!', 'interface Vlan20', ' ip address 10.20.0.1 255.255.255.0', ...svi, '!', ...extra, 'end', ''].join(
      '\n',
    ),
  ).records[0]!;

describe('planHold', () => {
  it('binds HA-HOLD-<vlan>, snapshots the previous inbound ACL and undoes to it', () => {
    const p = planHold({
      inventory,
      vlans: inventory.vlans,
      configs: new Map([['gw1', gw([' ip access-group CORP-IN in'])]]),
    });
    assert.deepEqual(p.snapshot, {
      version: 1,
      gateways: [
        {
          device: 'gw1',
          interface: 'Vlan20',
          site: 'hq',
          vlan: 20,
          acl: 'HA-HOLD-20',
          previousIn: 'CORP-IN',
        },
      ],
    });
    assert.deepEqual(p.steps[0]!.lines.slice(-2), ['interface Vlan20', ' ip access-group HA-HOLD-20 in']);
    assert.deepEqual(p.steps[0]!.undo, [
      'interface Vlan20',
      ' ip access-group CORP-IN in',
      'no ip access-list extended HA-HOLD-20',
    ]);
    assert.match(p.warnings[0]!, /CORP-IN is replaced by HA-HOLD-20/);
  });

  it('refuses when a hold ACL is already on the device but no hold is recorded', () => {
    assert.throws(
      () =>
        planHold({
          inventory,
          vlans: inventory.vlans,
          configs: new Map([['gw1', gw([' ip access-group HA-HOLD-20 in'])]]),
        }),
      (e: HighAlertError) => e.code === 'E_HOLD_DRIFT' && e.exitCode === 1,
    );
  });
});

describe('planUnhold', () => {
  const snapshot: HoldSnapshot = {
    version: 1,
    gateways: [
      { device: 'gw1', interface: 'Vlan20', site: 'hq', vlan: 20, acl: 'HA-HOLD-20', previousIn: null },
    ],
  };
  const holdAcl = ['ip access-list extended HA-HOLD-20', ' permit ip any any', '!'];

  it('unbinds and deletes the hold ACL when there was no previous ACL', () => {
    const p = planUnhold({
      inventory,
      snapshot,
      configs: new Map([['gw1', gw([' ip access-group HA-HOLD-20 in'], holdAcl)]]),
    });
    assert.deepEqual(p.steps[0]!.lines, [
      'interface Vlan20',
      ' no ip access-group HA-HOLD-20 in',
      'no ip access-list extended HA-HOLD-20',
    ]);
    assert.deepEqual(p.steps[0]!.undo.slice(-2), ['interface Vlan20', ' ip access-group HA-HOLD-20 in']);
  });

  it('has nothing to do when the SVI is already back', () => {
    const p = planUnhold({ inventory, snapshot, configs: new Map([['gw1', gw([])]]) });
    assert.deepEqual(p.steps, []);
    assert.equal(p.vlans[0]!.status, 'unchanged');
  });

  it('refuses (exit 1) when the binding was changed by hand during the hold', () => {
    assert.throws(
      () =>
        planUnhold({
          inventory,
          snapshot,
          configs: new Map([['gw1', gw([' ip access-group OTHER in'], holdAcl)]]),
        }),
      (e: HighAlertError) => e.code === 'E_HOLD_DRIFT' && e.exitCode === 1 && /OTHER/.test(e.message),
    );
  });
});

describe('postNotice', () => {
  async function server(status: number): Promise<{
    url: string;
    got: Array<{ headers: http.IncomingHttpHeaders; body: string }>;
    close: () => void;
  }> {
    const got: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
    const s = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        got.push({ headers: req.headers, body });
        res.statusCode = status;
        res.end('{}');
      });
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    return { url: `http://127.0.0.1:${port}/hook`, got, close: () => s.close() };
  }

  it('posts JSON with the auth header from the environment, and never returns it', async () => {
    const s = await server(200);
    try {
      const r = await postNotice(
        { url: s.url, authHeader: 'X-Token', authEnv: 'HA_TEST_TOKEN' },
        { event: 'hold', message: 'm' },
        { env: { HA_TEST_TOKEN: 's3cret' } },
      );
      assert.deepEqual(r, { ok: true, url: s.url, status: 200 });
      assert.equal(s.got[0]!.headers['x-token'], 's3cret');
      assert.deepEqual(JSON.parse(s.got[0]!.body), { event: 'hold', message: 'm' });
    } finally {
      s.close();
    }
  });

  it('reports HTTP errors, a missing variable and an unreachable server as warnings', async () => {
    const s = await server(503);
    try {
      const r = await postNotice({ url: s.url, authHeader: undefined, authEnv: undefined }, {}, {});
      assert.equal(r.ok, false);
      assert.match(r.error ?? '', /HTTP 503/);
    } finally {
      s.close();
    }
    const missing = await postNotice(
      { url: 'http://127.0.0.1:9/', authHeader: 'A', authEnv: 'HA_NOPE' },
      {},
      { env: {} },
    );
    assert.match(missing.error!, /HA_NOPE .* not set/);
    const down = await postNotice(
      { url: 'http://127.0.0.1:9/', authHeader: undefined, authEnv: undefined },
      {},
      { timeoutMs: 2000 },
    );
    assert.equal(down.ok, false);
    assert.ok(down.error);
  });
});
