import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../src/cli/base-command.js';
import { changeFlags, changeRequest } from '../src/cli/change-flags.js';
import type { IngestResult } from '../src/events/ingest.js';

export default class Ingest extends BaseCommand {
  static override summary = 'Turn security events (Cisco syslog, Suricata EVE) into quarantines, safely.';
  static override description = `Reads a batch of events from FILE (or stdin: - or no FILE) to its end: Cisco syslog lines (DAI,
DHCP snooping, port security, duplicate address, MAC flap) and Suricata EVE JSON alerts. Groups them
by suspect (MAC, else IP) and decides per suspect: quarantine, below-threshold (fewer than
--threshold events within --window), protected, already-quarantined, or rate-limited
(policy.auto_rate_limit in the inventory counts quarantines ingest started). With --yes the
"quarantine" ones are quarantined one after the other (operator "ingest"); one failure does not stop
the rest. Lines it does not understand are listed as warnings. Exit codes: 0 all done (or a dry
run), 1 some rate-limited, failed or not renewed yet, 2 bad usage or no --yes off a terminal.`;
  static override examples = [
    {
      description: 'What would happen, nothing sent',
      command: '<%= config.bin %> <%= command.id %> /var/log/network.log.1 --dry-run',
    },
    {
      description: 'The last quarter hour of switch logs, from cron',
      command: `journalctl -u rsyslog --since "-15min" -o cat | <%= config.bin %> <%= command.id %> - --yes --json`,
    },
    {
      description: 'Suricata alerts, three per suspect within five minutes before acting',
      command: '<%= config.bin %> <%= command.id %> eve.json --format eve --threshold 3 --window 5m --yes',
    },
  ];
  static override args = {
    file: Args.string({
      description: 'file with syslog lines and/or EVE JSON lines; - for stdin',
      default: '-',
    }),
  };
  static override flags = {
    ...changeFlags,
    'dry-run': Flags.boolean({
      summary: 'Print the decisions per suspect; quarantine nothing, connect to nothing.',
      default: false,
    }),
    format: Flags.string({
      options: ['auto', 'syslog', 'eve'],
      default: 'auto',
      summary: 'Input format; auto: a line starting with { is EVE JSON, any other a syslog line.',
    }),
    threshold: Flags.integer({ min: 1, default: 1, summary: 'Events per suspect needed before acting.' }),
    window: Flags.string({ default: '10m', summary: 'Time window for --threshold, e.g. 90s, 10m, 1h.' }),
  };

  async run(): Promise<IngestResult> {
    const { args, flags } = await this.parse(Ingest);
    const [
      { ingest, ingestExitCode, readInput },
      { colorFor },
      { formatDecisions, formatIngest, formatWarnings },
      { confirmOrRefuse },
    ] = await Promise.all([
      import('../src/events/ingest.js'),
      import('../src/cli/color.js'),
      import('../src/events/format.js'),
      import('../src/cli/confirm.js'),
    ]);
    const json = this.jsonEnabled();
    const c = colorFor();
    let shown = false;
    const result = await ingest({
      ...(await changeRequest(flags, json, ['ingest', ...this.argv])),
      text: await readInput(args.file),
      format: flags.format as 'auto' | 'syslog' | 'eve',
      threshold: flags.threshold,
      window: flags.window,
      confirm: async (decisions, warnings) => {
        if (!json)
          this.log(
            [formatWarnings(warnings), formatDecisions(decisions, c)].filter(Boolean).join('\n\n') + '\n',
          );
        shown = !json;
        const n = decisions.filter((d) => d.decision === 'quarantine').length;
        return confirmOrRefuse({
          yes: flags.yes,
          json,
          question: `Quarantine ${n} suspect${n === 1 ? '' : 's'} now?`,
        });
      },
    });
    if (!json) this.log(formatIngest(result, c, shown));
    process.exitCode = ingestExitCode(result);
    return result;
  }
}
