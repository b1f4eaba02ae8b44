/**
 * Cisco IOS / IOS-XE as data: modes and their prompts, failure strings, confirm prompts, on-open
 * lines, save and commit-confirmed. `IosSession` only supplies this to the generic Session.
 * Sources: docs ios-reference §1, §2, §7 (scrapli cisco_iosxe, Netmiko cisco_ios, captured output).
 */
import type { Channel } from '../channel.js';
import type { PlatformDefinition } from '../platform.js';
import { Session, type SessionOptions } from '../session.js';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !(value instanceof RegExp) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Hostname characters IOS prints in a prompt (scrapli's set). */
const HOST = String.raw`[\w.\-@/:]{1,63}`;

export const CISCO_IOS: PlatformDefinition = deepFreeze({
  name: 'cisco_ios',
  modes: [
    {
      name: 'exec',
      pattern: new RegExp(String.raw`^${HOST}>\s*$`),
      parent: undefined,
      enter: undefined,
      exit: undefined,
      enterNeedsSecret: false,
    },
    {
      name: 'privilege_exec',
      pattern: new RegExp(String.raw`^${HOST}#\s*$`),
      parent: 'exec',
      enter: 'enable',
      exit: 'disable',
      enterNeedsSecret: true,
    },
    {
      name: 'configuration',
      pattern: new RegExp(String.raw`^${HOST}\(config\)#\s*$`),
      parent: 'privilege_exec',
      enter: 'configure terminal',
      exit: 'end',
      enterNeedsSecret: false,
    },
    {
      // (config-if)#, (config-ext-nacl)#, (dhcp-config)#, (config-sg-tacacs+)# … — not tclsh's (tcl)#.
      name: 'config_submode',
      pattern: new RegExp(String.raw`^${HOST}\((?!config\)|tcl\))[\w.\-@/:+]{1,32}\)#\s*$`),
      parent: 'configuration',
      enter: undefined,
      exit: 'exit',
      enterNeedsSecret: false,
    },
  ],
  defaultMode: 'privilege_exec',
  configMode: 'configuration',
  leaveConfig: 'end',
  failureStrings: [
    '% Invalid input detected',
    '% Incomplete command',
    '% Ambiguous command',
    '% Unknown command',
    'Command authorization failed',
    '% Bad secrets',
    '% Access denied',
    '%Error',
    '% Error',
    'Duplicate sequence number',
    'Exceeded maximum sequence number',
    '% Bad IP address or host name',
    'Archive feature not enabled',
    '%Please turn config archive on',
    // IOS DHCP server: a manual binding for a client that still holds an automatic lease.
    '% A binding for this client already exists',
  ],
  confirmPrompts: [
    { pattern: /\[confirm\]\s*$/, answer: '' },
    { pattern: /^Destination filename \[[^\]\s]*\]\?\s*$/, answer: '' },
  ],
  secretPrompt: /^(?:enable\s)?password:\s?$/i,
  secretRejected: ['% Bad secrets', '% Access denied'],
  onOpen: ['terminal length 0', 'terminal width 511'],
  onClose: ['exit'],
  pager: { pattern: /^\s*-+\s*More\s*-+\s*$/i, answer: ' ' },
  basePromptLength: 16,
  save: { command: 'write memory', ok: /\[OK\]/ },
  commitConfirm: {
    enterConfigWithTimer: (minutes: number) => `configure terminal revert timer ${minutes}`,
    minMinutes: 1,
    maxMinutes: 120,
    confirm: 'configure confirm',
    revertNow: 'configure revert now',
    archiveMissing: [
      /archive feature not enabled/i,
      /turn config archive on/i,
      /archive .*not (?:configured|enabled)/i,
      /no archive/i,
    ],
    nothingPending: /No Rollback Confirmed Change pending/i,
    howToEnable: ['archive', ' path flash:archive', ' write-memory'],
  },
});

export class IosSession extends Session {
  constructor(channel: Channel, options: SessionOptions) {
    super(CISCO_IOS, channel, options);
  }
}
