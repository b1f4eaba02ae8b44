/** The lab's public types (re-exported from src/lab/index.ts). */

export interface LabOptions {
  /** Access switches (default 2). */
  switches?: number;
  /** End hosts per access switch, on Gi1/0/1..M (default 4, at most 47). */
  hostsPerSwitch?: number;
  /** Delay before each command's output, per device (default 0). */
  latencyMs?: number;
  /** Where keys, inventory.yaml, known_hosts and secrets go (default: a fresh temp dir). */
  dir?: string;
  username?: string;
  password?: string;
  enableSecret?: string;
  /** First TCP port; devices get basePort, basePort+1, … (default: any free port). */
  basePort?: number;
}

export interface LabFaults {
  /** Close the SSH connection after N lines received in a session (the Nth line is applied). */
  dropAfterLines?: number;
  /** Config lines matching it get "% Invalid input detected" with the caret at their first character. */
  rejectPattern?: RegExp;
  refuseAuth?: boolean;
  /** Present a different host key from the next connection on. */
  alternateHostKey?: boolean;
  latencyMs?: number;
  /** A transient fault: drop / reject fires once, then clears itself (so a rollback can get through). */
  once?: boolean;
}

export interface LabHost {
  /** Canonical `aa:bb:cc:dd:ee:ff`. */
  mac: string;
  ip: string;
  /** Long interface name. */
  port: string;
  vlan: number;
  switch: string;
}

export interface LabDevice {
  readonly name: string;
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly role: 'gateway' | 'access';
  /** `SHA256:…` of the key currently presented. */
  readonly hostKeyFingerprint: string;
  /** Exactly what `show running-config` prints. */
  runningConfig(): string;
  /** What `show running-config interface X` prints (X: long name). */
  interfaceConfig(name: string): string;
  /** Every non-empty line received (exec and config; not passwords) since clearReceived(), as typed. */
  received(): string[];
  clearReceived(): void;
  setFaults(f: LabFaults): void;
  clearFaults(): void;
  /** Applies config lines directly (global config mode), without SSH and without recording them. */
  configure(lines: string[]): void;
  /** Fires a pending `configure terminal revert timer` now; false when none is pending. */
  expireRevertTimer(): boolean;
}

export type DhcpHookFn = (ev: {
  switch: string;
  port: string;
  mac: string;
  event: 'down' | 'up';
}) => Promise<string | undefined> | void;

export interface Lab {
  readonly dir: string;
  readonly inventoryPath: string;
  readonly knownHostsPath: string;
  readonly username: string;
  readonly password: string;
  readonly enableSecret: string;
  readonly devices: LabDevice[];
  device(name: string): LabDevice;
  hosts(): LabHost[];
  host(mac: string): LabHost | undefined;
  /** Connects another end host (e.g. a PC behind an IP phone on the same port). */
  addHost(host: { switch: string; port: string; mac: string; ip: string }): LabHost;
  setDhcpHook(hook: DhcpHookFn | undefined): void;
  stop(): Promise<void>;
}
