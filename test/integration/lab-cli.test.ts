/** The lab's CLI over real SSH: prompts, enable, echo, line endings, paging, modes, error layouts. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startLab, type Lab } from '../../src/lab/index.js';
import { RawShell } from './lab-shell.js';

let lab: Lab;
before(async () => {
  lab = await startLab({ switches: 2, hostsPerSwitch: 4 });
});
after(async () => {
  await lab.stop();
});

const caretCol = (text: string): number => {
  const line = text.split('\n').find((l) => /^ *\^$/.test(l));
  assert.ok(line, `no caret line in ${JSON.stringify(text)}`);
  return line.indexOf('^');
};

describe('lab CLI over SSH', () => {
  it('lands in user EXEC, enable checks the secret, 3 bad secrets print % Bad secrets', async () => {
    const sh = await RawShell.open(lab.device('lab-sw1').port);
    try {
      assert.equal(await sh.out('show privilege'), 'Current privilege level is 1');
      await sh.cmd('enable', /Password: $/);
      await sh.cmd('nope', /Password: $/);
      await sh.cmd('nope2', /Password: $/);
      const t = await sh.cmd('nope3', /lab-sw1>$/);
      assert.match(t, /% Bad secrets\n/);
      assert.doesNotMatch(t, /nope3/, 'password must not be echoed');
      await sh.enable();
      assert.equal(await sh.out('show privilege'), 'Current privilege level is 15');
      assert.equal(await sh.out('disable'), '');
      assert.match(await sh.cmd(''), /^\nlab-sw1>$/);
    } finally {
      sh.close();
    }
  });

  it('echoes typed lines and treats \\r, \\n and \\r\\n each as one line end', async () => {
    const sh = await RawShell.open(lab.device('lab-sw1').port);
    try {
      assert.equal(await sh.cmd('terminal length 0'), 'terminal length 0\nlab-sw1>');
      assert.equal(await sh.cmd('terminal width 511', undefined, '\n'), 'terminal width 511\nlab-sw1>');
      assert.equal(
        await sh.cmd('show privilege', undefined, '\r\n'),
        'show privilege\nCurrent privilege level is 1\nlab-sw1>',
      );
      // An empty line reprints the prompt; \r\n did not produce an extra empty line.
      assert.equal(await sh.cmd(''), '\nlab-sw1>');
      // Typed character by character, with a backspace.
      for (const ch of 'show privx\x7filege\r') sh.send(ch);
      const t = await sh.waitFor(/lab-sw1>$/);
      assert.match(t, /Current privilege level is 1/);
    } finally {
      sh.close();
    }
  });

  it('works without a pty', async () => {
    const sh = await RawShell.open(lab.device('lab-sw2').port, { pty: false });
    try {
      assert.equal(await sh.out('show privilege'), 'Current privilege level is 1');
    } finally {
      sh.close();
    }
  });

  it('pages with --More-- until terminal length 0 (space = page, Enter = line, q = quit)', async () => {
    const sh = await RawShell.open(lab.device('lab-sw1').port);
    try {
      await sh.enable();
      const first = await sh.cmd('show running-config', / --More-- $/);
      assert.equal(first.split('\n').length - 1, 24, '23 lines + the echo line before --More--');
      sh.send(' ');
      const second = await sh.waitFor(/ --More-- $/);
      const erase = '\b'.repeat(10) + ' '.repeat(10) + '\b'.repeat(10);
      assert.ok(second.startsWith(erase), 'the --More-- prompt is erased');
      assert.equal(second.slice(erase.length).split('\n').length - 1, 23);
      sh.send('\r');
      const oneLine = await sh.waitFor(/ --More-- $/);
      assert.equal(oneLine.slice(erase.length).split('\n').length, 2, 'Enter shows one more line');
      sh.send('q');
      await sh.waitFor(/lab-sw1#$/);
      await sh.cmd('terminal length 0');
      const all = await sh.cmd('show running-config');
      assert.doesNotMatch(all, /--More--/);
      assert.match(all, /\nend\nlab-sw1#$/);
    } finally {
      sh.close();
    }
  });

  it('prints IOS error layouts: caret column, incomplete, ambiguous, unknown command', async () => {
    const sh = await RawShell.open(lab.device('lab-sw1').port);
    try {
      // Unknown first word at EXEC: treated as a host name.
      assert.equal(
        await sh.out('shwo run'),
        '% Unknown command or computer name, or unable to find computer address',
      );
      // A privileged command at user EXEC gets the caret.
      assert.match(
        await sh.cmd('configure terminal'),
        /\^\n% Invalid input detected at '\^' marker\.\n\nlab-sw1>$/,
      );
      await sh.enable();
      // caret under the first character that no keyword explains: "lab-sw1#show ip arp" + "x"
      const t = await sh.cmd('show ip arpx');
      assert.equal(caretCol(t), 'lab-sw1#show ip arp'.length);
      assert.match(t, /\n% Invalid input detected at '\^' marker\.\n\nlab-sw1#$/);
      assert.equal(await sh.cmd('c'), 'c\n% Ambiguous command:  "c"\nlab-sw1#');
      await sh.cmd('conf t');
      assert.equal(
        await sh.cmd('ip access-list extended'),
        'ip access-list extended\n% Incomplete command.\n\nlab-sw1(config)#',
      );
      assert.equal(await sh.cmd('enable'), 'enable\n% Incomplete command.\n\nlab-sw1(config)#');
      await sh.cmd('interface gi1/0/3');
      const bad = await sh.cmd('switchport access vlan 5000');
      assert.equal(caretCol(bad), 'lab-sw1(config-if)#switchport access vlan '.length);
      assert.equal(await sh.cmd('s'), 's\n% Ambiguous command:  "s"\nlab-sw1(config-if)#');
      // An argument error inside an ACL entry.
      await sh.cmd('ip access-list extended T1');
      const ace = await sh.cmd('permit ip host 10.1.1.300 any');
      assert.equal(caretCol(ace), 'lab-sw1(config-ext-nacl)#permit ip host '.length);
      await sh.cmd('end');
    } finally {
      sh.close();
    }
  });

  it('has the configuration modes, exit/end/Ctrl-Z, do, context switching and abbreviations', async () => {
    const sh = await RawShell.open(lab.device('lab-sw2').port);
    try {
      await sh.enable();
      assert.equal(
        await sh.cmd('conf t'),
        'conf t\nEnter configuration commands, one per line.  End with CNTL/Z.\nlab-sw2(config)#',
      );
      assert.match(await sh.cmd('int g1/0/2'), /lab-sw2\(config-if\)#$/);
      assert.match(await sh.cmd('ip access-list extended X1'), /lab-sw2\(config-ext-nacl\)#$/);
      assert.match(await sh.cmd('mac access-list extended M1'), /lab-sw2\(config-ext-macl\)#$/);
      assert.match(await sh.cmd('route-map RM1 permit 10'), /lab-sw2\(config-route-map\)#$/);
      assert.match(await sh.cmd('ip dhcp pool P1'), /lab-sw2\(dhcp-config\)#$/);
      assert.match(await sh.cmd('archive'), /lab-sw2\(config-archive\)#$/);
      assert.match(await sh.cmd('exit'), /\nlab-sw2\(config\)#$/);
      assert.match(await sh.cmd('exit'), /\nlab-sw2#$/);
      await sh.cmd('configure terminal');
      await sh.cmd('interface GigabitEthernet 1/0/2');
      const run = await sh.cmd('do sh run int g1/0/2');
      assert.match(
        run,
        /^do sh run int g1\/0\/2\nBuilding configuration\.\.\.\n\nCurrent configuration : \d+ bytes\n!\ninterface GigabitEthernet1\/0\/2\n/,
      );
      sh.send('\x1a');
      assert.match(await sh.waitFor(/#$/), /\^Z\nlab-sw2#$/);
      await sh.cmd('conf t');
      await sh.cmd('hostname THIS.IS.A.PARTICULARLY.LONG');
      assert.match(await sh.cmd(''), /THIS\.IS\.A\.PARTICULAR\(config\)#$/);
      await sh.cmd('hostname lab-sw2');
      await sh.cmd('int gi1/0/4');
      await sh.cmd('desc  printer  room 2');
      assert.match(await sh.cmd('end'), /lab-sw2#$/);
      assert.match(
        lab.device('lab-sw2').interfaceConfig('GigabitEthernet1/0/4'),
        /\n description printer {2}room 2\n/,
      );
      await sh.cmd('conf t');
      await sh.cmd('no ip access-list extended X1');
      await sh.cmd('no mac access-list extended M1');
      await sh.cmd('no route-map RM1');
      await sh.cmd('no ip dhcp pool P1');
      await sh.cmd('no archive');
      await sh.cmd('end');
      const cfg = lab.device('lab-sw2').runningConfig();
      assert.doesNotMatch(cfg, /X1|M1|RM1|P1|\narchive/);
    } finally {
      sh.close();
    }
  });

  it('answers show version, show interfaces status/trunk and logout', async () => {
    const sh = await RawShell.open(lab.device('lab-sw1').port);
    try {
      await sh.cmd('terminal length 0');
      assert.match(await sh.out('show version'), /^Cisco IOS Software, .*Version 15\.2/);
      const st = await sh.out('show interfaces status');
      assert.match(st, /^Port {6}Name {15}Status {7}Vlan {7}Duplex {2}Speed Type\n/);
      assert.match(st, /\nGi1\/0\/1 {22}connected {4}10 {9}a-full a-1000 10\/100\/1000BaseTX\n/);
      assert.match(
        st,
        /\nGi1\/0\/48 {2}uplink to lab-gw {3}connected {4}trunk {6}a-full a-1000 10\/100\/1000BaseTX$/,
      );
      assert.match(
        await sh.out('show interfaces trunk'),
        /\nGi1\/0\/48 {4}on {15}802\.1q {9}trunking {6}1\n/,
      );
      sh.send('logout\r');
      await sh.waitFor(/logout\n$/);
      await new Promise((r) => setTimeout(r, 100));
      assert.ok(sh.closed);
    } finally {
      sh.close();
    }
  });
});
