/**
 * One error root for everything highalert reports to a user.
 *
 * Every error has a stable `code` (for scripts reading `--json`), an exit code from the table in
 * {@link EXIT}, and `suggestions`: what the engineer can do next. Anything that is not a
 * HighAlertError is a bug and is reported as E_INTERNAL.
 */

/** Exit codes, documented in the README. Cron and CI act on these. */
export const EXIT = {
  OK: 0,
  /** Drift found, or a partial result (some targets done, some not). */
  PARTIAL: 1,
  /** Bad usage or bad input: flags, inventory, target. Nothing was changed. */
  USAGE: 2,
  /** A device or server failed or could not be reached. Changes were rolled back. */
  DEVICE: 3,
  /** A bug in highalert. */
  INTERNAL: 4,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface HighAlertErrorOptions {
  suggestions?: string[];
  device?: string;
  cause?: unknown;
  /** Extra machine-readable details, printed in `--json` errors. Never put secrets here. */
  details?: Record<string, unknown>;
}

export class HighAlertError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  readonly suggestions: string[];
  readonly device: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, exitCode: ExitCode, options: HighAlertErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
    this.suggestions = options.suggestions ?? [];
    this.device = options.device;
    this.details = options.details;
  }

  toJSON(): {
    code: string;
    message: string;
    suggestions: string[];
    device?: string;
    details?: Record<string, unknown>;
  } {
    return {
      code: this.code,
      message: this.message,
      suggestions: this.suggestions,
      ...(this.device === undefined ? {} : { device: this.device }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

/** A value, flag or file the user gave is not acceptable. Exit 2, nothing changed. */
export class ValidationError extends HighAlertError {
  constructor(message: string, options: HighAlertErrorOptions & { code?: string } = {}) {
    super(options.code ?? 'E_VALIDATION', message, EXIT.USAGE, options);
  }
}

/** The request is understood but refused by policy (protected target, trunk port, shared port). Exit 2. */
export class PolicyError extends HighAlertError {
  constructor(code: string, message: string, options: HighAlertErrorOptions = {}) {
    super(code, message, EXIT.USAGE, options);
  }
}

/** Base for failures talking to a device or server. Exit 3. */
export class DeviceError extends HighAlertError {
  constructor(code: string, message: string, options: HighAlertErrorOptions = {}) {
    super(code, message, EXIT.DEVICE, options);
  }
}

export class HostKeyError extends DeviceError {}
export class AuthError extends DeviceError {}
export class ConnectError extends DeviceError {}
export class TimeoutError extends DeviceError {}
export class DhcpBackendError extends DeviceError {}

/** The state store cannot be opened or is inconsistent. */
export class StateError extends HighAlertError {
  constructor(message: string, options: HighAlertErrorOptions & { code?: string } = {}) {
    super(options.code ?? 'E_STATE', message, EXIT.DEVICE, options);
  }
}

/** Wraps anything unexpected: "this is a bug". */
export class InternalError extends HighAlertError {
  constructor(cause: unknown) {
    const message = cause instanceof Error ? cause.message : String(cause);
    super('E_INTERNAL', `internal error: ${message} (this is a bug in highalert)`, EXIT.INTERNAL, {
      cause,
      suggestions: ['Run again with DEBUG=highalert* to see the stack trace, and report it.'],
    });
  }
}

export function asHighAlertError(err: unknown): HighAlertError {
  return err instanceof HighAlertError ? err : new InternalError(err);
}
