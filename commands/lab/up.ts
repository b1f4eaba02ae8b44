import { Flags } from '@oclif/core';
import { BaseCommand } from '../../src/cli/base-command.js';
import type { LabSummary } from '../../src/lab/summary.js';

export type LabUpResult = LabSummary;

export default class LabUp extends BaseCommand {
  static override summary = 'Run the IOS lab: simulated switches over real SSH on 127.0.0.1.';
  static override description =
    'Starts a gateway (lab-gw, with an IOS DHCP server for 10.10.0.0/24 on Vlan10) and access ' +
    'switches (lab-sw1..N, one end host per access port, Gi1/0/48 trunk uplink), each an SSH server ' +
    'on 127.0.0.1. Writes inventory.yaml, known_hosts and secrets/ (mode 0600) into --dir, then runs ' +
    'in the foreground until Ctrl-C (SIGINT) or SIGTERM. Host keys in --dir are reused across runs. ' +
    'With --json, the devices, ports and file paths are printed as one JSON object as soon as the lab ' +
    'is up (the command keeps running).';
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --switches 4 --hosts-per-switch 8 --dir ./lab',
    '<%= config.bin %> <%= command.id %> --latency 50 --json',
  ];
  static override flags = {
    switches: Flags.integer({ summary: 'Access switches.', default: 2, min: 1, max: 47 }),
    'hosts-per-switch': Flags.integer({
      summary: 'End hosts per switch (ports Gi1/0/1..M).',
      default: 4,
      min: 0,
      max: 47,
    }),
    latency: Flags.integer({ summary: 'Delay per command, in milliseconds.', default: 0, min: 0 }),
    dir: Flags.string({
      summary: 'Folder for keys, inventory.yaml, known_hosts and secrets (default: a new temp folder).',
    }),
    'base-port': Flags.integer({
      summary: 'First SSH port (devices get consecutive ports; default: any free port).',
      min: 1,
      max: 65535,
    }),
  };

  async run(): Promise<LabUpResult | undefined> {
    const { flags } = await this.parse(LabUp);
    const { startLab } = await import('../../src/lab/index.js');
    const { labSummary, untilSignal } = await import('../../src/lab/summary.js');
    const lab = await startLab({
      switches: flags.switches,
      hostsPerSwitch: flags['hosts-per-switch'],
      latencyMs: flags.latency,
      ...(flags.dir === undefined ? {} : { dir: flags.dir }),
      ...(flags['base-port'] === undefined ? {} : { basePort: flags['base-port'] }),
    });
    const summary = labSummary(lab);
    if (this.jsonEnabled()) {
      // Printed now, not on return: the command keeps running until a signal.
      this.logJson(summary);
    } else {
      this.say(`highalert lab: ${lab.devices.length} devices on 127.0.0.1 (folder ${lab.dir})`);
      for (const d of summary.devices) {
        this.say(
          `  ${d.name.padEnd(8)} ${d.role.padEnd(8)} ssh -p ${d.port} ${lab.username}@127.0.0.1   ${d.fingerprint}`,
        );
      }
      this.say(
        `password: ${lab.password}   enable secret: ${lab.enableSecret}   (also in ${summary.passwordFile}, ${summary.enableFile})`,
      );
      this.say(`known_hosts: ${lab.knownHostsPath}   (ssh -o UserKnownHostsFile=${lab.knownHostsPath} ...)`);
      this.say(`inventory: ${lab.inventoryPath}`);
      this.say(`  check it:  highalert inventory validate ${lab.inventoryPath}`);
      this.say('Press Ctrl-C to stop.');
    }
    await untilSignal();
    await lab.stop();
    if (!this.jsonEnabled()) this.say('highalert lab: stopped.');
    return undefined;
  }
}
