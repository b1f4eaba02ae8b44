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

/** The connection to a device dropped while a command was in flight (E_CONNECTION_LOST). */
export class ConnectionLostError extends DeviceError {
  /** The last line written to the device before the drop (secrets shown as `<redacted>`). */
  readonly lastLine: string | undefined;
  constructor(message: string, options: HighAlertErrorOptions & { lastLine?: string } = {}) {
    super('E_CONNECTION_LOST', message, {
      ...options,
      details: {
        ...options.details,
        ...(options.lastLine === undefined ? {} : { lastLine: options.lastLine }),
      },
    });
    this.lastLine = options.lastLine;
  }
}

/** What a CommandRejectedError carries about each exchange (see src/devices/response.ts). */
export interface RejectedExchange {
  device: string;
  input: string;
  output: string;
  elapsedMs: number;
  failed: boolean;
  failureMatch?: string;
}

/**
 * A device answered a line with a failure string (`% Invalid input detected`, …). Carries the line,
 * the device's output for it, and every response of the batch so far (for rollback).
 */
export class CommandRejectedError extends DeviceError {
  readonly line: string;
  readonly output: string;
  readonly failureMatch: string | undefined;
  readonly responses: readonly RejectedExchange[];
  constructor(
    device: string,
    rejected: RejectedExchange,
    responses: readonly RejectedExchange[],
    options: HighAlertErrorOptions = {},
  ) {
    const why = rejected.failureMatch === undefined ? '' : ` (${rejected.failureMatch.trim()})`;
    super(
      'E_COMMAND_REJECTED',
      `${device} rejected '${rejected.input}'${why}:\n${rejected.output.trimEnd()}`,
      {
        ...options,
        device,
        suggestions: [
          "Check the line against this device's IOS version and the template that produced it.",
          ...(options.suggestions ?? []),
        ],
        details: {
          line: rejected.input,
          output: rejected.output,
          ...(rejected.failureMatch === undefined ? {} : { failureMatch: rejected.failureMatch }),
          linesAccepted: responses.filter((r) => !r.failed).length,
          ...options.details,
        },
      },
    );
    this.line = rejected.input;
    this.output = rejected.output;
    this.failureMatch = rejected.failureMatch;
    this.responses = responses;
  }
}

/** Some devices of a multi-device run failed (Nornir's NornirExecutionError). Exit 1 if some succeeded, 3 if none did. */
export class DevicesFailedError extends HighAlertError {
  readonly failures: ReadonlyMap<string, HighAlertError>;
  constructor(failures: ReadonlyMap<string, HighAlertError>, succeeded: number) {
    const lines = [...failures].map(
      ([name, err]) => `  ${name}: ${err.code} ${err.message.split('\n')[0] ?? ''}`,
    );
    super(
      'E_DEVICES_FAILED',
      `${failures.size} device(s) failed${succeeded > 0 ? `, ${succeeded} succeeded` : ''}:\n${lines.join('\n')}`,
      succeeded > 0 ? EXIT.PARTIAL : EXIT.DEVICE,
      {
        details: { failed: Object.fromEntries([...failures].map(([n, e]) => [n, e.toJSON()])) },
        suggestions: [...new Set([...failures].flatMap(([n, e]) => e.suggestions.map((x) => `${n}: ${x}`)))],
      },
    );
    this.failures = failures;
  }
}

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
