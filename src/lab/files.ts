/** The lab's files: secrets (0600), OpenSSH known_hosts, and inventory.yaml in highalert's format. */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { interfaceShort, type InterfaceName } from '../values/index.js';
import { LAB_GATEWAY_IP, LAB_VLAN } from './build.js';
import type { LabHost } from './types.js';

export interface LabFileDevice {
  name: string;
  port: number;
  role: 'gateway' | 'access';
  publicKeyLine: string;
}

export function writeSecret(file: string, value: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, value + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
}

export function knownHostsText(devices: LabFileDevice[]): string {
  return devices.map((d) => `[127.0.0.1]:${d.port} ${d.publicKeyLine}\n`).join('');
}

export function inventoryText(opts: {
  devices: LabFileDevice[];
  username: string;
  hosts: LabHost[];
}): string {
  const switches = opts.devices.filter((d) => d.role === 'access').map((d) => d.name);
  const gw = opts.devices.find((d) => d.role === 'gateway')!;
  const users = opts.hosts.slice(0, 2).map((h, i) => ({
    id: ['alice', 'bob'][i]!,
    name: ['Alice Lab', 'Bob Lab'][i]!,
    macs: [h.mac],
    switch: h.switch,
    port: interfaceShort(h.port as InterfaceName),
  }));
  const doc = {
    version: 1,
    defaults: {
      credentials: 'lab',
      ssh: { known_hosts: './known_hosts', connect_timeout_s: 5, command_timeout_s: 15, max_concurrent: 8 },
      policy: { renew: 'port-bounce', bounce_pause_s: 0, verify_timeout_s: 30 },
    },
    credentials: {
      lab: { username: opts.username, password_file: './secrets/password', enable_file: './secrets/enable' },
    },
    devices: [
      {
        name: gw.name,
        host: '127.0.0.1',
        port: gw.port,
        platform: 'cisco_ios',
        roles: ['gateway', 'dhcp_server'],
        credentials: 'lab',
      },
      ...opts.devices
        .filter((d) => d.role === 'access')
        .map((d) => ({
          name: d.name,
          host: '127.0.0.1',
          port: d.port,
          platform: 'cisco_ios',
          roles: ['access'],
          credentials: 'lab',
          protected_ports: ['Gi1/0/48'],
        })),
    ],
    monitor: { ip: '10.10.0.9' },
    dhcp_servers: [{ name: 'lab-dhcp', backend: 'cisco_ios', device: gw.name }],
    sites: [
      {
        name: 'lab',
        vlans: [
          {
            id: LAB_VLAN,
            name: 'lab',
            subnet: '10.10.0.0/24',
            gateway: { device: gw.name, interface: 'Vlan10', ip: LAB_GATEWAY_IP },
            access_switches: switches,
            normal_pool: '10.10.0.100-10.10.0.199',
            high_alert_pool: '10.10.0.240-10.10.0.250',
            dhcp: { server: 'lab-dhcp' },
          },
        ],
      },
    ],
    users,
    protected: { ips: [LAB_GATEWAY_IP] },
  };
  const head =
    '# highalert lab inventory — written by `highalert lab up` / startLab(); rewritten on every start.\n' +
    '# Devices are simulated IOS switches on 127.0.0.1; passwords are in ./secrets (mode 0600).\n';
  return head + stringify(doc, { lineWidth: 0 });
}
