/**
 * Every exchange with a device is a CommandResponse (scrapli's Response); a batch is a
 * MultiResponse that fails if any part failed. Check with `assertOk()`, never truthiness.
 */
import { CommandRejectedError } from '../errors.js';

export interface CommandResponse {
  device: string;
  /** The line sent (secrets never appear here). */
  input: string;
  /** What the device printed for it: echo and trailing prompt removed, CRLF normalized. */
  output: string;
  elapsedMs: number;
  /** The output contains one of the platform's failure strings. */
  failed: boolean;
  /** The failure string that matched. */
  failureMatch?: string;
  /** The prompt the device printed after the output. */
  prompt?: string;
}

export class MultiResponse {
  readonly device: string;
  readonly responses: CommandResponse[];
  /** Lines not sent because an earlier one failed (stopOnFailed). */
  readonly notSent: string[];

  constructor(device: string, responses: CommandResponse[] = [], notSent: string[] = []) {
    this.device = device;
    this.responses = responses;
    this.notSent = notSent;
  }

  get failed(): boolean {
    return this.responses.some((r) => r.failed);
  }

  get firstFailure(): CommandResponse | undefined {
    return this.responses.find((r) => r.failed);
  }

  get elapsedMs(): number {
    return this.responses.reduce((sum, r) => sum + r.elapsedMs, 0);
  }

  /** Throws CommandRejectedError (with all responses so far) when a line failed. */
  assertOk(): this {
    const bad = this.firstFailure;
    if (bad === undefined) return this;
    const n = this.notSent.length;
    throw new CommandRejectedError(this.device, bad, this.responses, {
      details: { notSent: n },
      suggestions: n > 0 ? [`${n} later line(s) were not sent; the device left config mode.`] : [],
    });
  }

  toJSON(): { device: string; failed: boolean; responses: CommandResponse[]; notSent: string[] } {
    return { device: this.device, failed: this.failed, responses: this.responses, notSent: this.notSent };
  }
}
