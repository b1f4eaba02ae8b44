/**
 * The only place device CLI is produced: nunjucks (Jinja2 syntax) templates under
 * `templates/<platform>/`. Undefined variables are errors; values are checked before rendering and
 * lines after.
 */
import nunjucks from 'nunjucks';
import { ValidationError } from '../errors.js';
import { templatesDir } from '../paths.js';
import { prefixToMask } from '../values/ip.js';
import { macToClientId, macToIos, tryParseMac } from '../values/mac.js';
import { assertSafeContext, isSafeToken } from './guard.js';
import type { TemplateContexts, TemplateName } from './contexts.js';

const environments = new Map<string, nunjucks.Environment>();

function macFilter(convert: (m: ReturnType<typeof tryParseMac> & string) => string) {
  return (value: unknown): string => {
    const mac = typeof value === 'string' ? tryParseMac(value) : undefined;
    if (mac === undefined)
      throw new ValidationError(`template got ${JSON.stringify(value)} where a MAC belongs`);
    return convert(mac);
  };
}

function environment(platform: string): nunjucks.Environment {
  let env = environments.get(platform);
  if (env) return env;
  env = new nunjucks.Environment(new nunjucks.FileSystemLoader(templatesDir(platform)), {
    autoescape: false,
    throwOnUndefined: true,
    trimBlocks: true,
    lstripBlocks: true,
  });
  env.addFilter('ios_mac', macFilter(macToIos));
  env.addFilter('client_id', macFilter(macToClientId));
  env.addFilter('mask', (prefix: number) => prefixToMask(prefix));
  environments.set(platform, env);
  return env;
}

/**
 * Renders `templates/<platform>/<name>.njk` into config lines (blank lines and comments dropped,
 * trailing spaces trimmed). The context type is fixed per template in contexts.ts.
 */
export function renderLines<N extends TemplateName>(
  platform: string,
  name: N,
  context: TemplateContexts[N],
): string[] {
  assertSafeContext(context);
  let text: string;
  try {
    text = environment(platform).render(`${name}.njk`, context as object);
  } catch (err) {
    throw new ValidationError(`template ${platform}/${name} failed: ${(err as Error).message}`, {
      code: 'E_TEMPLATE',
      cause: err,
    });
  }
  const lines = text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '');
  for (const line of lines) {
    if (!isSafeToken(line))
      throw new ValidationError(`template ${platform}/${name} produced an unsafe line`, {
        code: 'E_TEMPLATE',
      });
  }
  return lines;
}
