/**
 * Reads an inventory file and parses its YAML, keeping node ranges so that every field path maps
 * back to a line and column. Syntax errors become located issues, never exceptions.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { ValidationError } from '../errors.js';
import type { InventoryIssue } from './types.js';

export type PathSegment = string | number;

/** `['sites', 0, 'vlans', 1, 'subnet']` → `sites[0].vlans[1].subnet`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : out === '' ? s : `.${s}`;
  return out;
}

/** Maps field paths to positions in the file. */
export class Locator {
  constructor(
    readonly file: string,
    private readonly doc: Document | undefined,
    private readonly lines: LineCounter,
  ) {}

  /**
   * Line and column of the value at `segments` (of its key with `key: true`). A path that does not
   * exist (a missing field) resolves to the deepest node that does.
   */
  position(
    segments: readonly PathSegment[],
    options: { key?: boolean } = {},
  ): { line: number; column: number } {
    let node: unknown = this.doc?.contents;
    let offset = this.rangeStart(node) ?? 0;
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i]!;
      const last = i === segments.length - 1;
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find(
          (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg),
        );
        if (pair === undefined) break;
        if (last && options.key) {
          offset = this.rangeStart(pair.key) ?? offset;
          break;
        }
        next = pair.value ?? pair.key;
      } else if (isSeq(node) && typeof seg === 'number') {
        next = node.items[seg];
      }
      const start = this.rangeStart(next);
      if (start === undefined) break;
      node = next;
      offset = start;
    }
    const pos = this.lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  }

  issue(
    severity: InventoryIssue['severity'],
    segments: readonly PathSegment[],
    message: string,
    options: { key?: boolean } = {},
  ): InventoryIssue {
    return {
      severity,
      file: this.file,
      ...this.position(segments, options),
      path: formatPath(segments),
      message,
    };
  }

  private rangeStart(node: unknown): number | undefined {
    const range = (node as Node | undefined)?.range;
    return Array.isArray(range) ? range[0] : undefined;
  }
}

export interface LoadedYaml {
  /** The path as given (used in messages). */
  readonly file: string;
  /** Absolute path. */
  readonly absolute: string;
  readonly data: unknown;
  readonly locator: Locator;
  readonly syntaxErrors: readonly InventoryIssue[];
}

/** Parses YAML text; never throws for bad YAML. */
export function parseYaml(file: string, text: string): LoadedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const locator = new Locator(file, doc, lineCounter);
  // Only the first: later YAML errors usually follow from it.
  const syntaxErrors = doc.errors.slice(0, 1).map((e): InventoryIssue => {
    const pos = lineCounter.linePos(e.pos[0]);
    // The first line only: yaml's context lines could echo a secret from the file.
    const message = `YAML syntax error: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`;
    return { severity: 'error', file, line: pos.line, column: pos.col, path: '', message };
  });
  const data: unknown = syntaxErrors.length === 0 ? doc.toJS({ maxAliasCount: 100 }) : undefined;
  return { file, absolute: path.resolve(file), data, locator, syntaxErrors };
}

/** Reads and parses an inventory file. Throws a ValidationError when the file cannot be read. */
export async function readInventoryYaml(file: string): Promise<LoadedYaml> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder' : `cannot be read (${code})`;
    throw new ValidationError(`inventory file ${file} ${why}`, {
      code: 'E_INVENTORY_NOT_FOUND',
      suggestions: [
        'Pass the file with --inventory FILE or set HIGHALERT_INVENTORY.',
        'Start from inventory.example.yaml: cp inventory.example.yaml inventory.yaml',
      ],
    });
  }
  return parseYaml(file, text);
}
