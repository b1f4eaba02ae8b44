/** Session (generic driver + cisco_ios data) against the scripted fake terminal. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Channel, type ChannelLogEvent } from '../../src/devices/channel.js';
import { IosSession, CISCO_IOS } from '../../src/devices/platforms/cisco_ios.js';
import { platformFor, sessionClassFor } from '../../src/devices/platforms/index.js';
import {
  AuthError,
  CommandRejectedError,
  ConnectionLostError,
  DeviceError,
  TimeoutError,
  ValidationError,
} from '../../src/errors.js';
import { FakeIos, type FakeIosOptions } from './channel-fake-ios.js';

async function openFake(
  fake: FakeIosOptions = {},
  opts: { enableSecret?: string; onOpen?: string[]; commandTimeoutMs?: number; idleTimeoutMs?: number } = {},
): Promise<{ dev: FakeIos; session: IosSession; log: ChannelLogEvent[] }> {
  const dev = new FakeIos(fake);
  const log: ChannelLogEvent[] = [];
  const channel = new Channel(dev, { device: 'sw1', pager: CISCO_IOS.pager, log: (e) => log.push(e) });
  const session = new IosSession(channel, {
    device: 'sw1',
    commandTimeoutMs: opts.commandTimeoutMs ?? 2000,
    ...(opts.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: opts.idleTimeoutMs }),
    ...(opts.enableSecret === undefined ? {} : { enableSecret: opts.enableSecret }),
    ...(opts.onOpen === undefined ? {} : { onOpen: opts.onOpen }),
  });
  await session.open();
  return { dev, session, log };
}

describe('session: open, enable, prompts', () => {
  it('opens in privileged EXEC and sends the on-open lines', async () => {
    const { dev, session } = await openFake();
    assert.equal(session.mode, 'privilege_exec');
    assert.equal(session.prompt, 'sw1#');
    assert.ok(dev.written.includes('terminal length 0\n'));
    assert.ok(dev.written.includes('terminal width 511\n'));
    await session.close();
  });

  it('enables with the secret; the secret appears in no log, response or write record', async () => {
    const { dev, session, log } = await openFake({ startInExec: true }, { enableSecret: 'lab-enable' });
    assert.equal(session.mode, 'privilege_exec');
    assert.equal(dev.currentMode, 'priv');
    const r = await session.send('show version');
    assert.equal(r.output, 'output of show version');
    assert.ok(!JSON.stringify(log).includes('lab-enable'));
    assert.ok(!JSON.stringify(r).includes('lab-enable'));
    await session.close();
  });

  it('a wrong enable secret raises E_AUTH without showing the secret', async () => {
    const err = await openFake({ startInExec: true }, { enableSecret: 'wrong-secret' }).catch(
      (e: unknown) => e,
    );
    assert.ok(err instanceof AuthError, String(err));
    assert.equal(err.code, 'E_AUTH');
    assert.match(err.message, /refused the enable secret/);
    assert.ok(!JSON.stringify(err.toJSON()).includes('wrong-secret'));
    assert.ok(!err.message.includes('wrong-secret'));
  });

  it('no enable secret when one is asked: E_AUTH saying what to configure', async () => {
    const err = await openFake({ startInExec: true }).catch((e: unknown) => e);
    assert.ok(err instanceof AuthError);
    assert.match(err.message, /asks for an enable secret and none is configured/);
  });

  it('keeps a 16-character base prompt so the 20-character config truncation still matches', async () => {
    const { session } = await openFake({ hostname: 'THIS.IS.A.PARTICULARLY.LONG' });
    assert.equal(session.prompt, 'THIS.IS.A.PARTICULARLY.LONG#');
    const m = await session.sendConfig(['interface Gi1/0/5', 'description x']);
    assert.equal(m.failed, false);
    assert.equal(m.responses[0]?.prompt, 'THIS.IS.A.PARTICULAR(config-if)#');
    assert.equal(session.mode, 'privilege_exec');
  });

  it('handles ANSI-coloured prompts and tiny chunks', async () => {
    const { session } = await openFake({ ansi: true, chunk: 1 });
    const r = await session.send('show clock');
    assert.equal(r.output, 'output of show clock');
    assert.equal(r.prompt, 'sw1#');
  });

  it('answers the pager when terminal length 0 is not sent', async () => {
    const { session } = await openFake({ pageLength: 24 }, { onOpen: [] });
    const r = await session.send('show long');
    const lines = r.output.split('\n');
    assert.equal(lines.length, 60);
    assert.equal(lines[59], 'line 60 of the long output');
    assert.ok(!r.output.includes('More'));
  });

  it('the platform registry knows cisco_ios and refuses others clearly', () => {
    assert.equal(sessionClassFor('cisco_ios'), IosSession);
    assert.equal(platformFor('cisco_ios').definition, CISCO_IOS);
    assert.throws(
      () => sessionClassFor('juniper_junos', 'core1'),
      (e: unknown) =>
        e instanceof ValidationError && e.code === 'E_PLATFORM_UNKNOWN' && /known: cisco_ios/.test(e.message),
    );
  });

  it('refuses to send before open()', async () => {
    const s = new IosSession(new Channel(new FakeIos(), { device: 'sw1' }), {
      device: 'sw1',
      commandTimeoutMs: 100,
    });
    await assert.rejects(s.send('show clock'), /do you need to call 'open\(\)'\?/);
  });
});

describe('session: sendConfig', () => {
  it('sends all lines in one config session, follows submodes, leaves config mode', async () => {
    const { dev, session } = await openFake();
    const m = await session.sendConfig([
      'ip access-list extended Q-IP',
      ' permit ip host 10.0.0.5 any',
      'exit',
      'interface Gi1/0/5',
      ' ip access-group Q-IP in',
      'ip dhcp pool Q-1',
      ' host 10.0.0.5 255.255.255.0',
    ]);
    m.assertOk();
    assert.deepEqual(
      m.responses.map((r) => r.prompt),
      [
        'sw1(config-ext-nacl)#',
        'sw1(config-ext-nacl)#',
        'sw1(config)#',
        'sw1(config-if)#',
        'sw1(config-if)#',
        'sw1(dhcp-config)#',
        'sw1(dhcp-config)#',
      ],
    );
    assert.ok(m.responses.every((r) => r.device === 'sw1' && r.failed === false && r.elapsedMs >= 0));
    assert.equal(session.mode, 'privilege_exec');
    assert.equal(dev.currentMode, 'priv');
  });

  const FAILURES: [line: string, match: string][] = [
    ['ip adress 1.1.1.1', '% Invalid input detected'],
    ['logging', '% Incomplete command'],
    ['a', '% Ambiguous command'],
    ['do shwo run', '% Unknown command'],
    ['aaa forbidden', 'Command authorization failed'],
    ['boot system flash:nope', '%Error'],
    ['10 permit ip any any', 'Duplicate sequence number'],
  ];
  for (const [line, match] of FAILURES) {
    it(`'${match}' stops the batch, leaves config mode and raises CommandRejectedError`, async () => {
      const { dev, session } = await openFake();
      const m = await session.sendConfig(['interface Gi1/0/5', line, 'description never sent']);
      assert.equal(m.failed, true);
      assert.deepEqual(m.notSent, ['description never sent']);
      assert.equal(m.responses.length, 2);
      assert.equal(dev.currentMode, 'priv');
      assert.equal(session.mode, 'privilege_exec');
      assert.ok(!dev.written.includes('description never sent\n'));
      const err = (() => {
        try {
          m.assertOk();
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      assert.ok(err instanceof CommandRejectedError);
      assert.equal(err.code, 'E_COMMAND_REJECTED');
      assert.equal(err.device, 'sw1');
      assert.equal(err.line, line);
      assert.equal(err.failureMatch, match);
      assert.ok(err.output.includes(match));
      assert.equal(err.responses.length, 2);
      assert.equal(err.exitCode, 3);
    });
  }

  it('a line that leaves config mode early stops the batch: later lines never run as EXEC commands', async () => {
    const { dev, session } = await openFake();
    const m = await session.sendConfig(['interface Gi1/0/5', 'end', 'clear counters'], {
      stopOnFailed: false,
    });
    assert.equal(m.failed, true);
    assert.equal(m.firstFailure?.input, 'end');
    assert.deepEqual(m.notSent, ['clear counters']);
    assert.ok(!dev.written.includes('clear counters\n'));
  });

  it('stopOnFailed: false sends every line and still reports the failure', async () => {
    const { session } = await openFake();
    const m = await session.sendConfig(['logging', 'description ok'], { stopOnFailed: false });
    assert.equal(m.responses.length, 2);
    assert.equal(m.failed, true);
    assert.throws(() => m.assertOk(), CommandRejectedError);
  });

  it('a connection dropped mid-config raises E_CONNECTION_LOST naming the last line', async () => {
    const { session } = await openFake({ dropAfterConfigLines: 2 });
    const err = await session
      .sendConfig(['interface Gi1/0/5', 'description one', 'description two', 'description three'])
      .catch((e: unknown) => e);
    assert.ok(err instanceof ConnectionLostError, String(err));
    assert.equal(err.lastLine, 'description two');
    assert.equal(session.isOpen, false);
  });

  it('a command timeout closes the session, then raises E_TIMEOUT', async () => {
    const { dev, session } = await openFake({}, { commandTimeoutMs: 2000 });
    const err = await session.send('hang', { timeoutMs: 60 }).catch((e: unknown) => e);
    assert.ok(err instanceof TimeoutError);
    assert.equal(err.code, 'E_TIMEOUT');
    assert.equal(dev.closedByClient, true);
    assert.equal(session.isOpen, false);
  });

  it('an idle session is closed and says so on next use', async () => {
    const { dev, session } = await openFake({}, { idleTimeoutMs: 30 });
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(dev.closedByClient, true);
    await assert.rejects(
      session.send('show clock'),
      (e: unknown) => e instanceof TimeoutError && /idle/.test(e.message),
    );
  });
});

describe('session: confirm prompts, save, commit-confirmed', () => {
  it('answers [confirm] and Destination filename prompts', async () => {
    const { dev, session } = await openFake();
    const c = await session.send('clear counters');
    assert.equal(c.failed, false);
    assert.match(c.output, /\[confirm\]/);
    const s = await session.send('copy running-config startup-config');
    assert.match(s.output, /\[OK\]/);
    assert.equal(dev.currentMode, 'priv');
  });

  it('writeMemory returns the response when the device reports [OK]', async () => {
    const { session } = await openFake();
    const r = await session.writeMemory();
    assert.equal(r.input, 'write memory');
    assert.match(r.output, /Building configuration\.\.\.\n\[OK\]/);
  });

  it('revert timer without archive: a clear E_ARCHIVE_MISSING, config mode not left open', async () => {
    const { dev, session } = await openFake({ archive: false });
    const err = await session
      .sendConfig(['interface Gi1/0/5'], { revertTimerMinutes: 5 })
      .catch((e: unknown) => e);
    assert.ok(err instanceof DeviceError);
    assert.equal(err.code, 'E_ARCHIVE_MISSING');
    assert.match(err.message, /archive feature is not configured/);
    assert.ok(err.suggestions.some((s) => s.includes('path flash:archive')));
    assert.equal(dev.currentMode, 'priv');
    assert.ok(!dev.written.includes('interface Gi1/0/5\n'));
  });

  it('revert timer with archive, then configure confirm; a second confirm says nothing is pending', async () => {
    const { dev, session } = await openFake({ archive: true });
    const m = await session.sendConfig(['interface Gi1/0/5', 'description x'], { revertTimerMinutes: 5 });
    m.assertOk();
    assert.ok(dev.written.includes('configure terminal revert timer 5\n'));
    assert.equal(dev.revertPending, true);
    await session.confirmCommit();
    assert.equal(dev.revertPending, false);
    await assert.rejects(
      session.confirmCommit(),
      (e: unknown) => e instanceof DeviceError && e.code === 'E_NO_PENDING_COMMIT',
    );
  });

  it('revert timer out of range is a usage error before anything is sent', async () => {
    const { session } = await openFake({ archive: true });
    await assert.rejects(
      session.sendConfig(['x'], { revertTimerMinutes: 0 }),
      (e: unknown) => e instanceof ValidationError && e.code === 'E_REVERT_TIMER',
    );
  });
});
