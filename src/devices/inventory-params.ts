/** From a resolved inventory device to ConnectionParams: secrets are read here, at connection time. */
import { ValidationError } from '../errors.js';
import { readSecret } from '../inventory/index.js';
import type { ResolvedDevice, ResolvedInventory } from '../inventory/index.js';
import type { ConnectionParams } from './connect.js';

/** Reads the device's secrets (env / file) and builds its connection parameters. */
export function connectionParamsFor(device: ResolvedDevice): ConnectionParams {
  const c = device.credentials;
  const what = (field: string): string => `credentials ${c.name} ${field} (device ${device.name})`;
  return {
    name: device.name,
    host: device.host,
    port: device.port,
    platform: device.platform,
    username: c.username,
    ...(c.password === undefined ? {} : { password: readSecret(c.password, what('password')) }),
    ...(c.enable === undefined ? {} : { enableSecret: readSecret(c.enable, what('enable')) }),
    ...(c.privateKey === undefined ? {} : { privateKeyPath: c.privateKey }),
    ...(c.passphrase === undefined ? {} : { passphrase: readSecret(c.passphrase, what('passphrase')) }),
    ...(c.agent ? { agent: true } : {}),
    knownHostsPath: device.ssh.knownHosts,
    connectTimeoutMs: device.ssh.connectTimeoutS * 1000,
    commandTimeoutMs: device.ssh.commandTimeoutS * 1000,
    idleTimeoutMs: device.ssh.idleTimeoutS * 1000,
    keepaliveMs: device.ssh.keepaliveS * 1000,
  };
}

/** Finds devices by name; every unknown name is reported at once (exit 2). */
export function devicesByName(inventory: ResolvedInventory, names: readonly string[]): ResolvedDevice[] {
  const byName = new Map(inventory.devices.map((d) => [d.name as string, d]));
  const unknown = names.filter((n) => !byName.has(n));
  if (unknown.length > 0) {
    throw new ValidationError(`unknown device${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, {
      code: 'E_UNKNOWN_DEVICE',
      suggestions: [`Devices in ${inventory.file}: ${[...byName.keys()].join(', ') || '(none)'}`],
    });
  }
  return [...new Set(names)].map((n) => byName.get(n)!);
}
