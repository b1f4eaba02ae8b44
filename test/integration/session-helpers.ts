/** Shared setup for the session integration tests: connection params for a lab device. */
import type { ConnectionParams } from '../../src/devices/connect.js';

export interface LabLike {
  readonly knownHostsPath: string;
  readonly username: string;
  readonly password: string;
  readonly enableSecret: string;
}
export interface LabDeviceLike {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

export function paramsFor(
  lab: LabLike,
  d: LabDeviceLike,
  overrides: Partial<ConnectionParams> = {},
): ConnectionParams {
  return {
    name: d.name,
    host: d.host,
    port: d.port,
    platform: 'cisco_ios',
    username: lab.username,
    password: lab.password,
    enableSecret: lab.enableSecret,
    knownHostsPath: lab.knownHostsPath,
    connectTimeoutMs: 3000,
    commandTimeoutMs: 3000,
    idleTimeoutMs: 0,
    keepaliveMs: 0,
    ...overrides,
  };
}

/** Resolves with the error a promise rejects with (fails when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}
