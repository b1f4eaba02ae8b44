/** Flags every command that changes devices shares: preview, consent, renew, verify. */
import { Flags } from '@oclif/core';
import { RENEW_METHODS, type RenewMethod } from '../model/plan.js';
import { commandLine, inventoryFlag, operatorName, stateFlag } from './base-command.js';

export const changeFlags = {
  inventory: inventoryFlag,
  state: stateFlag,
  'dry-run': Flags.boolean({
    summary: 'Print the diff and the exact lines an apply would send; change nothing.',
    default: false,
  }),
  yes: Flags.boolean({
    char: 'y',
    summary: 'Apply without asking (required when not on a terminal).',
    default: false,
  }),
  renew: Flags.custom<RenewMethod>({
    options: [...RENEW_METHODS],
    summary: 'How the device gets its new address: bounce the port, wait for the lease, or tell the user.',
  })(),
  verify: Flags.boolean({
    summary: 'Poll ARP and the DHCP lease until the device shows up at its new address.',
    default: true,
    allowNo: true,
  }),
};

/** The parsed change flags, as the request fields every changing command passes to src/. */
export interface ChangeFlagValues {
  inventory: string;
  state?: string | undefined;
  'dry-run': boolean;
  yes: boolean;
  renew?: RenewMethod | undefined;
  verify: boolean;
}

export async function changeRequest(flags: ChangeFlagValues, json: boolean, argv: readonly string[]) {
  return {
    inventoryPath: flags.inventory,
    statePath: flags.state,
    dryRun: flags['dry-run'],
    yes: flags.yes,
    json,
    renew: flags.renew,
    verify: flags.verify,
    operator: await operatorName(),
    commandLine: commandLine(argv),
    ...(json ? {} : { progress: (line: string) => void process.stderr.write(`${line}\n`) }),
  };
}
