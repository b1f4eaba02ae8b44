/** setup planning (pure), its templates, the Kea path with a fake server, and confirmOrRefuse. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import path from 'node:path';
import { parseRunningConfig, type RunningConfig } from '../../src/devices/parsers/index.js';
import { confirmOrRefuse, isInteractive } from '../../src/cli/confirm.js';
import type { HighAlertError } from '../../src/errors.js';
import { runSetup, type GatewayNetwork, type GatewayRunEnv } from '../../src/gateway/run.js';
import { planSetup, type GuardedPoolServer } from '../../src/gateway/setup.js';
import { loadInventory, type ResolvedInventory } from '../../src/inventory/index.js';
import { renderLines } from '../../src/render/templates.js';
import { openState } from '../../src/state/index.js';
import type { DhcpScope } from '../../src/dhcp/backend.js';
import type { IpRange } from '../../src/values/ip.js';
import { parseConfigName, parseInterface, parseIp } from '../../src/values/index.js';

const FIXTURE = path.resolve('test/fixtures/inventory/valid-minimal.yaml');
const { inventory } = await loadInventory(FIXTURE);

function gw(extra = '', svi = ''): string {
  return [
    'Building configuration...',
    '',
    'Current configuration : 100 bytes',
    '!',
    'hostname gw1',
    '!',
    'interface Vlan20',
    ' ip address 10.20.0.1 255.255.255.0',
    ...(svi ? [svi] : []),
    '!',
    extra,
    'end',
    '',
  ].join('\n');
}

const parsed = (text: string): RunningConfig => parseRunningConfig(text).records[0]!;

const keaPlan = (changed: boolean) =>
  new Map([
    [
      'hq/20',
      {
        server: 'kea',
        site: 'hq',
        vlan: 20,
        scope: { subnet: '10.20.0.0/24', subnetId: 20 },
        range: inventory.vlans[0]!.highAlertPool.range,
        changed,
        preview: [],
      },
    ],
  ]);

function plan(text: string, kea = keaPlan(false)) {
  return planSetup({
    inventory,
    site: null,
    vlans: inventory.vlans,
    configs: new Map([['gw1', parsed(text)]]),
    kea,
  });
}

describe('planSetup', () => {
  it('plans the pool ACL, route-map and binding on a bare gateway, with an exact undo', () => {
    const p = plan(gw());
    assert.equal(p.steps.length, 1);
    assert.deepEqual(p.steps[0]!.lines, [
      'ip access-list extended HA-POOL-hq-20',
      ' permit ip 10.20.0.240 0.0.0.7 any',
      ' permit ip 10.20.0.248 0.0.0.1 any',
      ' permit ip host 10.20.0.250 any',
      'route-map HA-PBR-20 permit 10',
      ' match ip address HA-POOL-hq-20',
      ' set ip next-hop 10.0.9.10',
      'interface Vlan20',
      ' ip policy route-map HA-PBR-20',
    ]);
    assert.deepEqual(p.steps[0]!.undo, [
      'interface Vlan20',
      ' no ip policy route-map HA-PBR-20',
      'no route-map HA-PBR-20 permit 10',
      'no ip access-list extended HA-POOL-hq-20',
    ]);
    assert.equal(p.vlans[0]!.status, 'change');
  });

  it('plans nothing when everything is there (in IOS spelling)', () => {
    const p = plan(
      gw(
        [
          'ip access-list extended HA-POOL-hq-20',
          ' 10 permit ip 10.20.0.240 0.0.0.7 any',
          ' 20 permit ip 10.20.0.248 0.0.0.1 any',
          ' 30 permit ip host 10.20.0.250 any',
          '!',
          'route-map HA-PBR-20 permit 10 ',
          ' match ip address HA-POOL-hq-20',
          ' set ip next-hop 10.0.9.10',
          '!',
        ].join('\n'),
        ' ip policy route-map HA-PBR-20',
      ),
    );
    assert.deepEqual(p.steps, []);
    assert.equal(p.vlans[0]!.status, 'unchanged');
  });

  it('sends only the missing lines and removes stale pool entries; undo restores them', () => {
    const p = plan(
      gw(
        [
          'ip access-list extended HA-POOL-hq-20',
          ' permit ip 10.20.0.240 0.0.0.7 any',
          ' permit ip host 10.20.0.251 any',
          '!',
          'route-map HA-PBR-20 permit 10',
          ' match ip address HA-POOL-hq-20',
          ' set ip next-hop 10.0.9.99',
          ' set ip next-hop verify-availability',
          '!',
        ].join('\n'),
      ),
    );
    assert.deepEqual(p.steps[0]!.lines, [
      'ip access-list extended HA-POOL-hq-20',
      ' permit ip 10.20.0.248 0.0.0.1 any',
      ' permit ip host 10.20.0.250 any',
      ' no permit ip host 10.20.0.251 any',
      'route-map HA-PBR-20 permit 10',
      ' set ip next-hop 10.0.9.10',
      ' no set ip next-hop 10.0.9.99',
      ' no set ip next-hop verify-availability',
      'interface Vlan20',
      ' ip policy route-map HA-PBR-20',
    ]);
    assert.deepEqual(p.steps[0]!.undo, [
      'interface Vlan20',
      ' no ip policy route-map HA-PBR-20',
      'route-map HA-PBR-20 permit 10',
      ' set ip next-hop verify-availability',
      ' set ip next-hop 10.0.9.99',
      ' no set ip next-hop 10.0.9.10',
      'ip access-list extended HA-POOL-hq-20',
      ' permit ip host 10.20.0.251 any',
      ' no permit ip 10.20.0.248 0.0.0.1 any',
      ' no permit ip host 10.20.0.250 any',
    ]);
  });

  it('refuses an SVI bound to another route-map, and a pool ACL with foreign entries', () => {
    assert.throws(
      () => plan(gw('', ' ip policy route-map CORP-PBR')),
      (e: HighAlertError) => e.code === 'E_PBR_IN_USE' && e.exitCode === 2 && /CORP-PBR/.test(e.message),
    );
    assert.throws(
      () => plan(gw('ip access-list extended HA-POOL-hq-20\n permit tcp any any eq www\n!')),
      (e: HighAlertError) => e.code === 'E_POOL_ACL_FOREIGN',
    );
    assert.throws(
      () => plan(gw().replace('interface Vlan20', 'interface Vlan21')),
      (e: HighAlertError) => e.code === 'E_SVI_MISSING',
    );
  });

  it('skips IPv6 VLANs with a clear reason', () => {
    const v6 = {
      ...inventory.vlans[0]!,
      version: 6 as const,
      id: 30,
    };
    const p = planSetup({ inventory, site: null, vlans: [v6], configs: new Map(), kea: new Map() });
    assert.equal(p.vlans[0]!.status, 'skipped');
    assert.match(p.vlans[0]!.reason!, /IPv6.*not implemented/);
    assert.deepEqual(p.steps, []);
  });
});

describe('setup templates', () => {
  it('dhcp_exclude renders the range and its removal', () => {
    const first = parseIp('10.10.0.240');
    const last = parseIp('10.10.0.250');
    assert.deepEqual(renderLines('cisco_ios', 'dhcp_exclude', { first, last, remove: false }), [
      'ip dhcp excluded-address 10.10.0.240 10.10.0.250',
    ]);
    assert.deepEqual(renderLines('cisco_ios', 'dhcp_exclude', { first, last: null, remove: true }), [
      'no ip dhcp excluded-address 10.10.0.240',
    ]);
  });

  it('hold and unhold render the hold ACL and restore a previous binding', () => {
    const acl = parseConfigName('HA-HOLD-20');
    const iface = parseInterface('Vlan20');
    assert.deepEqual(
      renderLines('cisco_ios', 'hold_gateway', {
        acl,
        interface: iface,
        pool: [{ address: parseIp('10.20.0.240'), wildcard: parseIp('0.0.0.15') }],
        monitor: parseIp('10.0.9.10'),
        keep: [],
        bind: true,
      }),
      [
        'ip access-list extended HA-HOLD-20',
        ' remark highalert hold',
        ' permit udp any eq bootpc any eq bootps',
        ' permit udp any any eq domain',
        ' permit tcp any any eq domain',
        ' permit ip 10.20.0.240 0.0.0.15 host 10.0.9.10',
        ' deny ip 10.20.0.240 0.0.0.15 any',
        ' permit ip any any',
        'interface Vlan20',
        ' ip access-group HA-HOLD-20 in',
      ],
    );
    assert.deepEqual(
      renderLines('cisco_ios', 'unhold_gateway', {
        acl,
        interface: iface,
        previous: 101,
        bound: true,
        acl_exists: true,
      }),
      ['interface Vlan20', ' ip access-group 101 in', 'no ip access-list extended HA-HOLD-20'],
    );
  });
});

class FakeNetwork implements GatewayNetwork {
  sent: Array<{ device: string; lines: string[] }> = [];
  constructor(private readonly configs: Record<string, string>) {}
  async show(device: string): Promise<string> {
    return this.configs[device]!;
  }
  async configure(device: string, lines: string[]): Promise<void> {
    this.sent.push({ device, lines });
  }
  async configureLenient(device: string, lines: string[]): Promise<string[]> {
    this.sent.push({ device, lines });
    return [];
  }
  async finish(): Promise<void> {}
}

class FakeKea implements GuardedPoolServer {
  readonly name = 'kea';
  ensured: Array<{ scope: DhcpScope; range: IpRange }> = [];
  constructor(private config: Record<string, unknown>) {}
  async getConfig(): Promise<unknown> {
    return this.config;
  }
  async ensureGuardedPool(scope: DhcpScope, range: IpRange) {
    this.ensured.push({ scope, range });
    return { changed: true, preview: [] };
  }
}

const keaConfig = (guarded: boolean) => ({
  Dhcp4: {
    ...(guarded
      ? { 'client-classes': [{ name: 'HIGH_ALERT_NEVER_DYNAMIC', test: "'never' == 'dynamic'" }] }
      : {}),
    subnet4: [
      {
        id: 20,
        subnet: '10.20.0.0/24',
        ...(guarded ? { authoritative: true } : {}),
        pools: [
          { pool: '10.20.0.100 - 10.20.0.199' },
          ...(guarded
            ? [{ pool: '10.20.0.240 - 10.20.0.250', 'client-class': 'HIGH_ALERT_NEVER_DYNAMIC' }]
            : []),
        ],
      },
    ],
  },
});

function env(
  inv: ResolvedInventory,
  net: FakeNetwork,
  kea: FakeKea,
  confirm: () => Promise<boolean> = async () => true,
): GatewayRunEnv & { store: ReturnType<typeof openState> } {
  const store = openState(':memory:');
  return {
    inventory: inv,
    network: net,
    state: () => store,
    operator: 'tester',
    commandLine: 'highalert setup',
    confirm,
    guardedPool: async () => kea,
    store,
  };
}

describe('runSetup with a Kea-backed VLAN (fake server)', () => {
  it('guards the pool with ensureGuardedPool, then configures the gateway, journalled', async () => {
    const net = new FakeNetwork({ gw1: gw() });
    const kea = new FakeKea(keaConfig(false));
    const e = env(inventory, net, kea);
    const r = await runSetup(e, { dryRun: false });
    assert.equal(r.applied, true);
    assert.equal(r.changed, true);
    assert.deepEqual(kea.ensured, [
      { scope: { subnet: '10.20.0.0/24', subnetId: 20 }, range: inventory.vlans[0]!.highAlertPool.range },
    ]);
    assert.equal(net.sent.length, 1);
    assert.equal(net.sent[0]!.device, 'gw1');
    assert.equal(r.kea[0]!.changed, true);
    const op = e.store.getOperation(r.operationId!)!;
    assert.equal(op.status, 'done');
    assert.deepEqual(
      e.store.stepsOf(op.id).map((s) => s.status),
      ['done'],
    );
  });

  it('dry-run previews the Kea change from the config and changes nothing', async () => {
    const net = new FakeNetwork({ gw1: gw() });
    const kea = new FakeKea(keaConfig(false));
    const r = await runSetup(env(inventory, net, kea), { dryRun: true });
    assert.equal(r.dryRun, true);
    assert.match(r.kea[0]!.preview[0]!, /^\+ subnet 10\.20\.0\.0\/24: pool 10\.20\.0\.240 - 10\.20\.0\.250/);
    assert.deepEqual(kea.ensured, []);
    assert.deepEqual(net.sent, []);
  });

  it('an already guarded pool and a set-up gateway: no changes, no prompt, nothing sent', async () => {
    const text = gw(
      'ip access-list extended HA-POOL-hq-20\n permit ip 10.20.0.240 0.0.0.7 any\n permit ip 10.20.0.248 0.0.0.1 any\n permit ip host 10.20.0.250 any\n!\nroute-map HA-PBR-20 permit 10\n match ip address HA-POOL-hq-20\n set ip next-hop 10.0.9.10\n!',
      ' ip policy route-map HA-PBR-20',
    );
    const net = new FakeNetwork({ gw1: text });
    const kea = new FakeKea(keaConfig(true));
    const r = await runSetup(
      env(inventory, net, kea, async () => assert.fail('must not ask when there is nothing to do')),
      { dryRun: false },
    );
    assert.equal(r.changed, false);
    assert.deepEqual(kea.ensured, []);
    assert.deepEqual(net.sent, []);
  });

  it('a Kea pool overlapping the High-Alert range is refused before anything is sent', async () => {
    const cfg = keaConfig(false);
    cfg.Dhcp4.subnet4[0]!.pools = [{ pool: '10.20.0.100 - 10.20.0.245' }];
    const net = new FakeNetwork({ gw1: gw() });
    await assert.rejects(
      runSetup(env(inventory, net, new FakeKea(cfg)), { dryRun: false }),
      (e: HighAlertError) => e.code === 'E_KEA_POOL_OVERLAP',
    );
    assert.deepEqual(net.sent, []);
  });

  it('declining sends nothing', async () => {
    const net = new FakeNetwork({ gw1: gw() });
    const kea = new FakeKea(keaConfig(false));
    const r = await runSetup(
      env(inventory, net, kea, async () => false),
      { dryRun: false },
    );
    assert.equal(r.declined, true);
    assert.deepEqual(net.sent, []);
    assert.deepEqual(kea.ensured, []);
  });
});

describe('confirmOrRefuse (as setup/hold/unhold use it)', () => {
  it('--yes goes ahead without asking', async () => {
    assert.equal(await confirmOrRefuse({ yes: true, json: false, question: 'q' }), true);
  });
  it('refuses without a terminal, and under --json, with exit 2', { skip: isInteractive() }, async () => {
    await assert.rejects(
      confirmOrRefuse({ yes: false, json: false, question: 'q' }),
      (e: HighAlertError) =>
        e.code === 'E_CONFIRM_REQUIRED' &&
        e.exitCode === 2 &&
        /^not a terminal: pass --yes to apply/.test(e.message),
    );
    await assert.rejects(
      confirmOrRefuse({ yes: false, json: true, question: 'q' }),
      (e: HighAlertError) => e.code === 'E_CONFIRM_REQUIRED',
    );
  });
});
