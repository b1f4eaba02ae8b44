/**
 * The IOS lab: a gateway (`lab-gw`, IOS DHCP server) and access switches (`lab-sw1..N`) simulated
 * over real SSH on 127.0.0.1, with end hosts that renew their address when their port bounces.
 * Used by tests, benchmarks, the demo and `highalert lab up`.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tryParseMac } from '../values/index.js';
import { LAB_VLAN, accessConfig, gatewayConfig, initialHosts, switchName } from './build.js';
import { configTree, subTrees } from './config-commands.js';
import { LabWorld, SimDevice } from './device.js';
import { execTree, userTree } from './exec-commands.js';
import { inventoryText, knownHostsText, writeSecret } from './files.js';
import { CliSession, type CommandTrees } from './session.js';
import { DeviceServer, loadOrCreateHostKey } from './ssh.js';
import type { DhcpHookFn, Lab, LabDevice, LabFaults, LabHost, LabOptions } from './types.js';
import type { HostState } from './world.js';

export type { DhcpHookFn, Lab, LabDevice, LabFaults, LabHost, LabOptions } from './types.js';

let trees: CommandTrees | undefined;
/** The command trees are static; build them once. */
export function commandTrees(): CommandTrees {
  trees ??= { user: userTree(), exec: execTree(), config: configTree(), sub: subTrees() };
  return trees;
}

const ERROR_LINE =
  /^(% ?(Invalid input|Incomplete command|Ambiguous command)|Duplicate sequence number|Exceeded maximum)/;

class LabDeviceHandle implements LabDevice {
  readonly host = '127.0.0.1' as const;
  constructor(
    readonly sim: SimDevice,
    readonly server: DeviceServer,
  ) {}
  get name(): string {
    return this.sim.name;
  }
  get port(): number {
    return this.server.port;
  }
  get role(): 'gateway' | 'access' {
    return this.sim.role;
  }
  get hostKeyFingerprint(): string {
    return this.server.hostKey.fingerprint;
  }
  runningConfig(): string {
    return this.sim.runningConfig();
  }
  interfaceConfig(name: string): string {
    return this.sim.interfaceConfig(name);
  }
  received(): string[] {
    return [...this.sim.received];
  }
  clearReceived(): void {
    this.sim.received.length = 0;
  }
  setFaults(f: LabFaults): void {
    this.sim.faults = { ...f };
    this.sim.alternateKey = f.alternateHostKey === true;
  }
  clearFaults(): void {
    this.sim.faults = {};
    this.sim.alternateKey = false;
  }
  configure(lines: string[]): void {
    const s = new CliSession(this.sim, commandTrees(), 'lab', 'local');
    s.setMode('config');
    for (const line of lines) {
      const reply = s.execute(line);
      const bad = (reply.lines ?? []).find((l) => ERROR_LINE.test(l));
      if (bad) throw new Error(`${this.name}: configure ${JSON.stringify(line)}: ${bad}`);
    }
  }
  expireRevertTimer(): boolean {
    return this.sim.rollback();
  }
}

function toLabHost(h: HostState): LabHost {
  return { mac: h.mac, ip: h.ip ?? '', port: h.port, vlan: h.vlan, switch: h.switch };
}

export async function startLab(opts: LabOptions = {}): Promise<Lab> {
  const switches = opts.switches ?? 2;
  const perSwitch = opts.hostsPerSwitch ?? 4;
  if (!Number.isInteger(switches) || switches < 1 || switches > 47)
    throw new RangeError('switches must be 1..47');
  if (!Number.isInteger(perSwitch) || perSwitch < 0 || perSwitch > 47)
    throw new RangeError('hostsPerSwitch must be 0..47');
  if (switches * perSwitch > 140) throw new RangeError('at most 140 hosts (10.10.0.100-10.10.0.239)');
  const username = opts.username ?? 'noc';
  const password = opts.password ?? 'lab-password';
  const enableSecret = opts.enableSecret ?? 'lab-enable';
  const latency = opts.latencyMs ?? 0;
  const dir = path.resolve(opts.dir ?? mkdtempSync(path.join(os.tmpdir(), 'highalert-lab-')));
  mkdirSync(path.join(dir, 'keys'), { recursive: true, mode: 0o700 });

  const world = new LabWorld();
  world.enableSecret = enableSecret;
  world.hosts.push(...initialHosts(switches, perSwitch));
  const sims: SimDevice[] = [
    new SimDevice('lab-gw', 'gateway', gatewayConfig(switches), world, latency, username),
  ];
  for (let s = 1; s <= switches; s++) {
    sims.push(new SimDevice(switchName(s), 'access', accessConfig(s, perSwitch), world, latency, username));
    world.downlinks.set(switchName(s), `GigabitEthernet1/0/${s}`);
  }
  for (const d of sims) world.devices.set(d.name, d);

  const handles: LabDeviceHandle[] = [];
  try {
    for (const [i, sim] of sims.entries()) {
      const keys = {
        main: loadOrCreateHostKey(path.join(dir, 'keys', `${sim.name}.key`)),
        alt: loadOrCreateHostKey(path.join(dir, 'keys', `${sim.name}-alternate.key`)),
      };
      const server = new DeviceServer(sim, keys, { username, password }, commandTrees());
      await server.listen(opts.basePort === undefined ? 0 : opts.basePort + i);
      handles.push(new LabDeviceHandle(sim, server));
    }
  } catch (e) {
    await Promise.all(handles.map((h) => h.server.close()));
    throw e;
  }

  const fileDevices = handles.map((h) => ({
    name: h.name,
    port: h.port,
    role: h.role,
    publicKeyLine: h.server.keys.main.publicLine,
  }));
  const knownHostsPath = path.join(dir, 'known_hosts');
  const inventoryPath = path.join(dir, 'inventory.yaml');
  writeFileSync(knownHostsPath, knownHostsText(fileDevices));
  writeSecret(path.join(dir, 'secrets', 'password'), password);
  writeSecret(path.join(dir, 'secrets', 'enable'), enableSecret);
  writeFileSync(
    inventoryPath,
    inventoryText({ devices: fileDevices, username, hosts: world.hosts.map(toLabHost) }),
  );

  let stopped = false;
  const lab: Lab = {
    dir,
    inventoryPath,
    knownHostsPath,
    username,
    password,
    enableSecret,
    devices: handles,
    device(name: string): LabDevice {
      const d = handles.find((h) => h.name === name);
      if (!d) throw new Error(`no lab device ${name} (have ${handles.map((h) => h.name).join(', ')})`);
      return d;
    },
    hosts: () => world.hosts.map(toLabHost),
    host(mac: string): LabHost | undefined {
      const m = tryParseMac(mac);
      const h = m === undefined ? undefined : world.hosts.find((x) => x.mac === m);
      return h ? toLabHost(h) : undefined;
    },
    setDhcpHook(hook: DhcpHookFn | undefined): void {
      world.hook = hook;
    },
    addHost(host: { switch: string; port: string; mac: string; ip: string }): LabHost {
      const mac = tryParseMac(host.mac);
      if (!mac) throw new Error(`not a MAC: ${host.mac}`);
      const state: HostState = {
        mac,
        switch: host.switch,
        port: host.port,
        vlan: LAB_VLAN,
        ip: host.ip,
        lease: { type: 'automatic', ip: host.ip, expires: Date.now() + 86_400_000 },
        snooped: true,
        since: Date.now(),
      };
      world.hosts.push(state);
      return toLabHost(state);
    },
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      for (const s of sims) s.cancelRevert();
      await Promise.all(handles.map((h) => h.server.close()));
    },
  };
  return lab;
}
