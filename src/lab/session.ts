/**
 * One CLI session on a simulated device: modes and prompts, enable, dispatch of a typed line to
 * the exec or configuration command trees, and IOS's error layouts (caret, incomplete, ambiguous).
 * Transport-free: the terminal layer feeds it lines and writes its replies.
 */
import { parse, tokenize, type Node, type ParseResult } from './parser.js';
import type { SimDevice } from './device.js';

export type Mode =
  | 'user'
  | 'exec'
  | 'config'
  | 'config-if'
  | 'config-ext-nacl'
  | 'config-ext-macl'
  | 'config-route-map'
  | 'dhcp-config'
  | 'config-archive';

export interface Ask {
  readonly prompt: string;
  readonly secret: boolean;
  readonly onLine: (line: string) => Reply;
}

export interface Reply {
  readonly lines?: string[];
  /** Ask for a line with this prompt instead of printing the normal prompt. */
  readonly ask?: Ask;
  /** End the session (exit/logout). */
  readonly close?: boolean;
}

export type CmdNode = Node<CliSession, Reply>;

export interface CommandTrees {
  user: CmdNode[];
  exec: CmdNode[];
  config: CmdNode[];
  sub: Partial<Record<Mode, CmdNode[]>>;
}

export const UNKNOWN_COMMAND = '% Unknown command or computer name, or unable to find computer address';

export class CliSession {
  mode: Mode = 'user';
  /** Submode context. */
  iface: string | undefined;
  acl: string | undefined;
  routeMap: { name: string; seq: number } | undefined;
  pool: string | undefined;
  termLength = 24;
  termWidth = 80;
  monitor = false;

  constructor(
    readonly dev: SimDevice,
    readonly trees: CommandTrees,
    readonly user: string,
    readonly peer: string,
  ) {}

  get privileged(): boolean {
    return this.mode !== 'user';
  }

  get inConfig(): boolean {
    return this.mode !== 'user' && this.mode !== 'exec';
  }

  prompt(): string {
    const host = this.dev.cfg.hostname;
    if (this.mode === 'user') return `${host}>`;
    if (this.mode === 'exec') return `${host}#`;
    return `${host.slice(0, 20)}(${this.mode})#`;
  }

  setMode(mode: Mode): void {
    this.mode = mode;
    if (mode === 'user' || mode === 'exec' || mode === 'config') {
      this.iface = undefined;
      this.acl = undefined;
      this.routeMap = undefined;
      this.pool = undefined;
    }
  }

  /** Runs one typed line (without its line ending). */
  execute(line: string): Reply {
    const promptLen = this.prompt().length;
    if (line.trim() === '') return {};
    if (this.inConfig) {
      const reject = this.dev.faults.rejectPattern;
      if (reject && reject.test(line)) {
        if (this.dev.faults.once) delete this.dev.faults.rejectPattern;
        return invalid(promptLen, line.search(/\S/));
      }
      const toks = tokenize(line);
      if (toks[0]!.text.toLowerCase() === 'do' && toks.length > 1) {
        const restStart = toks[1]!.start;
        return this.runExec(
          line.slice(restStart),
          promptLen + restStart,
          toks.slice(1).map((t) => ({ text: t.text, start: t.start - restStart })),
        );
      }
      return this.runConfig(line, promptLen);
    }
    return this.runExec(line, promptLen);
  }

  private runExec(line: string, caretBase: number, toks = tokenize(line)): Reply {
    const roots = this.mode === 'user' ? this.trees.user : this.trees.exec;
    const { cmd, filter } = splitPipe(line);
    const ctoks = filter === undefined ? toks : tokenize(cmd);
    const r = parse(roots, cmd, this, ctoks);
    const first = ctoks[0]!;
    if (r.kind === 'invalid' && r.offset < first.start + first.text.length) {
      // A first word that is no command is a host name to IOS (telnet). At user EXEC a
      // privileged command still gets the caret.
      const w = first.text.toLowerCase();
      if (this.mode === 'user' && this.trees.exec.some((n) => n.kw?.startsWith(w))) {
        return invalid(caretBase, first.start + firstDivergence(this.trees.user, w));
      }
      return { lines: [UNKNOWN_COMMAND] };
    }
    if (r.kind !== 'ok') return this.report(r, line, caretBase);
    const reply = r.run(this, r.args);
    if (filter === undefined || !reply.lines) return reply;
    return { ...reply, lines: applyFilter(reply.lines, filter) };
  }

  private runConfig(line: string, promptLen: number): Reply {
    const sub = this.mode === 'config' ? undefined : this.trees.sub[this.mode];
    const toks = tokenize(line);
    const r1 = sub ? parse(sub, line, this, toks) : undefined;
    if (r1?.kind === 'ok') return r1.run(this, r1.args);
    const r2 = parse(this.trees.config, line, this, toks);
    if (r2.kind === 'ok') {
      const before = this.mode;
      if (before !== 'config') this.setMode('config');
      const reply = r2.run(this, r2.args);
      return reply;
    }
    const best = !r1 || reach(r2, line) >= reach(r1, line) ? r2 : r1;
    return this.report(best, line, promptLen);
  }

  private report(
    r: Exclude<ParseResult<CliSession, Reply>, { kind: 'ok' }>,
    line: string,
    caretBase: number,
  ): Reply {
    if (r.kind === 'invalid') return invalid(caretBase, r.offset);
    if (r.kind === 'incomplete') return { lines: ['% Incomplete command.', ''] };
    return { lines: [`% Ambiguous command:  "${line.slice(0, r.end).trim()}"`] };
  }
}

function reach(r: ParseResult<CliSession, Reply>, line: string): number {
  if (r.kind === 'invalid') return r.offset;
  return line.length + 1;
}

function firstDivergence(roots: CmdNode[], word: string): number {
  const w = word.toLowerCase();
  let best = 0;
  for (const n of roots) {
    if (!n.kw) continue;
    let i = 0;
    while (i < w.length && i < n.kw.length && w[i] === n.kw[i]) i++;
    best = Math.max(best, i);
  }
  return best;
}

export function invalid(caretBase: number, offset: number): Reply {
  return {
    lines: [`${' '.repeat(Math.max(0, caretBase + offset))}^`, "% Invalid input detected at '^' marker.", ''],
  };
}

function splitPipe(line: string): { cmd: string; filter: string | undefined } {
  const i = line.indexOf(' | ');
  if (i < 0) return { cmd: line, filter: undefined };
  return { cmd: line.slice(0, i), filter: line.slice(i + 3).trim() };
}

/** `| include|exclude|begin|section REGEX` on show output. */
function applyFilter(lines: string[], filter: string): string[] {
  const m = /^(\S+)\s+(.*)$/.exec(filter);
  if (!m) return lines;
  const kind = m[1]!.toLowerCase();
  let re: RegExp;
  try {
    re = new RegExp(m[2]!);
  } catch {
    return lines;
  }
  if ('include'.startsWith(kind)) return lines.filter((l) => re.test(l));
  if ('exclude'.startsWith(kind)) return lines.filter((l) => !re.test(l));
  if ('begin'.startsWith(kind)) {
    const i = lines.findIndex((l) => re.test(l));
    return i < 0 ? [] : lines.slice(i);
  }
  if ('section'.startsWith(kind)) {
    const out: string[] = [];
    let inside = false;
    for (const l of lines) {
      if (!l.startsWith(' ')) inside = re.test(l);
      else if (!inside && re.test(l)) {
        out.push(l);
        continue;
      }
      if (inside) out.push(l);
    }
    return out;
  }
  return lines;
}
