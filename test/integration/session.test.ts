/** IOS session over real SSH against the lab: prompts, enable, paging, failures, save, commit-confirmed. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, withSession } from '../../src/devices/connect.js';
import type { ChannelLogEvent } from '../../src/devices/channel.js';
import { AuthError, CommandRejectedError, DeviceError } from '../../src/errors.js';
import { startLab } from '../../src/lab/index.js';
import { paramsFor, rejection } from './session-helpers.js';

type Lab = Awaited<ReturnType<typeof startLab>>;
let lab: Lab;

before(async () => {
  lab = await startLab({ switches: 1, hostsPerSwitch: 2 });
});
after(async () => {
  await lab?.stop();
});

const sw = (): Lab['devices'][number] => lab.devices[lab.devices.length - 1]!;

describe('session over SSH: open, prompts, enable', () => {
  it('opens in privileged EXEC with the on-open lines, and never logs the enable secret', async () => {
    const d = sw();
    d.clearReceived();
    const log: ChannelLogEvent[] = [];
    const s = await connect(paramsFor(lab, d, { log: (e) => log.push(e) }));
    try {
      assert.equal(s.mode, 'privilege_exec');
      assert.equal(s.prompt, `${d.name}#`);
      const r = await s.send('show privilege');
      assert.equal(r.output, 'Current privilege level is 15');
      assert.equal(r.failed, false);
      assert.equal(r.device, d.name);
      assert.ok(d.received().includes('terminal length 0'));
      assert.ok(d.received().includes('terminal width 511'));
      assert.ok(!JSON.stringify(log).includes(lab.enableSecret), 'enable secret in the log');
      assert.ok(!JSON.stringify(r).includes(lab.enableSecret));
    } finally {
      await s.close();
    }
  });

  it('a wrong enable secret is E_AUTH and the secret is not in the error', async () => {
    const err = await rejection(connect(paramsFor(lab, sw(), { enableSecret: 'not-the-secret' })));
    assert.ok(err instanceof AuthError, String(err));
    assert.equal(err.code, 'E_AUTH');
    assert.match(err.message, /enable secret/);
    assert.ok(!JSON.stringify(err.toJSON()).includes('not-the-secret'));
  });

  it('paging is handled when terminal length 0 is not sent', async () => {
    const d = sw();
    const log: ChannelLogEvent[] = [];
    const s = await connect(paramsFor(lab, d, { onOpen: [], log: (e) => log.push(e) }));
    try {
      const r = await s.send('show running-config');
      assert.ok(!/--More--/.test(r.output));
      const pagerAnswers = log.filter((e) => e.direction === 'send' && e.text === ' ').length;
      assert.ok(pagerAnswers >= 1, 'the device paged and the pager was answered');
      const expected = d.runningConfig().replace(/\s+$/, '');
      assert.ok(expected.split('\n').length > 30, 'running config longer than one page');
      assert.equal(r.output, expected);
    } finally {
      await s.close();
    }
  });
});

describe('session over SSH: long hostname', () => {
  it('config prompts cut to 20 characters still match (16-character base prompt)', async () => {
    const d = sw();
    d.configure(['hostname THIS.IS.A.PARTICULARLY.LONG']);
    try {
      await withSession(paramsFor(lab, d), async (s) => {
        assert.equal(s.prompt, 'THIS.IS.A.PARTICULARLY.LONG#');
        const m = await s.sendConfig(['interface GigabitEthernet1/0/2', ' description long host']);
        m.assertOk();
        assert.equal(m.responses[0]?.prompt, 'THIS.IS.A.PARTICULAR(config-if)#');
        assert.equal(s.prompt, 'THIS.IS.A.PARTICULARLY.LONG#');
      });
    } finally {
      d.configure([`hostname ${d.name}`]);
    }
  });
});

describe('session over SSH: config and failures', () => {
  it('sends all lines in one session, follows submodes and leaves config mode', async () => {
    const d = sw();
    await withSession(paramsFor(lab, d), async (s) => {
      const m = await s.sendConfig([
        'ip access-list extended HA-TEST',
        ' permit ip host 10.10.10.5 any',
        'exit',
        'interface GigabitEthernet1/0/2',
        ' description highalert session test',
      ]);
      m.assertOk();
      assert.equal(m.responses[0]?.prompt?.endsWith('(config-ext-nacl)#'), true);
      assert.equal(m.responses[3]?.prompt?.endsWith('(config-if)#'), true);
      assert.equal(s.mode, 'privilege_exec');
      const cfg = d.runningConfig();
      assert.match(cfg, /ip access-list extended HA-TEST\n (?:\d+ )?permit ip host 10\.10\.10\.5 any/);
      assert.match(cfg, /description highalert session test/);
    });
  });

  const CASES: { name: string; lines: string[]; match: string }[] = [
    { name: 'invalid input', lines: ['frobnicate the switch'], match: '% Invalid input detected' },
    { name: 'incomplete command', lines: ['ip access-list extended'], match: '% Incomplete command' },
    { name: 'ambiguous command', lines: ['i'], match: '% Ambiguous command' },
    { name: 'unknown command (do at EXEC)', lines: ['do shwo run'], match: '% Unknown command' },
    {
      name: 'duplicate sequence number',
      lines: ['ip access-list extended HA-SEQ', '10 permit ip any any', '10 deny ip any any'],
      match: 'Duplicate sequence number',
    },
  ];
  for (const c of CASES) {
    it(`${c.name}: CommandRejectedError with the line and the output, config mode left`, async () => {
      const d = sw();
      await withSession(paramsFor(lab, d), async (s) => {
        const lines = [...c.lines, 'description never sent'];
        d.clearReceived();
        const m = await s.sendConfig(lines);
        assert.equal(m.failed, true);
        assert.deepEqual(m.notSent, ['description never sent']);
        assert.ok(!d.received().includes('description never sent'));
        assert.equal(s.mode, 'privilege_exec');
        let err: unknown;
        try {
          m.assertOk();
        } catch (e) {
          err = e;
        }
        assert.ok(err instanceof CommandRejectedError, String(err));
        assert.equal(err.code, 'E_COMMAND_REJECTED');
        assert.equal(err.device, d.name);
        assert.equal(err.line, c.lines[c.lines.length - 1]);
        assert.equal(err.failureMatch, c.match);
        assert.ok(err.output.includes(c.match), err.output);
        assert.equal(err.responses.length, c.lines.length);
        // the session is still usable after a rejected line
        assert.equal((await s.send('show privilege')).output, 'Current privilege level is 15');
      });
    });
  }

  it('a device-side rejection (rejectPattern) stops the batch', async () => {
    const d = sw();
    d.setFaults({ rejectPattern: /^ *description REJECT/ });
    try {
      await withSession(paramsFor(lab, d), async (s) => {
        const m = await s.sendConfig([
          'interface GigabitEthernet1/0/1',
          ' description REJECT me',
          ' shutdown',
        ]);
        assert.throws(
          () => m.assertOk(),
          (e: unknown) =>
            e instanceof CommandRejectedError &&
            e.line === ' description REJECT me' &&
            e.failureMatch === '% Invalid input detected',
        );
        assert.deepEqual(m.notSent, [' shutdown']);
      });
    } finally {
      d.clearFaults();
    }
  });

  it('write memory answers [OK]', async () => {
    await withSession(paramsFor(lab, sw()), async (s) => {
      const r = await s.writeMemory();
      assert.match(r.output, /\[OK\]/);
      assert.equal(r.failed, false);
    });
  });

  it('copy running-config startup-config: the Destination filename prompt is answered', async () => {
    await withSession(paramsFor(lab, sw()), async (s) => {
      const r = await s.send('copy running-config startup-config');
      assert.match(r.output, /Destination filename \[startup-config\]\?/);
      assert.match(r.output, /\[OK\]/);
      assert.equal(s.mode, 'privilege_exec');
    });
  });
});

describe('session over SSH: commit-confirmed', () => {
  it('revert timer without archive: a clear E_ARCHIVE_MISSING, nothing sent after it', async () => {
    const d = sw();
    await withSession(paramsFor(lab, d), async (s) => {
      d.clearReceived();
      const err = await rejection(
        s.sendConfig(['interface GigabitEthernet1/0/1'], { revertTimerMinutes: 5 }),
      );
      assert.ok(err instanceof DeviceError, String(err));
      assert.equal(err.code, 'E_ARCHIVE_MISSING');
      assert.match(err.message, /archive feature is not configured/);
      assert.ok(err.suggestions.some((x) => x.includes('path flash:archive')));
      assert.ok(!d.received().includes('interface GigabitEthernet1/0/1'));
      assert.equal(s.mode, 'privilege_exec');
    });
  });

  it('with archive: revert timer, change, configure confirm keeps it', async () => {
    const d = sw();
    d.configure(['archive', ' path flash:archive', ' write-memory']);
    await withSession(paramsFor(lab, d), async (s) => {
      const m = await s.sendConfig(['interface GigabitEthernet1/0/1', ' description kept after confirm'], {
        revertTimerMinutes: 10,
      });
      m.assertOk();
      assert.ok(d.received().includes('configure terminal revert timer 10'));
      await s.confirmCommit();
      assert.equal(d.expireRevertTimer(), false, 'nothing pending after configure confirm');
      assert.match(d.runningConfig(), /description kept after confirm/);
      const again = await rejection(s.confirmCommit());
      assert.ok(again instanceof DeviceError && again.code === 'E_NO_PENDING_COMMIT');
    });
  });

  it('with archive: an unconfirmed change is rolled back when the timer fires', async () => {
    const d = sw();
    await withSession(paramsFor(lab, d), async (s) => {
      const m = await s.sendConfig(['interface GigabitEthernet1/0/1', ' description rolled back'], {
        revertTimerMinutes: 10,
      });
      m.assertOk();
      assert.match(d.runningConfig(), /description rolled back/);
      assert.equal(d.expireRevertTimer(), true);
      assert.doesNotMatch(d.runningConfig(), /description rolled back/);
    });
  });
});
