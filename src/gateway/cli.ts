/**
 * The entry points of `setup`, `hold` and `unhold`: open the inventory, the network and (lazily)
 * the state store, wire printing and confirmation, run, close. Commands call one of these.
 */
import { withRun } from '../apply/context.js';
import { colorFor } from '../cli/color.js';
import { confirmOrRefuse } from '../cli/confirm.js';
import { ValidationError } from '../errors.js';
import { parseFreeText } from '../values/names.js';
import { formatHoldPlan, formatSetupPlan } from './format.js';
import { runHold, runUnhold, type HoldPlan, type HoldResult } from './hold.js';
import { operatorName } from '../cli/operator.js';
import { runSetup, type GatewayRunEnv, type SetupResult } from './run.js';
import type { SetupPlan } from './setup.js';

export interface GatewayCliOptions {
  readonly inventoryPath: string;
  /** State store file (`--state` / HIGHALERT_STATE); else the inventory's `state`, else the default. */
  readonly statePath?: string;
  readonly dryRun: boolean;
  readonly yes: boolean;
  readonly json: boolean;
  readonly commandLine: string;
  /** Output for people (stdout); not called under --json. */
  readonly say: (text: string) => void;
}

async function withEnv<T>(
  o: GatewayCliOptions,
  question: string,
  run: (env: GatewayRunEnv) => Promise<T>,
): Promise<T> {
  const progress = o.json ? () => {} : (line: string) => void process.stderr.write(`${line}\n`);
  const operator = await operatorName();
  return withRun(
    {
      inventoryPath: o.inventoryPath,
      ...(o.statePath ? { statePath: o.statePath } : {}),
      operator,
      commandLine: o.commandLine,
      progress,
    },
    async (ctx) => {
      if (!o.json && ctx.warnings.length) {
        const { renderWarnings } = await import('../inventory/render.js');
        process.stderr.write(renderWarnings([...ctx.warnings]));
      }
      const c = colorFor(process.stdout);
      return run({
        inventory: ctx.inventory,
        network: ctx.network,
        state: () => ctx.state,
        operator,
        commandLine: o.commandLine,
        progress,
        showPlan: (plan: SetupPlan | HoldPlan) => {
          if (o.json) return;
          o.say(plan.kind === 'setup' ? formatSetupPlan(plan, c) : formatHoldPlan(plan, c));
          o.say('');
        },
        confirm: () => confirmOrRefuse({ yes: o.yes, json: o.json, question }),
      });
    },
  );
}

export function setupFromCli(o: GatewayCliOptions & { site?: string }): Promise<SetupResult> {
  return withEnv(o, 'Apply this setup to the devices above?', (env) =>
    runSetup(env, { dryRun: o.dryRun, ...(o.site === undefined ? {} : { site: o.site }) }),
  );
}

export function holdFromCli(o: GatewayCliOptions & { message: string }): Promise<HoldResult> {
  const message = parseFreeText(o.message, 'hold message', 200);
  if (message === '') throw new ValidationError('the hold message is empty', { code: 'E_BAD_TEXT' });
  return withEnv(o, 'Put every High-Alert pool on hold?', (env) =>
    runHold(env, { message, dryRun: o.dryRun }),
  );
}

export function unholdFromCli(o: GatewayCliOptions): Promise<HoldResult> {
  return withEnv(o, 'End the hold and restore the gateways?', (env) => runUnhold(env, { dryRun: o.dryRun }));
}
