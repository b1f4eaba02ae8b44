/** Colour only for a terminal: none when stdout is not a TTY, or NO_COLOR is set (https://no-color.org). */
import { Chalk, type ChalkInstance } from 'chalk';

export function colorFor(stream: NodeJS.WriteStream = process.stdout): ChalkInstance {
  const off = (process.env.NO_COLOR ?? '') !== '' || !stream.isTTY || process.env.TERM === 'dumb';
  return new Chalk({ level: off ? 0 : 1 });
}
