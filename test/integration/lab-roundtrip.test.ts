/**
 * The lab's own show output, read over SSH by highalert's session, round-trips through the
 * parsers: what they extract equals the lab's world (hosts, ports, addresses, ACLs, pools).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Network } from '../../src/apply/network.js';
import { parseShowAs, type ParserId, type ShowRecords } from '../../src/devices/parsers/index.js';
import { loadInventory } from '../../src/inventory/index.js';
import type { Lab } from '../../src/lab/index.js';
import { stringifyRunningConfig } from '../../src/devices/parsers/cisco_ios/running-config.js';
import { runCli } from '../helpers/cli.js';
import { labWithState, quarantineIn } from './quarantine-helpers.js';

describe("the lab's show output through the parsers", () => {
  let lab: Lab;
  let net: Network;
  let haIp: string;
  const show = async <K extends ParserId>(
    device: string,
    id: K,
    command: string,
  ): Promise<ShowRecords[K][]> => {
    const text = await net.show(device, command);
    const parsed = parseShowAs('cisco_ios', id, command, text);
    assert.deepEqual(parsed.warnings, [], `${device} ${command}: no unparsed lines`);
    return parsed.records;
  };

  before(async () => {
    let statePath: string;
    ({ lab, statePath } = await labWithState({ switches: 2, hostsPerSwitch: 3 }));
    const setup = await runCli(['setup', '--yes', '-i', lab.inventoryPath, '--state', statePath]);
    assert.equal(setup.code, 0, setup.stderr);
    const q = await quarantineIn(lab, statePath, lab.hosts()[0]!.mac);
    assert.equal(q.outcome, 'quarantined');
    haIp = q.outcome === 'quarantined' ? q.quarantine.highAlertIp! : '';
    net = new Network((await loadInventory(lab.inventoryPath)).inventory);
  });
  after(async () => {
    await net.close();
    await lab.stop();
  });

  test('show mac address-table on each switch lists its hosts on their ports', async () => {
    for (const sw of ['lab-sw1', 'lab-sw2']) {
      const rows = await show(sw, 'show mac address-table', 'show mac address-table');
      for (const h of lab.hosts().filter((x) => x.switch === sw)) {
        const row = rows.find((r) => r.mac === h.mac);
        assert.ok(row, `${h.mac} in ${sw}'s table`);
        assert.deepEqual(row.ports, [h.port]);
        assert.equal(row.vlan, h.vlan);
      }
    }
  });

  test('show ip arp on the gateway maps every host IP to its MAC', async () => {
    const rows = await show('lab-gw', 'show ip arp', 'show ip arp');
    for (const h of lab.hosts()) assert.equal(rows.find((r) => r.ip === h.ip)?.mac, h.mac, h.ip);
  });

  test('show access-lists / show ip access-lists give the quarantine ACLs entry by entry', async () => {
    const all = await show('lab-sw1', 'show access-lists', 'show access-lists');
    const mac = all.find((a) => a.name.startsWith('HA-MAC-'));
    assert.equal(mac?.kind, 'mac-extended');
    assert.deepEqual(
      mac.entries.map((e) => e.text),
      [
        `permit host ${lab
          .hosts()[0]!
          .mac.replaceAll(':', '')
          .replace(/(....)(....)(....)/, '$1.$2.$3')} any`,
      ],
    );
    const ip = (await show('lab-sw1', 'show access-lists', 'show ip access-lists')).find((a) =>
      a.name.startsWith('HA-IP-'),
    );
    assert.deepEqual(
      ip?.entries.map((e) => [e.seq, e.action, e.text]),
      [
        [10, 'permit', 'permit udp any eq bootpc any eq bootps'],
        [20, 'permit', `permit ip host ${haIp} any`],
      ],
    );
  });

  test('show running-config parses into structures and stringifies back byte for byte', async () => {
    for (const device of lab.devices) {
      const text = await net.show(device.name, 'show running-config');
      const [config] = parseShowAs('cisco_ios', 'show running-config', 'show running-config', text).records;
      assert.ok(config);
      assert.equal(stringifyRunningConfig(config), text.replace(/\r\n/g, '\n'));
      if (device.name === 'lab-gw') {
        assert.ok(config.dhcpPools.some((p) => p.host?.address === haIp && p.mac === lab.hosts()[0]!.mac));
        assert.ok(config.routeMaps.some((r) => r.name.startsWith('HA-PBR-')));
        assert.ok(
          config.interfaces.some((i) => i.name === 'Vlan10' && i.ipPolicyRouteMap?.startsWith('HA-PBR-')),
        );
      } else {
        const trunk = config.interfaces.find((i) => i.name === 'GigabitEthernet1/0/48');
        assert.equal(trunk?.switchportMode, 'trunk');
      }
    }
  });

  test('show running-config interface X shows the bound ACLs', async () => {
    const h = lab.hosts()[0]!;
    const [config] = await show(
      h.switch,
      'show running-config interface',
      `show running-config interface ${h.port}`,
    );
    const intf = config?.interfaces[0];
    assert.equal(intf?.name, h.port);
    assert.match(intf?.ipAccessGroup.in ?? '', /^HA-IP-/);
    assert.match(intf?.macAccessGroup?.in ?? '', /^HA-MAC-/);
  });

  test('DHCP bindings, snooping bindings, interface status, trunks and route-maps', async () => {
    const bindings = await show('lab-gw', 'show ip dhcp binding', 'show ip dhcp binding');
    for (const h of lab.hosts()) assert.equal(bindings.find((b) => b.ip === h.ip)?.mac, h.mac, h.ip);
    const snooping = await show('lab-sw2', 'show ip dhcp snooping binding', 'show ip dhcp snooping binding');
    for (const h of lab.hosts().filter((x) => x.switch === 'lab-sw2')) {
      const b = snooping.find((s) => s.mac === h.mac);
      assert.deepEqual([b?.ip, b?.interface, b?.vlan], [h.ip, h.port, h.vlan]);
    }
    const status = await show('lab-sw2', 'show interfaces status', 'show interfaces status');
    assert.equal(status.find((s) => s.port === 'GigabitEthernet1/0/48')?.vlan, 'trunk');
    const trunks = await show('lab-sw2', 'show interfaces trunk', 'show interfaces trunk');
    assert.deepEqual(
      trunks.map((t) => t.port),
      ['GigabitEthernet1/0/48'],
    );
    const maps = await show('lab-gw', 'show route-map', 'show route-map');
    const pbr = maps.find((m) => m.name.startsWith('HA-PBR-'));
    assert.ok(pbr?.setClauses.some((c) => c.includes('ip next-hop')));
  });
});
