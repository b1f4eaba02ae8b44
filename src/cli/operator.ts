/** Who runs a command and how, for the audit trail. */

/** Who runs the command, for the audit trail: $HIGHALERT_OPERATOR, else the login name. */
export async function operatorName(): Promise<string> {
  const os = await import('node:os');
  const fromEnv = process.env.HIGHALERT_OPERATOR?.trim();
  if (fromEnv) return fromEnv;
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** The command line as typed, for the audit trail (highalert never takes secrets as arguments). */
export function commandLine(argv: readonly string[]): string {
  return ['highalert', ...argv].join(' ');
}
