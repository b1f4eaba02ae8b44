import { Flags } from '@oclif/core';
import { BaseCommand, inventoryFlag } from '../src/cli/base-command.js';
import type { SetupResult } from '../src/gateway/run.js';

export default class Setup extends BaseCommand {
  static override summary = 'Create the High-Alert group on the network (idempotent).';
  static override description =
    'For each IPv4 VLAN (or those of --site): keeps the High-Alert range out of dynamic DHCP ' +
    '(Kea: a guarded pool; IOS DHCP: ip dhcp excluded-address), and on the gateway creates the pool ACL ' +
    'HA-POOL-<site>-<vlan>, route-map HA-PBR-<vlan> (next hop: the monitor) and binds it with ' +
    'ip policy route-map on the SVI. Reads each running config first and sends only what is missing; ' +
    'a second run sends nothing. Shows the diff, then asks (without a terminal, --yes is required). ' +
    'A failure rolls every gateway change back. IPv6 VLANs are skipped (IPv6 policy routing is not ' +
    'implemented). An SVI that already has another ip policy route-map is refused, never replaced.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> --dry-run',
    '<%= config.bin %> <%= command.id %> --site campus-a',
    '<%= config.bin %> <%= command.id %> --yes --json',
  ];
  static override flags = {
    inventory: inventoryFlag,
    site: Flags.string({ summary: 'Only this site (default: every site).' }),
    state: Flags.string({ summary: 'State store file (journal, audit).', env: 'HIGHALERT_STATE' }),
    'dry-run': Flags.boolean({ summary: 'Show the diff and the exact lines; change nothing.' }),
    yes: Flags.boolean({ char: 'y', summary: 'Apply without asking (needed without a terminal).' }),
  };

  async run(): Promise<SetupResult> {
    const { flags } = await this.parse(Setup);
    const { setupFromCli } = await import('../src/gateway/cli.js');
    const { formatSetupResult } = await import('../src/gateway/format.js');
    const { colorFor } = await import('../src/cli/color.js');
    const result = await setupFromCli({
      inventoryPath: flags.inventory,
      ...(flags.state === undefined ? {} : { statePath: flags.state }),
      ...(flags.site === undefined ? {} : { site: flags.site }),
      dryRun: flags['dry-run'],
      yes: flags.yes,
      json: this.jsonEnabled(),
      commandLine: ['highalert', 'setup', ...this.argv].join(' '),
      say: (text) => this.log(text),
    });
    if (!this.jsonEnabled()) this.log(formatSetupResult(result, colorFor(process.stdout)));
    return result;
  }
}
