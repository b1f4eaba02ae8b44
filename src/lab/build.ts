/** The lab's initial world: a gateway with an IOS DHCP server and access switches with one host per port. */
import type { Mac } from '../values/index.js';
import type { DeviceConfig, InterfaceConfig } from './model.js';
import { LEASE_MS, type HostState } from './world.js';
import { UPLINK } from './device.js';

export const LAB_SUBNET = { network: '10.10.0.0', mask: '255.255.255.0', prefix: 24 };
export const LAB_GATEWAY_IP = '10.10.0.1';
export const LAB_VLAN = 10;
export const FIRST_HOST = 100;

function emptyConfig(hostname: string): DeviceConfig {
  return {
    hostname,
    interfaces: new Map(),
    ipAcls: new Map(),
    macAcls: new Map(),
    routeMaps: new Map(),
    dhcpPools: new Map(),
    dhcpExcluded: [],
  };
}

function add(c: DeviceConfig, i: InterfaceConfig): void {
  c.interfaces.set(i.name, i);
}

export function switchName(n: number): string {
  return `lab-sw${n}`;
}

export function hostMac(sw: number, port: number): Mac {
  const h = (n: number): string => n.toString(16).padStart(2, '0');
  return `02:00:00:${h(sw)}:00:${h(port)}` as Mac;
}

export function gatewayConfig(switches: number): DeviceConfig {
  const c = emptyConfig('lab-gw');
  for (let s = 1; s <= switches; s++) {
    add(c, {
      name: `GigabitEthernet1/0/${s}`,
      l2: true,
      shutdown: false,
      description: `uplink to ${switchName(s)} Gi1/0/48`,
      switchportMode: 'trunk',
    });
  }
  add(c, { name: 'Vlan1', l2: false, shutdown: true });
  add(c, {
    name: 'Vlan10',
    l2: false,
    shutdown: false,
    ipAddress: { ip: LAB_GATEWAY_IP, mask: LAB_SUBNET.mask },
  });
  c.dhcpExcluded.push({ from: '10.10.0.1', to: '10.10.0.99' });
  // The High-Alert range is excluded from dynamic assignment, as `highalert setup` leaves an IOS
  // DHCP server: only manual bindings (quarantine reservations) hand these addresses out.
  c.dhcpExcluded.push({ from: '10.10.0.240', to: '10.10.0.250' });
  c.dhcpPools.set('LAB-VLAN10', {
    name: 'LAB-VLAN10',
    network: { ip: LAB_SUBNET.network, mask: LAB_SUBNET.mask },
    defaultRouter: [LAB_GATEWAY_IP],
    dnsServer: [],
  });
  return c;
}

export function accessConfig(sw: number, hostsPerSwitch: number): DeviceConfig {
  const c = emptyConfig(switchName(sw));
  for (let p = 1; p <= 47; p++) {
    const i: InterfaceConfig = { name: `GigabitEthernet1/0/${p}`, l2: true, shutdown: false };
    if (p <= hostsPerSwitch) {
      i.accessVlan = LAB_VLAN;
      i.switchportMode = 'access';
      i.portfast = true;
    }
    add(c, i);
  }
  add(c, {
    name: UPLINK,
    l2: true,
    shutdown: false,
    description: 'uplink to lab-gw',
    switchportMode: 'trunk',
  });
  add(c, { name: 'Vlan1', l2: false, shutdown: true });
  return c;
}

export function initialHosts(switches: number, hostsPerSwitch: number): HostState[] {
  const hosts: HostState[] = [];
  const now = Date.now();
  let n = FIRST_HOST;
  for (let s = 1; s <= switches; s++) {
    for (let p = 1; p <= hostsPerSwitch; p++) {
      const ip = `10.10.0.${n++}`;
      hosts.push({
        mac: hostMac(s, p),
        switch: switchName(s),
        port: `GigabitEthernet1/0/${p}`,
        vlan: LAB_VLAN,
        ip,
        lease: { type: 'automatic', ip, expires: now + LEASE_MS },
        snooped: true,
        since: now,
      });
    }
  }
  return hosts;
}
