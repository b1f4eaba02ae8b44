/** Shared set-up for quarantine/release tests against the lab over real SSH. */
import path from 'node:path';
import { quarantine, type QuarantineRequest } from '../../src/apply/quarantine.js';
import { release, type ReleaseRequest } from '../../src/apply/release.js';
import { startLab, type Lab, type LabOptions } from '../../src/lab/index.js';

export async function labWithState(options: LabOptions = {}): Promise<{ lab: Lab; statePath: string }> {
  const lab = await startLab({ switches: 1, hostsPerSwitch: 4, ...options });
  return { lab, statePath: path.join(lab.dir, 'state.db') };
}

export function quarantineIn(
  lab: Lab,
  statePath: string,
  target: string,
  extra: Partial<QuarantineRequest> = {},
) {
  return quarantine({
    inventoryPath: lab.inventoryPath,
    statePath,
    operator: 'test',
    commandLine: `highalert quarantine ${target}`,
    target,
    reason: 'integration test',
    dryRun: false,
    verify: true,
    allowSharedPort: false,
    confirm: async () => true,
    ...extra,
  });
}

export function releaseIn(lab: Lab, statePath: string, target: string, extra: Partial<ReleaseRequest> = {}) {
  return release({
    inventoryPath: lab.inventoryPath,
    statePath,
    operator: 'test',
    commandLine: `highalert release ${target}`,
    target,
    dryRun: false,
    yes: true,
    verify: true,
    ...extra,
  });
}

/** The config-mode lines a device received (between `configure terminal` and `end`), in order. */
export function configLinesReceived(received: readonly string[]): string[] {
  const out: string[] = [];
  let inConfig = false;
  for (const line of received) {
    if (/^conf(igure)?\s+t(erminal)?\b/.test(line)) inConfig = true;
    else if (line === 'end' || line === '^Z') inConfig = false;
    else if (inConfig) out.push(line);
  }
  return out;
}

/** Every device's running config, by name. */
export function configs(lab: Lab): Record<string, string> {
  return Object.fromEntries(lab.devices.map((d) => [d.name, d.runningConfig()]));
}
