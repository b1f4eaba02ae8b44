/**
 * JSON Schema validation (ajv 8) of the parsed inventory, with ajv's errors translated into words a
 * NOC engineer reads: "unknown key 'portt' (did you mean 'port'?)", "missing 'host'".
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import type { Locator, PathSegment } from './load.js';
import type { InventoryIssue } from './types.js';

// ajv-formats is CommonJS with a default export; under NodeNext the default import is the module.
const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;

/** Found from the compiled file (dist/src/inventory) and from the source (src/inventory). */
export function schemaPath(): string {
  for (const rel of ['../../schema/inventory.schema.json', '../../../schema/inventory.schema.json']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    try {
      readFileSync(p, { flag: 'r' });
      return p;
    } catch {
      // try the next
    }
  }
  throw new Error('schema/inventory.schema.json not found next to the highalert installation');
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled) return compiled;
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addKeyword({ keyword: 'x-expect', schemaType: 'string' });
  compiled = ajv.compile(JSON.parse(readFileSync(schemaPath(), 'utf8')) as object);
  return compiled;
}

function pointerToPath(pointer: string): PathSegment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest known key, if it is close enough to be a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const dist = editDistance(word.toLowerCase(), c.toLowerCase());
    if (dist < bestD) {
      best = c;
      bestD = dist;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value)',
};

function typeOf(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return 'text';
  return `a ${typeof value}`;
}

interface Translated {
  segments: PathSegment[];
  message: string;
  key?: boolean;
}

/** The field a path ends in; list entries are named by their list (`roles[0]` → `roles`). */
function fieldName(segments: readonly PathSegment[]): string {
  const named = [...segments].reverse().find((s) => typeof s === 'string');
  return named === undefined ? 'the inventory' : `'${named}'`;
}

function translate(e: ErrorObject): Translated | undefined {
  const segments = pointerToPath(e.instancePath);
  const field = fieldName(segments);
  const parent = e.parentSchema as { 'x-expect'?: string; properties?: Record<string, unknown> } | undefined;
  const expect = parent?.['x-expect'];
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys(parent?.properties ?? {});
      const hint = closest(key, known);
      const tail = hint
        ? ` (did you mean '${hint}'?)`
        : known.length
          ? ` (known keys: ${known.join(', ')})`
          : '';
      return { segments: [...segments, key], message: `unknown key '${key}'${tail}`, key: true };
    }
    case 'required':
      return { segments, message: `missing '${String(params.missingProperty)}'` };
    case 'enum':
      return {
        segments,
        message: `${field} must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}`,
      };
    case 'const':
      return { segments, message: `${field} must be ${JSON.stringify(params.allowedValue)}` };
    case 'type': {
      if (expect) return { segments, message: `${field} must be ${expect}` };
      const wanted = String(params.type)
        .split(',')
        .map((t) => TYPE_WORDS[t] ?? t)
        .join(' or ');
      const quote = params.type === 'string' && typeof e.data === 'number' ? '; put the value in quotes' : '';
      return { segments, message: `${field} must be ${wanted}, not ${typeOf(e.data)}${quote}` };
    }
    case 'minimum':
    case 'maximum':
      return {
        segments,
        message: `${field} must be at ${e.keyword === 'minimum' ? 'least' : 'most'} ${String(params.limit)}`,
      };
    case 'minItems':
      return {
        segments,
        message: `${field} needs at least ${String(params.limit)} entr${params.limit === 1 ? 'y' : 'ies'}`,
      };
    case 'minLength':
      return { segments, message: `${field} must not be empty` };
    case 'uniqueItems':
      return { segments, message: `${field} lists the same value twice` };
    case 'pattern':
    case 'format':
      return {
        segments,
        message: `${field} must be ${expect ?? `a valid ${String(params.format ?? 'value')}`}`,
      };
    default:
      return { segments, message: `${field} ${e.message ?? 'is not valid'}` };
  }
}

/** Validates parsed inventory data against the schema; every problem becomes a located issue. */
export function schemaIssues(data: unknown, locator: Locator): InventoryIssue[] {
  const validate = validator();
  if (validate(data)) return [];
  const seen = new Set<string>();
  const out: InventoryIssue[] = [];
  for (const e of validate.errors ?? []) {
    const t = translate(e);
    if (t === undefined) continue;
    const issue = locator.issue('error', t.segments, t.message, { key: t.key });
    const id = `${issue.path}\0${issue.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(issue);
  }
  return out;
}
