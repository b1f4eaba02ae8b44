/**
 * Per-command pass counts of the show-output parsers against the corpus, and every failure with
 * its reason. Usage: `node --import tsx test/parsers-report.ts [corpus-dir]`
 * (default: $HIGHALERT_CORPUS or /work/shared/corpus).
 */
import { DEFAULT_CORPUS, runCorpus, summarize } from './unit/parsers-corpus.js';

const root = process.argv[2] ?? DEFAULT_CORPUS;
const results = runCorpus(root);
const summary = summarize(results);
const pad = (v: string | number, n: number): string => String(v).padEnd(n);

console.log(`corpus: ${root}\n`);
console.log(
  `${pad('platform/command folder', 52)} ${pad('samples', 8)} ${pad('w/ expected', 12)} ${pad('passed', 7)} errors`,
);
for (const c of summary) {
  console.log(
    `${pad(c.key, 52)} ${pad(c.samples, 8)} ${pad(c.withExpected, 12)} ${pad(c.passed, 7)} ${c.errors}`,
  );
}
const withExpected = summary.reduce((n, c) => n + c.withExpected, 0);
const passed = summary.reduce((n, c) => n + c.passed, 0);
const samples = summary.reduce((n, c) => n + c.samples, 0);
const pct = withExpected ? ((100 * passed) / withExpected).toFixed(1) : 'n/a';
console.log(
  `\nTOTAL: ${samples} samples parsed, ${passed}/${withExpected} with an expected parse match (${pct} %)`,
);

const failures = results.filter((r) => r.error || r.matched === false);
console.log(failures.length ? `\nFailures (${failures.length}):` : '\nNo failures.');
for (const f of failures) {
  console.log(`- ${f.platform}/${f.folder}/${f.file}${f.expectedFile ? ` (vs ${f.expectedFile})` : ''}`);
  if (f.error) console.log(`    error: ${f.error}`);
  if (f.reason) console.log(`    mismatch: ${f.reason}`);
}
const warned = results.filter((r) => r.warnings > 0);
if (warned.length) {
  console.log(`\nSamples with parser warnings (${warned.length}):`);
  for (const w of warned) console.log(`- ${w.platform}/${w.folder}/${w.file}: ${w.warnings} warning(s)`);
}
