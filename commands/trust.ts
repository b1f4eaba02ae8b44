import { Args, Flags } from '@oclif/core';
import { BaseCommand, inventoryFlag } from '../src/cli/base-command.js';
import type { TrustOutcome } from '../src/devices/trust.js';
import { ValidationError } from '../src/errors.js';

export interface TrustResult {
  devices: TrustOutcome[];
}

export default class Trust extends BaseCommand {
  static override summary = "Record devices' SSH host keys in the known_hosts file.";
  static override description =
    'Connects to each device (key exchange only: no credentials are sent), shows its host key ' +
    'fingerprint and, once you confirm, appends it to the known_hosts file set in the inventory ' +
    '(ssh.known_hosts). A key already recorded is left alone; a key that differs from the recorded ' +
    'one is refused — delete the old line deliberately first. Without a terminal, --yes is required.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> sw-a1',
    '<%= config.bin %> <%= command.id %> sw-a1 sw-a2 dist-a --yes',
    '<%= config.bin %> <%= command.id %> sw-a1 --hash --json',
  ];
  static override strict = false;
  static override args = {
    device: Args.string({ description: 'Device name(s) from the inventory.', required: true }),
  };
  static override flags = {
    inventory: inventoryFlag,
    yes: Flags.boolean({
      char: 'y',
      summary: 'Trust without asking (for scripts: check fingerprints first).',
    }),
    hash: Flags.boolean({ summary: 'Write hashed host names (|1|salt|hash), like HashKnownHosts.' }),
  };

  async run(): Promise<TrustResult> {
    const { argv, flags } = await this.parse(Trust);
    const names = argv.map(String);
    if (!flags.yes && !(process.stdin.isTTY && process.stdout.isTTY)) {
      throw new ValidationError(
        'trusting a host key needs confirmation, and there is no terminal to ask on',
        {
          code: 'E_CONFIRM_REQUIRED',
          suggestions: ['Check the fingerprints out of band, then re-run with --yes.'],
        },
      );
    }
    const { loadInventory } = await import('../src/inventory/index.js');
    const { trustInventoryDevices } = await import('../src/devices/trust.js');
    const { inventory } = await loadInventory(flags.inventory);
    const ask = async (
      t: { name: string; host: string; port: number },
      k: { keyType: string; fingerprint: string },
    ) => {
      if (flags.yes) return true;
      const { confirm } = await import('@inquirer/prompts');
      return confirm({
        message: `Trust ${t.name} (${t.host}:${t.port}) ${k.keyType} ${k.fingerprint}?`,
        default: false,
      });
    };
    const agg = await trustInventoryDevices(inventory, names, { confirm: ask, hash: flags.hash });
    const devices = [...agg.results.values()].flatMap((r) => (r.result === undefined ? [] : [r.result]));
    if (!this.jsonEnabled()) for (const o of devices) this.log(describe(o));
    agg.raiseOnError();
    return { devices };
  }
}

function describe(o: TrustOutcome): string {
  const key = `${o.keyType} ${o.fingerprint}`;
  if (o.status === 'added') return `${o.device}: ${key} trusted (${o.file}:${o.line})`;
  if (o.status === 'already-trusted')
    return `${o.device}: ${key} already trusted (${o.file}:${o.line}); nothing changed`;
  return `${o.device}: ${key} not trusted (declined)`;
}
