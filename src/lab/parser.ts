/**
 * Command trees and IOS-style matching: keywords match by unique case-insensitive prefix
 * (`sh run int g1/0/5`), arguments by a matcher; failures carry the column IOS puts the caret at.
 */

export interface Tok {
  readonly text: string;
  /** Offset of the token's first character in the line. */
  readonly start: number;
}

export function tokenize(line: string): Tok[] {
  const toks: Tok[] = [];
  const re = /\S+/g;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) toks.push({ text: m[0], start: m.index });
  return toks;
}

export type ArgResult = { ok: true; value: string; n: number } | { ok: false; offset: number };

/** Matches an argument at toks[i]; may consume several tokens; on failure gives the caret offset. */
export type ArgMatcher<C> = (toks: Tok[], i: number, line: string, ctx: C) => ArgResult;

export interface Args {
  /** Keywords seen on the path (lower case, full spelling). */
  readonly kw: ReadonlySet<string>;
  /** Argument values by key. */
  readonly v: Readonly<Record<string, string>>;
  /** The raw line. */
  readonly line: string;
}

export type Handler<C, R> = (ctx: C, args: Args) => R;

export interface Node<C, R> {
  readonly kw?: string;
  readonly arg?: ArgMatcher<C>;
  /** Where an argument value is stored (default: the keyword). */
  readonly key?: string;
  readonly children?: ReadonlyArray<Node<C, R>>;
  /** Present when the command may end here. */
  readonly run?: Handler<C, R>;
  /** Only offered when this returns true (e.g. privilege level, device role). */
  readonly when?: (ctx: C) => boolean;
}

export type ParseResult<C, R> =
  | { kind: 'ok'; run: Handler<C, R>; args: Args }
  | { kind: 'invalid'; offset: number }
  | { kind: 'incomplete' }
  | { kind: 'ambiguous'; end: number };

/** Builders: `k('show', [...])`, `a(matcher, 'key', [...])`. */
export function k<C, R>(
  kw: string,
  children: ReadonlyArray<Node<C, R>> = [],
  run?: Handler<C, R>,
): Node<C, R> {
  return { kw, children, ...(run ? { run } : {}) };
}

export function a<C, R>(
  arg: ArgMatcher<C>,
  key: string,
  children: ReadonlyArray<Node<C, R>> = [],
  run?: Handler<C, R>,
): Node<C, R> {
  return { arg, key, children, ...(run ? { run } : {}) };
}

function commonPrefix(tok: string, kw: string): number {
  let n = 0;
  while (n < tok.length && n < kw.length && tok[n] === kw[n]) n++;
  return n;
}

export function parse<C, R>(
  roots: ReadonlyArray<Node<C, R>>,
  line: string,
  ctx: C,
  toks: Tok[] = tokenize(line),
): ParseResult<C, R> {
  const kw = new Set<string>();
  const v: Record<string, string> = {};
  let nodes = roots;
  let current: Node<C, R> | undefined;
  let i = 0;
  while (i < toks.length) {
    const tok = toks[i]!;
    const t = tok.text.toLowerCase();
    const offered = nodes.filter((n) => n.when === undefined || n.when(ctx));
    const kws = offered.filter((n) => n.kw !== undefined);
    const matches = kws.filter((n) => n.kw!.startsWith(t));
    const exact = matches.find((n) => n.kw === t);
    let chosen: Node<C, R> | undefined = exact ?? (matches.length === 1 ? matches[0] : undefined);
    let consumed = 1;
    if (!chosen && matches.length > 1) return { kind: 'ambiguous', end: tok.start + tok.text.length };
    let best = tok.start;
    if (chosen) {
      kw.add(chosen.kw!);
    } else {
      for (const n of kws) {
        const p = commonPrefix(t, n.kw!);
        if (p > 0) best = Math.max(best, tok.start + p);
      }
      for (const n of offered) {
        if (!n.arg) continue;
        const r = n.arg(toks, i, line, ctx);
        if (r.ok) {
          chosen = n;
          consumed = r.n;
          v[n.key ?? 'arg'] = r.value;
          break;
        }
        best = Math.max(best, r.offset);
      }
      if (!chosen) return { kind: 'invalid', offset: best };
    }
    current = chosen;
    nodes = chosen.children ?? [];
    i += consumed;
  }
  if (current?.run) return { kind: 'ok', run: current.run, args: { kw, v, line } };
  return { kind: 'incomplete' };
}

// ---- common argument matchers ----

export function word<C>(test: (s: string) => boolean = () => true): ArgMatcher<C> {
  return (toks, i) => {
    const t = toks[i]!;
    return test(t.text) ? { ok: true, value: t.text, n: 1 } : { ok: false, offset: t.start };
  };
}

export function int<C>(min: number, max: number): ArgMatcher<C> {
  return word<C>((s) => /^\d{1,10}$/.test(s) && Number(s) >= min && Number(s) <= max);
}

const V4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
export function isV4(s: string): boolean {
  return V4.test(s);
}
export function ipv4<C>(): ArgMatcher<C> {
  return word<C>(isV4);
}

/** Everything from this token to the end of the line (descriptions, remarks). */
export function rest<C>(test: (s: string) => number | undefined = () => undefined): ArgMatcher<C> {
  return (toks, i, line) => {
    const t = toks[i]!;
    const text = line.slice(t.start).trimEnd();
    const bad = test(text);
    if (bad !== undefined) return { ok: false, offset: t.start + bad };
    return { ok: true, value: text, n: toks.length - i };
  };
}
