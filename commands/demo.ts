import { Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { EXIT } from '../src/errors.js';
import type { DemoResult } from '../src/demo.js';

export default class Demo extends BaseCommand {
  static override summary = 'Quarantine and release a device on the built-in lab, step by step.';
  static override description = `Starts the built-in IOS lab (a gateway with an IOS DHCP server and two access switches, simulated
over real SSH on 127.0.0.1), previews a quarantine as a dry-run diff, applies it, shows the host's
new High-Alert address, releases it and shows the port restored byte for byte. No hardware needed.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --json',
  ];
  static override flags = {
    dir: Flags.string({ summary: 'Folder for the lab files (default: a fresh temporary folder).' }),
  };

  async run(): Promise<DemoResult> {
    const { flags } = await this.parse(Demo);
    const [{ runDemo }, { colorFor }] = await Promise.all([
      import('../src/demo.js'),
      import('../src/cli/color.js'),
    ]);
    const result = await runDemo({
      say: (t) => this.log(t),
      c: colorFor(),
      ...(flags.dir ? { dir: flags.dir } : {}),
    });
    if (!result.released.portConfigRestored) process.exitCode = EXIT.PARTIAL;
    return result;
  }
}
