/**
 * `highalert ingest` through the built CLI against the lab: a DAI line quarantines the host it
 * names; protected MACs / IPs are skipped; --dry-run and a refusal send nothing; the automatic
 * rate limit stops the second suspect (exit 1); hostile log text never reaches a device unsanitised.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse, stringify } from 'yaml';
import type { IngestResult } from '../../src/events/ingest.js';
import type { Lab, LabHost } from '../../src/lab/index.js';
import { runCli } from '../helpers/cli.js';
import { configLinesReceived, labWithState } from './quarantine-helpers.js';

interface InventoryDoc {
  protected: { macs?: string[] };
  defaults: { policy: Record<string, unknown> };
}

/** Anything that must never reach a device from a log line: `?`, `;`, control characters. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[?;\x00-\x1f\x7f]/;

/** The lab's `02:00:00:01:00:02` as IOS logs print it: `0200.0001.0002`. */
function ios(mac: string): string {
  return mac.replaceAll(':', '').replace(/^(.{4})(.{4})(.{4})$/, '$1.$2.$3');
}

function daiLine(h: LabHost, extra = ''): string {
  return `sw1: 000042: *Dec  4 10:00:00.123 UTC: %SW_DAI-4-DHCP_SNOOPING_DENY: 1 Invalid ARPs (Req) on ${h.port.replace('GigabitEthernet', 'Gi')}, vlan ${h.vlan}.([${ios(h.mac)}/${h.ip}/0000.0000.0000/10.10.0.1/10:00:00 UTC Fri Dec 4 2026])${extra}`;
}

function eveLine(src: string, signature: string): string {
  return JSON.stringify({
    timestamp: '2026-12-04T10:00:01.000000+0000',
    event_type: 'alert',
    src_ip: src,
    dest_ip: '8.8.8.8',
    alert: { signature, category: 'A Network Trojan was detected', severity: 1, signature_id: 1 },
  });
}

describe('ingest against the lab', () => {
  let lab: Lab;
  let n = 0;
  const ingest = (input: string, ...args: string[]) =>
    runCli(
      [
        'ingest',
        '-',
        ...args,
        '--inventory',
        lab.inventoryPath,
        '--state',
        path.join(lab.dir, `state-${n}.db`),
      ],
      { input, timeoutMs: 120_000 },
    );
  const configSent = () => lab.devices.flatMap((d) => configLinesReceived(d.received()));
  const editInventory = async (edit: (doc: InventoryDoc) => void) => {
    const doc = parse(await readFile(lab.inventoryPath, 'utf8')) as InventoryDoc;
    edit(doc);
    await writeFile(lab.inventoryPath, stringify(doc));
  };

  before(async () => {
    ({ lab } = await labWithState({ switches: 1, hostsPerSwitch: 8 }));
    await editInventory((doc) => {
      doc.protected.macs = [lab.hosts()[7]!.mac];
    });
  });
  after(async () => lab.stop());

  test('a DAI line naming a lab host quarantines it: the host ends at its High-Alert address', async () => {
    n = 1;
    const host = lab.hosts()[1]!;
    const oldIp = lab.host(host.mac)!.ip;
    const r = await ingest(
      `${daiLine(host)}\n%LINK-3-UPDOWN: Interface Gi1/0/2, changed state to up\n`,
      '--yes',
      '--json',
    );
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as IngestResult;
    assert.equal(out.events.length, 1);
    assert.deepEqual(
      out.warnings.map((w) => w.line),
      [2],
    );
    assert.equal(out.decisions[0]!.decision, 'quarantine');
    const res = out.results[0]!;
    assert.equal(res.outcome, 'quarantined');
    assert.equal(res.status, 'isolated');
    assert.equal(res.mac, host.mac);
    assert.match(res.highAlertIp!, /^10\.10\.0\.(24\d|250)$/);
    assert.equal(lab.host(host.mac)!.ip, res.highAlertIp, 'the host holds its High-Alert address');

    const again = await ingest(daiLine(host), '--yes', '--json');
    assert.equal(again.code, 0, again.stderr);
    assert.equal((JSON.parse(again.stdout) as IngestResult).decisions[0]!.decision, 'already-quarantined');

    // IP-only events: its High-Alert address is this quarantine; its old address may be another
    // device's by now, so that one is a suspect of its own.
    const byIp = await ingest(
      [eveLine(res.highAlertIp!, 'ET SCAN from quarantine'), eveLine(oldIp, 'ET SCAN from old address')].join(
        '\n',
      ),
      '--dry-run',
      '--json',
    );
    assert.equal(byIp.code, 0, byIp.stderr);
    assert.deepEqual(
      (JSON.parse(byIp.stdout) as IngestResult).decisions.map((d) => [d.target, d.decision]),
      [
        [res.highAlertIp, 'already-quarantined'],
        [oldIp, 'quarantine'],
      ],
    );
  });

  test('protected MAC and protected (infrastructure) IP are skipped; nothing is sent', async () => {
    n = 2;
    lab.devices.forEach((d) => d.clearReceived());
    const r = await ingest(
      [daiLine(lab.hosts()[7]!), eveLine('10.10.0.1', 'ET TROJAN gateway')].join('\n'),
      '--yes',
      '--json',
    );
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as IngestResult;
    assert.deepEqual(
      out.decisions.map((d) => [d.target, d.decision]),
      [
        [lab.hosts()[7]!.mac, 'protected'],
        ['10.10.0.1', 'protected'],
      ],
    );
    assert.deepEqual(out.results, []);
    assert.deepEqual(configSent(), []);
  });

  test('--dry-run only prints the decisions; without --yes off a terminal: exit 2; nothing sent', async () => {
    n = 3;
    const host = lab.hosts()[2]!;
    const ipBefore = lab.host(host.mac)!.ip;
    lab.devices.forEach((d) => d.clearReceived());
    const dry = await ingest(daiLine(host), '--dry-run');
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, new RegExp(`quarantine\\s+${host.mac}`));
    assert.match(dry.stdout, /Dry run: nothing was sent/);
    const refused = await ingest(daiLine(host));
    assert.equal(refused.code, 2);
    assert.match(refused.stdout, new RegExp(`quarantine\\s+${host.mac}`), 'the decisions are shown');
    assert.match(refused.stderr, /pass --yes/);
    assert.deepEqual(configSent(), []);
    assert.equal(lab.host(host.mac)!.ip, ipBefore);
  });

  test('hostile log text: mangled MACs are warnings, injected lines are never sent, reasons are sanitised', async () => {
    n = 4;
    const [, , , h3, h4, h5] = lab.hosts();
    lab.devices.forEach((d) => d.clearReceived());
    const input = [
      // newline injection: the "continuation" lines are lines of their own, hence unknown lines
      `${daiLine(h3!)}\nconfigure terminal\nno ip routing HOSTILE1\nend`,
      // a MAC with ; or ? glued on: not a MAC, so no event at all
      `%SW_MATM-4-MACFLAP_NOTIF: Host ${ios(h4!.mac)};no ip routing in vlan 10 is flapping between port Gi1/0/5 and port Gi1/0/6`,
      `%DHCP_SNOOPING-5-DHCP_SNOOPING_UNTRUSTED_PORT: DHCP_SNOOPING drop message on untrusted port, message type: DHCPACK, MAC sa: ${ios(h4!.mac)}?`,
      // an IDS alert whose signature carries a newline, ? and ; (JSON-escaped)
      eveLine(h5!.ip, 'evil\nno ip routing HOSTILE2?; \u0007bell'),
    ].join('\n');
    const r = await ingest(input, '--yes', '--json');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as IngestResult;
    assert.deepEqual(
      out.decisions.map((d) => [d.target, d.decision]),
      [
        [h3!.mac, 'quarantine'],
        [h5!.ip, 'quarantine'],
      ],
    );
    assert.deepEqual(
      out.warnings.map((w) => w.line),
      [2, 3, 4, 5, 6],
    );
    assert.deepEqual(
      out.results.map((x) => [x.target, x.outcome]),
      [
        [h3!.mac, 'quarantined'],
        [h5!.ip, 'quarantined'],
      ],
    );
    assert.equal(lab.host(h4!.mac)!.ip, h4!.ip, 'the host named only by mangled lines is untouched');
    for (const d of out.decisions) {
      assert.ok(d.reason.length <= 80);
      assert.doesNotMatch(d.reason, UNSAFE);
    }
    const received = lab.devices.flatMap((d) => d.received());
    assert.ok(received.length > 0);
    for (const line of received) {
      assert.doesNotMatch(line, UNSAFE, `sent: ${JSON.stringify(line)}`);
      assert.doesNotMatch(line, /^\s*no ip routing/);
      if (/HOSTILE/.test(line)) assert.match(line, /^\s*remark highalert /, `only inside a remark: ${line}`);
    }
    assert.ok(!received.some((l) => /HOSTILE1/.test(l)), 'injected lines are not part of any reason');
  });

  test('auto_rate_limit max 1: two suspects → one quarantined, one rate-limited (exit 1)', async () => {
    n = 5;
    await editInventory((doc) => {
      doc.defaults.policy.auto_rate_limit = { max: 1, per_minutes: 60 };
    });
    const [h0, , , , , , h6] = lab.hosts();
    const r = await ingest([daiLine(h6!), daiLine(h0!)].join('\n'), '--yes', '--json');
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as IngestResult;
    assert.deepEqual(
      out.decisions.map((d) => [d.target, d.decision]),
      [
        [h6!.mac, 'quarantine'],
        [h0!.mac, 'rate-limited'],
      ],
    );
    assert.match(out.decisions[1]!.why, /auto_rate_limit/);
    assert.deepEqual(
      out.results.map((x) => [x.target, x.outcome]),
      [[h6!.mac, 'quarantined']],
    );
    assert.equal(lab.host(h0!.mac)!.ip, h0!.ip, 'the rate-limited host is untouched');

    // The limit is counted from the state: the next run is rate-limited too.
    const next = await ingest(daiLine(h0!), '--yes', '--json');
    assert.equal(next.code, 1);
    assert.equal((JSON.parse(next.stdout) as IngestResult).decisions[0]!.decision, 'rate-limited');
  });
});
