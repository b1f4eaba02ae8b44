/**
 * The port's configuration before quarantine, as the device printed it. Release restores from this
 * (DESIGN.md invariant 4), never from a guess.
 */
import { parseShowAs, type ParserPlatform } from '../devices/parsers/index.js';
import type { ConfigInterface } from '../devices/parsers/cisco_ios/running-config.js';
import type { InterfaceName } from '../values/interface.js';
import { parseConfigName, parseIpAclRef, type ConfigName } from '../values/names.js';

export interface PortSnapshot {
  readonly device: string;
  readonly port: InterfaceName;
  /** The `interface …` block exactly as `show running-config interface` printed it. */
  readonly interfaceConfig: string;
  /** Inbound ACLs bound before quarantine. */
  readonly previous: { readonly mac_acl: ConfigName | null; readonly ip_acl: ConfigName | number | null };
  /** `switchport mode` (a trunk is refused). */
  readonly mode: string | undefined;
  /** The port was administratively down (`shutdown`): no bounce turns it on. */
  readonly shutdown: boolean;
}

/** The `interface …` block of `show running-config interface X` output (or of a saved block). */
function parsedInterface(output: string, platform: ParserPlatform): ConfigInterface | undefined {
  const command = 'show running-config interface';
  return parseShowAs(platform, command, command, output).records[0]?.interfaces[0];
}

/** The block's lines without the header and `end`, trailing spaces trimmed. */
export function interfaceBlock(output: string, platform: ParserPlatform = 'cisco_ios'): string[] {
  return (parsedInterface(output, platform)?.lines ?? []).map((l) => l.trimEnd());
}

export function takeSnapshot(
  device: string,
  port: InterfaceName,
  showRunInterface: string,
  platform: ParserPlatform = 'cisco_ios',
): PortSnapshot {
  const intf = parsedInterface(showRunInterface, platform);
  const mac = intf?.macAccessGroup?.in;
  const ip = intf?.ipAccessGroup.in;
  return {
    device,
    port,
    interfaceConfig: (intf?.lines ?? []).map((l) => l.trimEnd()).join('\n'),
    previous: {
      mac_acl: mac === undefined ? null : parseConfigName(mac, 'MAC ACL bound on the port'),
      ip_acl: ip === undefined ? null : parseIpAclRef(ip, 'IP ACL bound on the port'),
    },
    mode: intf?.switchportMode,
    shutdown: intf?.shutdown ?? false,
  };
}

/**
 * The interface block with its inbound ACL bindings replaced: what the device should print after
 * quarantine (for the dry-run diff). Existing binding lines are replaced in place; missing ones are
 * added at the end of the block.
 */
export function withBindings(
  block: string[],
  bindings: { mac_acl: string | null; ip_acl: string | null },
): string[] {
  const out = [...block];
  for (const kind of ['ip', 'mac'] as const) {
    const name = kind === 'mac' ? bindings.mac_acl : bindings.ip_acl;
    const index = out.findIndex((l) => new RegExp(`^ ${kind} access-group \\S+ in$`).test(l));
    const line = name === null ? undefined : ` ${kind} access-group ${name} in`;
    if (index >= 0) {
      if (line === undefined) out.splice(index, 1);
      else out[index] = line;
    } else if (line !== undefined) {
      out.splice(insertAt(out, line), 0, line);
    }
  }
  return out;
}

/** Interface subcommands in the order IOS prints them (running-config is not in entry order). */
const IOS_ORDER = [
  /^ description /,
  /^ switchport /,
  /^ ip address /,
  /^ ip access-group /,
  /^ mac access-group /,
  /^ ip policy /,
  /^ shutdown$/,
];

function rank(line: string): number {
  const i = IOS_ORDER.findIndex((re) => re.test(line));
  return i < 0 ? IOS_ORDER.length : i;
}

/** Where IOS would print `line` in the block: after every line that comes before it in IOS's order. */
function insertAt(block: string[], line: string): number {
  const r = rank(line);
  let at = 1;
  for (let i = 1; i < block.length; i++) if (rank(block[i]!) <= r) at = i + 1;
  return at;
}
