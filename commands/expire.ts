import { BaseCommand } from '../src/cli/base-command.js';
import { changeFlags, changeRequest } from '../src/cli/change-flags.js';
import type { ExpireResult } from '../src/group/types.js';

export default class Expire extends BaseCommand {
  static override summary = 'Release the quarantines whose TTL has passed (for cron).';
  static override description =
    'Releases every active quarantine whose expiry time has passed and that is not marked malicious, ' +
    'one after the other; one failure does not stop the rest. Quarantines some operation is still ' +
    'working on (applying, releasing) are skipped and listed. --dry-run only lists them. Without a ' +
    'terminal (cron) --yes is required. Exit codes: 0 all released (or none expired), 1 some not ' +
    'released (failed or skipped), 3 none released because every release failed.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> --dry-run',
    '<%= config.bin %> <%= command.id %> --yes --json',
    '*/10 * * * *  highalert expire --yes --inventory /etc/highalert/inventory.yaml  # crontab',
  ];
  static override flags = { ...changeFlags };

  async run(): Promise<ExpireResult> {
    const { flags } = await this.parse(Expire);
    const { expire, expireExitCode } = await import('../src/group/index.js');
    const { confirmOrRefuse } = await import('../src/cli/confirm.js');
    const json = this.jsonEnabled();
    const result = await expire(
      {
        ...(await changeRequest(flags, json, ['expire', ...this.argv])),
      },
      { confirm: (question) => confirmOrRefuse({ yes: flags.yes, json, question }) },
    );
    if (!json) this.log((await import('../src/group/render.js')).renderExpire(result));
    process.exitCode = expireExitCode(result);
    return result;
  }
}
