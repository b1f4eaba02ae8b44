/** Durations as people write them: `90s`, `30m`, `24h`, `7d`. */
import { ValidationError } from '../errors.js';

export const DURATION_UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400 };

export function parseDuration(input: string, what = 'duration'): number {
  const m = /^(\d{1,6})([smhd])$/.exec(input.trim());
  if (!m || Number(m[1]) === 0) {
    throw new ValidationError(
      `${what} ${JSON.stringify(input)} is not a duration such as 90s, 30m, 24h or 7d`,
      {
        code: 'E_BAD_DURATION',
      },
    );
  }
  return Number(m[1]) * DURATION_UNIT_SECONDS[m[2]!]!;
}
