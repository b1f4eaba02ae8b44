/**
 * Shared pieces of the show-output parsers: the result shape, line splitting (CRLF, tabs),
 * stripping of echoed commands / prompts / capture noise, and value normalization.
 *
 * Every parser is pure: `(text) => {records, warnings}`. A line a parser does not understand
 * becomes a warning with its 1-based line number; parsers never throw on device output.
 */
import { tryParseInterface, tryParseMac, tryParseIp, type Mac } from '../../values/index.js';

export interface ParseWarning {
  /** 1-based line number in the text given to the parser. */
  line: number;
  /** The line as printed (tabs expanded, line ending removed). */
  text: string;
  reason: string;
}

export interface ParseResult<T> {
  records: T[];
  warnings: ParseWarning[];
}

export type Parser<T> = (text: string) => ParseResult<T>;

export interface Line {
  /** 1-based line number. */
  no: number;
  /** Line without its terminator, tabs expanded to 8-column stops. */
  text: string;
}

/** Expands tabs to 8-column stops so that column positions match what a terminal shows. */
export function expandTabs(line: string): string {
  if (!line.includes('\t')) return line;
  let out = '';
  for (const ch of line) {
    if (ch === '\t') out += ' '.repeat(8 - (out.length % 8));
    else out += ch;
  }
  return out;
}

/** Splits on CRLF, LF or lone CR; numbers lines from 1. */
export function splitLines(text: string): Line[] {
  return text.split(/\r\n|\n|\r/).map((raw, i) => ({ no: i + 1, text: expandTabs(raw) }));
}

const PROMPT_ONLY = /^\s*[\w.\-@/:]{1,63}(?:\([\w.\-@/:+]{0,32}\))?[#>]\s*$/;
const ECHO = /^\s*(?:[\w.\-@/:]{0,63}(?:\([\w.\-@/:+]{0,32}\))?[#>]\s*)?(?:do\s+)?sh(?:o|ow)?(?:\s.*)?$/i;
const NOISE = [
  /^\s*Load for five secs:/,
  /^\s*Time source is /,
  /^\s*\+\+\+ .* \+\+\+\s*$/,
  /^\s*-{3,}\s*$/, // table rules printed on their own
];

/** True for an echoed command (`Router#show ip arp`, `show mac address-table`) or a bare prompt. */
export function isPromptOrEcho(text: string): boolean {
  return PROMPT_ONLY.test(text) || ECHO.test(text);
}

/** True for capture noise that carries no data (genie banners, `Load for five secs`, rules). */
export function isNoise(text: string): boolean {
  return NOISE.some((re) => re.test(text));
}

/**
 * Lines worth parsing: blank lines, prompts, echoed commands and capture noise removed.
 * Line numbers still refer to the original text.
 */
export function contentLines(text: string): Line[] {
  return splitLines(text).filter((l) => l.text.trim() !== '' && !isPromptOrEcho(l.text) && !isNoise(l.text));
}

/** Collects warnings; `warn(line, reason)`. */
export class Warnings {
  readonly list: ParseWarning[] = [];
  add(line: Line, reason: string): void {
    this.list.push({ line: line.no, text: line.text, reason });
  }
}

/** Whitespace split, no empty tokens. */
export function tokens(text: string): string[] {
  return text.trim().split(/\s+/).filter(Boolean);
}

/** Canonical MAC (`aa:bb:cc:dd:ee:ff`) or undefined. */
export function mac(text: string): Mac | undefined {
  return tryParseMac(text.trim());
}

/** Canonical IP, or undefined. */
export function ip(text: string): string | undefined {
  return tryParseIp(text.trim());
}

/**
 * Canonical long interface name when `text` names an interface (`Gi1/0/5` → `GigabitEthernet1/0/5`),
 * otherwise the text unchanged (`CPU`, `Drop`, `Router`, `Switch`, `sup-eth1(R)`).
 */
export function port(text: string): string {
  return tryParseInterface(text.trim()) ?? text.trim();
}

/** True when the text is an IOS interface name in any spelling. */
export function isInterfaceName(text: string): boolean {
  return tryParseInterface(text.trim()) !== undefined;
}

/** Integer or undefined (whole string must be digits). */
export function int(text: string): number | undefined {
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

/** Header column start positions: `columnStarts('Port  Name', ['Port','Name'])` → {Port:0, Name:6}. */
export function columnStarts(header: string, names: readonly string[]): Map<string, number> | undefined {
  const out = new Map<string, number>();
  let from = 0;
  for (const name of names) {
    const at = header.indexOf(name, from);
    if (at < 0) return undefined;
    out.set(name, at);
    from = at + name.length;
  }
  return out;
}
