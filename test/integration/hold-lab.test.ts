/** `highalert hold` / `unhold` against the IOS lab over SSH, through the built CLI (npm run build first). */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { startLab, type Lab } from '../../src/lab/index.js';
import { openState } from '../../src/state/index.js';
import { runCli } from '../helpers/cli.js';

let lab: Lab;
let statePath: string;
let inventoryPath: string;
let hook: http.Server;
const posts: Array<{ headers: http.IncomingHttpHeaders; body: Record<string, unknown> }> = [];
const TOKEN = 'Bearer lab-dc-token-7f3a';

const configLines = (received: string[]) =>
  received.filter(
    (l) => !/^(exit|enable|terminal (length|width) \d+|show running-config|end|write memory)$/.test(l),
  );

const cli = (...args: string[]) =>
  runCli([...args, '--inventory', inventoryPath, '--state', statePath], {
    env: { HIGHALERT_STATE: undefined, HA_LAB_DC_TOKEN: TOKEN, HIGHALERT_OPERATOR: 'noc-tester' },
  });

describe('highalert hold / unhold (lab)', () => {
  before(async () => {
    lab = await startLab({ switches: 1, hostsPerSwitch: 2 });
    statePath = path.join(lab.dir, 'state.db');
    hook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        posts.push({ headers: req.headers, body: JSON.parse(body) as Record<string, unknown> });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const doc = parse(readFileSync(lab.inventoryPath, 'utf8')) as Record<string, unknown>;
    doc.decision_controller = {
      url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/highalert`,
      auth_header: 'Authorization',
      auth_env: 'HA_LAB_DC_TOKEN',
    };
    inventoryPath = path.join(lab.dir, 'inventory-dc.yaml');
    writeFileSync(inventoryPath, stringify(doc));
    const r = await cli('setup', '--yes');
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    hook.close();
    await lab.stop();
  });
  beforeEach(() => lab.device('lab-gw').clearReceived());

  it('without a terminal and without --yes: exit 2, nothing sent, no hold recorded', async () => {
    const r = await cli('hold', '--message', 'Incident 4711');
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /not a terminal: pass --yes to apply/);
    assert.deepEqual(configLines(lab.device('lab-gw').received()), []);
    const state = openState(statePath);
    try {
      assert.equal(state.activeHold(), undefined);
    } finally {
      state.close();
    }
  });

  it('rejects a message that cannot be sent safely', async () => {
    const r = await cli('hold', '--message', 'bad; idea', '--yes');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /hold message contains ";"/);
  });

  it('hold then unhold leaves the gateway byte-identical; the message is recorded and posted', async () => {
    const before = lab.device('lab-gw').runningConfig();
    const dry = await cli('hold', '--message', 'Incident 4711: on hold', '--dry-run', '--json');
    assert.equal(dry.code, 0, dry.stderr);
    const dryLines = (JSON.parse(dry.stdout) as { lines: Record<string, string[]> }).lines;

    const r = await cli('hold', '--message', 'Incident 4711: on hold', '--yes', '--json');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      lines: Record<string, string[]>;
      hold: { message: string; operator: string };
      notice: { ok: boolean };
    };
    assert.deepEqual(out.lines, dryLines);
    assert.equal(out.hold.message, 'Incident 4711: on hold');
    assert.equal(out.hold.operator, 'noc-tester');
    assert.equal(out.notice.ok, true);
    assert.doesNotMatch(r.stdout + r.stderr, /lab-dc-token/);
    const held = lab.device('lab-gw').runningConfig();
    assert.match(
      held,
      /interface Vlan10\n ip address 10\.10\.0\.1 255\.255\.255\.0\n ip access-group HA-HOLD-10 in\n/,
    );
    assert.match(
      held,
      /ip access-list extended HA-HOLD-10\n remark highalert hold\n permit udp any eq bootpc any eq bootps\n permit udp any any eq domain\n permit tcp any any eq domain\n permit ip 10\.10\.0\.240 0\.0\.0\.7 host 10\.10\.0\.9\n/,
    );
    assert.match(held, / deny {3}ip host 10\.10\.0\.250 any\n permit ip any any\n/);
    const post = posts.at(-1)!;
    assert.equal(post.headers.authorization, TOKEN);
    assert.equal(post.body.event, 'hold');
    assert.equal(post.body.message, 'Incident 4711: on hold');

    const u = await cli('unhold', '--yes');
    assert.equal(u.code, 0, u.stderr);
    assert.match(u.stdout, /Hold ended/);
    assert.equal(lab.device('lab-gw').runningConfig(), before);
    assert.equal(posts.at(-1)!.body.event, 'unhold');
  });

  it('hold twice: "already on hold", exit 0, nothing sent; unhold twice: "not on hold"', async () => {
    const first = await cli('hold', '-m', 'first', '--yes');
    assert.equal(first.code, 0, first.stderr);
    lab.device('lab-gw').clearReceived();
    const postsBefore = posts.length;
    const again = await cli('hold', '-m', 'second', '--yes');
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Already on hold since .* "first"\); nothing sent/);
    assert.deepEqual(lab.device('lab-gw').received(), []);
    assert.equal(posts.length, postsBefore);
    assert.equal((await cli('unhold', '--yes')).code, 0);
    lab.device('lab-gw').clearReceived();
    const none = await cli('unhold', '--yes', '--json');
    assert.equal(none.code, 0, none.stderr);
    assert.equal((JSON.parse(none.stdout) as { idempotent: boolean }).idempotent, true);
    assert.deepEqual(lab.device('lab-gw').received(), []);
  });

  it('an SVI with its own inbound ACL gets exactly that ACL back', async () => {
    lab
      .device('lab-gw')
      .configure([
        'ip access-list extended CORP-IN',
        ' deny tcp any any eq 23',
        ' permit ip any any',
        'exit',
        'interface Vlan10',
        ' ip access-group CORP-IN in',
      ]);
    const before = lab.device('lab-gw').runningConfig();
    const r = await cli('hold', '-m', 'with corp acl', '--yes');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /warning: lab-gw Vlan10: inbound ACL CORP-IN is replaced by HA-HOLD-10/);
    assert.match(lab.device('lab-gw').interfaceConfig('Vlan10'), / ip access-group HA-HOLD-10 in\n/);
    // Everyone outside the pool keeps CORP-IN's filtering during the hold: its entries close HA-HOLD-10.
    const held = lab.device('lab-gw').runningConfig();
    const holdAcl = held.slice(held.indexOf('ip access-list extended HA-HOLD-10'));
    assert.match(
      holdAcl,
      /^ deny +ip host 10\.10\.0\.250 any\n deny +tcp any any eq telnet\n permit ip any any\n/m,
    );
    const u = await cli('unhold', '--yes');
    assert.equal(u.code, 0, u.stderr);
    assert.equal(lab.device('lab-gw').runningConfig(), before);
  });

  it('a numbered or standard inbound ACL on the SVI is refused (it cannot be merged), nothing sent', async () => {
    const bound = / ip access-group (\S+) in/.exec(lab.device('lab-gw').interfaceConfig('Vlan10'))?.[1];
    lab.device('lab-gw').configure(['interface Vlan10', ' ip access-group 101 in']);
    const before = lab.device('lab-gw').runningConfig();
    const r = await cli('hold', '-m', 'numbered', '--yes', '--json');
    assert.equal(r.code, 2, r.stderr);
    assert.equal((JSON.parse(r.stderr) as { error: { code: string } }).error.code, 'E_SVI_ACL_UNSUPPORTED');
    assert.equal(lab.device('lab-gw').runningConfig(), before);
    lab
      .device('lab-gw')
      .configure(['interface Vlan10', bound ? ` ip access-group ${bound} in` : ' no ip access-group 101 in']);
  });

  it('unhold refuses (exit 1) when the SVI binding was changed by hand during the hold', async () => {
    assert.equal((await cli('hold', '-m', 'drift test', '--yes')).code, 0);
    lab.device('lab-gw').configure(['interface Vlan10', ' ip access-group OTHER in']);
    lab.device('lab-gw').clearReceived();
    const u = await cli('unhold', '--yes');
    assert.equal(u.code, 1, u.stderr);
    assert.match(u.stderr, /Vlan10 has inbound ACL OTHER, but the hold bound HA-HOLD-10 over CORP-IN/);
    assert.deepEqual(configLines(lab.device('lab-gw').received()), []);
    // Put the binding back as the hold left it; unhold then restores CORP-IN.
    lab.device('lab-gw').configure(['interface Vlan10', ' ip access-group HA-HOLD-10 in']);
    assert.equal((await cli('unhold', '--yes')).code, 0);
    assert.match(lab.device('lab-gw').interfaceConfig('Vlan10'), / ip access-group CORP-IN in\n/);
  });

  it('a failed hold is rolled back on the gateway and not left recorded', async () => {
    const before = lab.device('lab-gw').runningConfig();
    lab.device('lab-gw').setFaults({ rejectPattern: /^ ?ip access-group HA-HOLD/ });
    try {
      const r = await cli('hold', '-m', 'will fail', '--yes');
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /Rolled back/);
    } finally {
      lab.device('lab-gw').clearFaults();
    }
    assert.equal(lab.device('lab-gw').runningConfig(), before);
    const state = openState(statePath);
    try {
      assert.equal(state.activeHold(), undefined);
    } finally {
      state.close();
    }
  });

  it('audit holds the hold in the state against the gateway: a missing or orphan hold ACL is drift', async () => {
    const kinds = async () => {
      const r = await cli('audit', '--json');
      return (JSON.parse(r.stdout) as { findings: Array<{ kind: string }> }).findings.map((f) => f.kind);
    };
    assert.equal((await cli('hold', '-m', 'audit me', '--yes')).code, 0);
    assert.ok(!(await kinds()).some((k) => k.includes('hold')));
    const bound = / ip access-group (\S+) in/.exec(lab.device('lab-gw').interfaceConfig('Vlan10'))![1]!;
    lab.device('lab-gw').configure(['interface Vlan10', ` no ip access-group ${bound} in`]);
    assert.ok((await kinds()).includes('hold-missing'));
    lab.device('lab-gw').configure(['interface Vlan10', ` ip access-group ${bound} in`]);
    assert.equal((await cli('unhold', '--yes')).code, 0);
    assert.ok(!(await kinds()).some((k) => k.includes('hold')));
    lab.device('lab-gw').configure(['ip access-list extended HA-HOLD-10', ' permit ip any any']);
    assert.ok((await kinds()).includes('orphan-hold'));
    lab.device('lab-gw').configure(['no ip access-list extended HA-HOLD-10']);
  });
});
