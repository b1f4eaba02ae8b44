/**
 * What a platform is, as data (scrapli's PRIVS + failure lists, scrapli 2's definitions YAML).
 * The generic Session in session.ts drives any platform described this way.
 */

export interface PlatformMode {
  /** e.g. `exec`, `privilege_exec`, `configuration`, `config_submode`. */
  readonly name: string;
  /** Matches the whole last line of output when the device sits in this mode. */
  readonly pattern: RegExp;
  /** The mode `exit` leads back to; undefined for the root. */
  readonly parent: string | undefined;
  /** Command typed in `parent` to enter this mode (undefined: entered by other commands). */
  readonly enter: string | undefined;
  /** Command that leaves this mode for `parent`. */
  readonly exit: string | undefined;
  /** `enter` asks for a secret (enable). */
  readonly enterNeedsSecret: boolean;
}

export interface ConfirmPrompt {
  /** Matches the last line while the device waits for an answer. */
  readonly pattern: RegExp;
  /** What to type (a newline follows). Empty = accept the default. */
  readonly answer: string;
}

export interface PlatformDefinition {
  readonly name: string;
  readonly modes: readonly PlatformMode[];
  /** The mode commands run in by default, and the one a session settles in after open. */
  readonly defaultMode: string;
  /** The mode config lines are sent from. */
  readonly configMode: string;
  /** Leaves any configuration depth straight for `defaultMode` (`end`). */
  readonly leaveConfig: string;
  /** Output containing one of these marks the command as failed. */
  readonly failureStrings: readonly string[];
  /** Prompts answered automatically during a command. */
  readonly confirmPrompts: readonly ConfirmPrompt[];
  /** The secret prompt after `enable`. */
  readonly secretPrompt: RegExp;
  /** Output after a secret meaning it was refused. */
  readonly secretRejected: readonly string[];
  /** Sent once the session reaches `defaultMode`. */
  readonly onOpen: readonly string[];
  /** Sent before the transport closes. */
  readonly onClose: readonly string[];
  /** A pager waiting for a key, and the key that continues. */
  readonly pager: { readonly pattern: RegExp; readonly answer: string };
  /** Keep the first N characters of the hostname as base prompt (config mode truncates it). */
  readonly basePromptLength: number;
  /** Save the running configuration; success output must contain `ok`. */
  readonly save: { readonly command: string; readonly ok: RegExp };
  /** Commit-confirmed (rollback timer); undefined when the platform has none. */
  readonly commitConfirm:
    | {
        readonly enterConfigWithTimer: (minutes: number) => string;
        readonly minMinutes: number;
        readonly maxMinutes: number;
        readonly confirm: string;
        readonly revertNow: string;
        /** Output of the timer command when the archive feature is off. */
        readonly archiveMissing: readonly RegExp[];
        readonly nothingPending: RegExp;
        /** The config lines that turn the feature on (for the error message). */
        readonly howToEnable: readonly string[];
      }
    | undefined;
}

export function modeByName(platform: PlatformDefinition, name: string): PlatformMode {
  const mode = platform.modes.find((m) => m.name === name);
  if (mode === undefined) throw new Error(`platform ${platform.name} has no mode '${name}'`);
  return mode;
}

/** Every mode whose pattern matches this line (a well-formed platform yields at most one). */
export function modesMatching(platform: PlatformDefinition, line: string): PlatformMode[] {
  return platform.modes.filter((m) => m.pattern.test(line));
}

/** The chain from the root down to `name` (inclusive). */
export function modePath(platform: PlatformDefinition, name: string): PlatformMode[] {
  const path: PlatformMode[] = [];
  let mode: PlatformMode | undefined = modeByName(platform, name);
  while (mode !== undefined) {
    path.unshift(mode);
    mode = mode.parent === undefined ? undefined : modeByName(platform, mode.parent);
  }
  return path;
}
