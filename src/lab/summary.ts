/** What `highalert lab up` prints: devices with their SSH ports and fingerprints, and the lab's files. */
import type { Lab } from './types.js';

export interface LabSummary {
  dir: string;
  inventory: string;
  knownHosts: string;
  username: string;
  passwordFile: string;
  enableFile: string;
  devices: Array<{
    name: string;
    host: string;
    port: number;
    role: 'gateway' | 'access';
    fingerprint: string;
  }>;
  hosts: Array<{ mac: string; ip: string; switch: string; port: string; vlan: number }>;
}

export function labSummary(lab: Lab): LabSummary {
  return {
    dir: lab.dir,
    inventory: lab.inventoryPath,
    knownHosts: lab.knownHostsPath,
    username: lab.username,
    passwordFile: `${lab.dir}/secrets/password`,
    enableFile: `${lab.dir}/secrets/enable`,
    devices: lab.devices.map((d) => ({
      name: d.name,
      host: d.host,
      port: d.port,
      role: d.role,
      fingerprint: d.hostKeyFingerprint,
    })),
    hosts: lab.hosts(),
  };
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const done = (sig: NodeJS.Signals): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve(sig);
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}
