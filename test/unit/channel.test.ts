import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Channel, applyBackspaces, normalizeText, type ChannelLogEvent } from '../../src/devices/channel.js';
import { ConnectionLostError, TimeoutError } from '../../src/errors.js';
import { CISCO_IOS } from '../../src/devices/platforms/cisco_ios.js';
import { FakeIos } from './channel-fake-ios.js';

const anyPrompt = (line: string): string | undefined =>
  /^[\w.-]+(\([\w-]+\))?[>#]$/.test(line) ? line : undefined;

describe('channel: text normalization', () => {
  it('strips ANSI escapes, BEL, NUL and normalizes CRLF / LFCR / CR', () => {
    assert.equal(normalizeText('\x1b[1;32msw1#\x1b[0m'), 'sw1#');
    assert.equal(normalizeText('a\r\nb\n\rc\rd\x07\x00'), 'a\nb\ncd');
    assert.equal(normalizeText('\x1b]0;title\x07x\x1b(B\x1b=y'), 'xy');
  });

  it('applies backspaces within the current line only', () => {
    assert.equal(applyBackspaces('abc', '\b\bX'), 'aX');
    assert.equal(applyBackspaces('line\n', '\b\b\bnext'), 'line\nnext');
    assert.equal(applyBackspaces('', ' --More-- '.replace(/./g, '\b') + 'x'), 'x');
  });
});

describe('channel: reading', () => {
  it('reassembles a prompt split across chunks, ANSI escapes cut in half included', async () => {
    const dev = new FakeIos({ ansi: true, chunk: 3 });
    const ch = new Channel(dev, { device: 'sw1' });
    const r = await ch.readUntil(anyPrompt, 1000, 'the prompt');
    assert.equal(r.lastLine, 'sw1#');
    assert.equal(r.text, '\nsw1#');
  });

  it('reads back the echo, then the output up to the prompt', async () => {
    const dev = new FakeIos({ chunk: 2 });
    const ch = new Channel(dev, { device: 'sw1' });
    await ch.readUntil(anyPrompt, 1000, 'the prompt');
    ch.writeLine('show version');
    await ch.readEcho('show version', 1000);
    const r = await ch.readUntil(anyPrompt, 1000, 'the prompt');
    assert.equal(r.text, '\noutput of show version\nsw1#');
  });

  it('answers --More-- and erases it from the output', async () => {
    const dev = new FakeIos({ pageLength: 24 });
    const ch = new Channel(dev, { device: 'sw1', pager: CISCO_IOS.pager });
    await ch.readUntil(anyPrompt, 1000, 'the prompt');
    ch.writeLine('show long');
    await ch.readEcho('show long', 1000);
    const r = await ch.readUntil(anyPrompt, 2000, 'the prompt');
    const lines = r.text.split('\n').filter((l) => l.startsWith('line '));
    assert.equal(lines.length, 60);
    assert.equal(lines[24], 'line 25 of the long output');
    assert.ok(!r.text.includes('More'), r.text);
    assert.equal(dev.written.filter((w) => w === ' ').length, 2, 'two pages continued');
  });

  it('a timeout closes the transport first, then raises E_TIMEOUT naming the last line', async () => {
    const dev = new FakeIos();
    const ch = new Channel(dev, { device: 'sw1' });
    await ch.readUntil(anyPrompt, 1000, 'the prompt');
    ch.writeLine('hang');
    await ch.readEcho('hang', 1000);
    const err = await ch.readUntil(anyPrompt, 50, "the prompt after 'hang'").catch((e: unknown) => e);
    assert.ok(err instanceof TimeoutError);
    assert.equal(err.code, 'E_TIMEOUT');
    assert.equal(err.details?.lastLine, 'hang');
    assert.equal(dev.closedByClient, true);
    assert.equal(ch.isOpen, false);
  });

  it('a dropped connection raises E_CONNECTION_LOST naming the last line sent', async () => {
    const dev = new FakeIos();
    const ch = new Channel(dev, { device: 'sw1' });
    await ch.readUntil(anyPrompt, 1000, 'the prompt');
    ch.writeLine('hang');
    setTimeout(() => dev.drop(new Error('Connection reset by peer')), 10);
    const err = await ch.readUntil(anyPrompt, 5000, 'x').catch((e: unknown) => e);
    assert.ok(err instanceof ConnectionLostError);
    assert.equal(err.code, 'E_CONNECTION_LOST');
    assert.equal(err.lastLine, 'hang');
    assert.match(err.message, /after sending 'hang'.*Connection reset by peer/);
    assert.throws(() => ch.writeLine('more'), ConnectionLostError);
  });

  it('redacted writes never reach the log, the last-line record or later output', async () => {
    const events: ChannelLogEvent[] = [];
    const dev = new FakeIos();
    const ch = new Channel(dev, { device: 'sw1', log: (e) => events.push(e) });
    await ch.readUntil(anyPrompt, 1000, 'the prompt');
    ch.writeLine('s3cret-Enable', { redacted: true });
    assert.equal(ch.lastSent, '<redacted>');
    // the fake echoes every line: a device that echoed a secret must not leak it either
    const r = await ch.readUntil(anyPrompt, 1000, 'the prompt');
    assert.ok(!r.text.includes('s3cret-Enable'), r.text);
    assert.ok(r.text.includes('<redacted>'));
    assert.ok(!JSON.stringify(events).includes('s3cret-Enable'));
    assert.ok(events.some((e) => e.direction === 'send' && e.text === '<redacted>'));
  });
});
