/**
 * The guided demo on the built-in lab: start it, preview a quarantine, apply it, show where the
 * host is now, release it, show the port restored. Everything goes over real SSH to the simulated
 * devices, exactly as against production switches.
 */
import path from 'node:path';
import type { ChalkInstance } from 'chalk';
import { quarantine } from './apply/quarantine.js';
import { release } from './apply/release.js';
import { formatQuarantineOutcome, formatReleaseOutcome } from './apply/format-outcome.js';
import { startLab } from './lab/index.js';
import { formatPlan } from './plan/format.js';

export interface DemoResult {
  readonly mac: string;
  readonly before: { ip: string; port: string };
  readonly quarantined: { ip: string; portConfig: string };
  readonly released: { ip: string; portConfigRestored: boolean };
}

export async function runDemo(options: {
  say: (text: string) => void;
  c: ChalkInstance;
  dir?: string;
}): Promise<DemoResult> {
  const { say, c } = options;
  const step = (n: number, text: string) => say(`\n${c.bold.cyan(`── ${n}. ${text}`)}\n`);
  step(1, 'Start the lab: a gateway and two access switches, simulated over real SSH on 127.0.0.1');
  const lab = await startLab({
    switches: 2,
    hostsPerSwitch: 3,
    ...(options.dir ? { dir: options.dir } : {}),
  });
  try {
    for (const d of lab.devices)
      say(`  ${d.name.padEnd(8)} ${d.role.padEnd(8)} ssh -p ${d.port} ${lab.username}@127.0.0.1`);
    say(`  inventory: ${lab.inventoryPath}`);
    const host = lab.hosts().find((h) => h.switch === 'lab-sw2')!;
    const sw = lab.device(host.switch);
    const portBefore = sw.interfaceConfig(host.port);
    say(`\n  The suspect: ${c.bold(host.mac)} at ${c.bold(host.ip)} on ${host.switch} ${host.port}`);
    const common = {
      inventoryPath: lab.inventoryPath,
      statePath: path.join(lab.dir, 'state.db'),
      operator: 'demo',
      progress: (line: string) => say(c.dim(`  ${line}`)),
    };

    step(2, `Preview: highalert quarantine ${host.ip} --dry-run`);
    const preview = await quarantine({
      ...common,
      commandLine: `highalert quarantine ${host.ip} --dry-run`,
      target: host.ip,
      reason: 'demo: IDS alert',
      dryRun: true,
      verify: true,
      allowSharedPort: false,
      confirm: async () => false,
    });
    if (preview.outcome === 'dry-run') say(formatPlan(preview.plan, c));

    step(3, `Apply: highalert quarantine ${host.ip} --yes`);
    const q = await quarantine({
      ...common,
      commandLine: `highalert quarantine ${host.ip} --yes`,
      target: host.ip,
      reason: 'demo: IDS alert',
      dryRun: false,
      verify: true,
      allowSharedPort: false,
      confirm: async () => true,
    });
    say(formatQuarantineOutcome(q, c));
    const quarantinedIp = lab.host(host.mac)!.ip;
    const portQuarantined = sw.interfaceConfig(host.port);

    step(4, 'What the network sees now');
    say(`  the host itself now holds ${c.bold(quarantinedIp)} (was ${host.ip})`);
    say(`  ${host.switch}# show running-config interface ${host.port}`);
    say(portQuarantined.replace(/^/gm, '    '));

    step(5, `Benign after all: highalert release ${host.mac} --yes`);
    const r = await release({
      ...common,
      commandLine: `highalert release ${host.mac} --yes`,
      target: host.mac,
      dryRun: false,
      yes: true,
      verify: true,
    });
    say(formatReleaseOutcome(r, c));

    step(6, 'Restored exactly');
    const portAfter = sw.interfaceConfig(host.port);
    const restored = portAfter === portBefore;
    say(`  ${host.switch}# show running-config interface ${host.port}`);
    say(portAfter.replace(/^/gm, '    '));
    say(`  byte-identical to before the quarantine: ${restored ? c.green('yes') : c.red('NO')}`);
    say(`  the host holds ${c.bold(lab.host(host.mac)!.ip)} again (normal pool)\n`);
    return {
      mac: host.mac,
      before: { ip: host.ip, port: host.port },
      quarantined: { ip: quarantinedIp, portConfig: portQuarantined },
      released: { ip: lab.host(host.mac)!.ip, portConfigRestored: restored },
    };
  } finally {
    await lab.stop();
  }
}
