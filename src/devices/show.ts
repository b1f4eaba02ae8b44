/** Reading a device: a show command by inventory name, and the same command parsed. */
import { parseShowAs, type ParserId, type ParserPlatform, type ShowRecords } from './parsers/index.js';

/** Runs show commands on a device by its inventory name (the run's Network, or a fake in tests). */
export interface ShowPort {
  show(device: string, command: string): Promise<string>;
}

/** Runs `command` on the device and parses it with the parser `id`. */
export async function showParsed<K extends ParserId>(
  net: ShowPort,
  device: { readonly name: string; readonly platform: string },
  id: K,
  command: string,
): Promise<ShowRecords[K][]> {
  return parseShowAs(device.platform as ParserPlatform, id, command, await net.show(device.name, command))
    .records;
}
