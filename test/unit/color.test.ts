import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { colorFor } from '../../src/cli/color.js';

const saved = { NO_COLOR: process.env.NO_COLOR, TERM: process.env.TERM };
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

const tty = { isTTY: true } as NodeJS.WriteStream;
const pipe = { isTTY: false } as NodeJS.WriteStream;

test('colour on a terminal, none in a pipe, none with NO_COLOR', () => {
  delete process.env.NO_COLOR;
  process.env.TERM = 'xterm-256color';
  assert.notEqual(colorFor(tty).red('x'), 'x');
  assert.equal(colorFor(pipe).red('x'), 'x');
  process.env.NO_COLOR = '1';
  assert.equal(colorFor(tty).red('x'), 'x');
});
