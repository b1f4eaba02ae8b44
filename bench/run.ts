/**
 * highalert benchmarks, run on demand (`npm run bench`), results pasted into the README.
 * Everything runs on loopback against the built-in lab; figures are wall-clock medians.
 *
 *   1. parsers: corpus MAC tables and ARP tables, records per second;
 *   2. one quarantine + release on the lab, with 0 ms and 20 ms per device command;
 *   3. correlation fan-out: a MAC searched on 16 access switches (20 ms per command) with
 *      max_concurrent 1 vs 8 — the run is bounded by the slowest device, not the sum;
 *   4. ten quarantine processes at once (CLI), wall time.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse, stringify } from 'yaml';
import { quarantine } from '../src/apply/quarantine.js';
import { release } from '../src/apply/release.js';
import { parseShow } from '../src/devices/parsers/index.js';
import { startLab, type Lab } from '../src/lab/index.js';

const CORPUS = process.env.HIGHALERT_CORPUS ?? path.resolve(import.meta.dirname, '../../shared/corpus');
const rows: string[][] = [];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function corpusFiles(folder: string): string[] {
  const dir = path.join(CORPUS, 'cisco_ios', folder);
  return readdirSync(dir)
    .filter(
      (f) =>
        f.endsWith('.raw') || f.endsWith('_output.txt') || (f.startsWith('napalm') && f.endsWith('.txt')),
    )
    .map((f) => readFileSync(path.join(dir, f), 'utf8'));
}

function benchParser(label: string, command: string, folder: string): void {
  const texts = corpusFiles(folder);
  let records = 0;
  const rounds = 200;
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++)
    for (const t of texts) records += parseShow('cisco_ios', command, t).records.length;
  const s = (performance.now() - t0) / 1000;
  rows.push([
    `parse \`${command}\` (${texts.length} corpus files × ${rounds})`,
    `${Math.round(records / s).toLocaleString('en')} records/s`,
  ]);
  console.error(`  ${label}: done`);
}

/** Quarantine + release of the last host (not an inventory user: found by searching the MAC tables). */
async function quarantineRelease(lab: Lab, runs: number): Promise<{ q: number; r: number }> {
  const statePath = path.join(lab.dir, 'bench.db');
  const mac = lab.hosts().at(-1)!.mac;
  const base = { inventoryPath: lab.inventoryPath, statePath, operator: 'bench', commandLine: 'bench' };
  const qs: number[] = [];
  const rs: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    await quarantine({
      ...base,
      target: mac,
      dryRun: false,
      verify: true,
      allowSharedPort: false,
      confirm: async () => true,
    });
    qs.push(performance.now() - t);
    t = performance.now();
    await release({ ...base, target: mac, dryRun: false, yes: true, verify: true });
    rs.push(performance.now() - t);
  }
  return { q: median(qs), r: median(rs) };
}

async function setMaxConcurrent(lab: Lab, n: number): Promise<void> {
  const doc = parse(await readFile(lab.inventoryPath, 'utf8')) as {
    defaults: { ssh: { max_concurrent: number } };
  };
  doc.defaults.ssh.max_concurrent = n;
  await writeFile(lab.inventoryPath, stringify(doc));
}

function cli(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.resolve(import.meta.dirname, '../bin/run.js'), ...args], {
      stdio: 'ignore',
    });
    child.on('close', (code) => resolve(code ?? -1));
  });
}

async function main(): Promise<void> {
  console.error('parsers…');
  benchParser('mac table', 'show mac address-table', 'show_mac_address-table');
  benchParser('arp', 'show ip arp', 'show_ip_arp');
  benchParser('running-config interface', 'show running-config interface', 'show_running-config_interface');

  for (const latencyMs of [0, 20]) {
    console.error(`quarantine + release, ${latencyMs} ms per command…`);
    const lab = await startLab({ switches: 2, hostsPerSwitch: 4, latencyMs });
    const { q, r } = await quarantineRelease(lab, 5);
    rows.push([
      `quarantine (correlate, apply, bounce, verify), ${latencyMs} ms/command`,
      `${q.toFixed(0)} ms`,
    ]);
    rows.push([`release (restore, bounce, verify), ${latencyMs} ms/command`, `${r.toFixed(0)} ms`]);
    await lab.stop();
  }

  console.error('fan-out over 16 switches…');
  const wide = await startLab({ switches: 16, hostsPerSwitch: 2, latencyMs: 20 });
  for (const n of [1, 8]) {
    await setMaxConcurrent(wide, n);
    const { q } = await quarantineRelease(wide, 3);
    rows.push([
      `quarantine, MAC searched on 16 switches × 20 ms/command, max_concurrent ${n}`,
      `${q.toFixed(0)} ms`,
    ]);
  }
  await wide.stop();

  console.error('ten processes at once…');
  const lab = await startLab({ switches: 2, hostsPerSwitch: 5 });
  const statePath = path.join(lab.dir, 'bench-cli.db');
  const t = performance.now();
  const codes = await Promise.all(
    lab
      .hosts()
      .slice(0, 10)
      .map((h) =>
        cli(['quarantine', h.mac, '--yes', '--json', '-i', lab.inventoryPath, '--state', statePath]),
      ),
  );
  rows.push([
    `10 \`quarantine\` processes at once (CLI, exit codes ${[...new Set(codes)].join(',')})`,
    `${(performance.now() - t).toFixed(0)} ms`,
  ]);
  const t1 = performance.now();
  await cli(['--help']);
  rows.push(['`highalert --help` cold start', `${(performance.now() - t1).toFixed(0)} ms`]);
  await lab.stop();

  console.log('| measurement | result |\n|---|---|');
  for (const [what, value] of rows) console.log(`| ${what} | ${value} |`);
}

await main();
