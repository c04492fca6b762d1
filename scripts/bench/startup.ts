/**
 * Start-up and the test suite, beside the sizes: `boardpack --help`, `status` and a refresh with
 * nothing new on the sample exports, each a process timed from spawn to exit, alternated over the
 * runs; and, with --suite, `npm test` once (the whole suite, in the repository).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './data.ts';
import { median, runChild } from './measure.ts';

export interface Timed {
  ms: number;
  /** User plus system CPU time, where /usr/bin/time measured it. */
  cpuMs: number | null;
}

export interface SuiteResult extends Timed {
  files: number;
  tests: number;
  failed: number;
}

export interface StartupResults {
  /** By command: `--help`, `status`, `refresh (nothing new)`; medians of the runs. */
  commands: Record<string, Timed>;
  suite: SuiteResult | null;
}

export const STARTUP_TARGET_MS = 300;
export const SUITE_TARGET_MS = 90_000;

const BIN = join(repoRoot, 'bin/boardpack.js');

export async function measureStartup(runs: number, log: (line: string) => void): Promise<Record<string, Timed>> {
  const home = mkdtempSync(join(tmpdir(), 'boardpack-bench-startup-'));
  try {
    // The sample exports refreshed once, unmeasured: after that the inbox is empty and the pack current.
    mkdirSync(join(home, 'inbox'));
    writeFileSync(join(home, 'boardpack.config.json'), JSON.stringify({ inbox_settle_seconds: 0 }));
    const sample = join(repoRoot, 'fixtures/sample');
    for (const name of readdirSync(sample).filter((f) => f.endsWith('.csv'))) copyFileSync(join(sample, name), join(home, 'inbox', name));
    const first = await runChild(process.execPath, [BIN, 'refresh'], { cwd: home });
    if (first.code !== 0) throw new Error(`the sample refresh exited ${first.code}: ${first.stderr.slice(-300)}`);
    const commands: Record<string, string[]> = { '`boardpack --help`': ['--help'], '`boardpack status`': ['status'], '`boardpack refresh` with nothing new': ['refresh'] };
    const samples: Record<string, Timed[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
    log(`start-up: ${Object.keys(commands).length} commands, ${runs} runs each, alternated`);
    for (let i = 0; i < runs; i++) {
      for (const [label, args] of Object.entries(commands)) {
        const child = await runChild(process.execPath, [BIN, ...args], { cwd: home });
        if (child.code !== 0) throw new Error(`boardpack ${args.join(' ')} exited ${child.code}: ${child.stderr.slice(-300)}`);
        samples[label]!.push({ ms: child.ms, cpuMs: child.cpuMs });
      }
    }
    return Object.fromEntries(Object.entries(samples).map(([label, xs]) => [label, medianTimed(xs)]));
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** `npm test` as a developer runs it: vitest over the whole suite, once. */
export async function measureSuite(log: (line: string) => void): Promise<SuiteResult> {
  const report = join(tmpdir(), `boardpack-bench-suite-${process.pid}.json`);
  log('test suite: npm test (vitest run), once');
  try {
    const child = await runChild(process.execPath, [join(repoRoot, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=json', `--outputFile=${report}`], { cwd: repoRoot });
    const json = JSON.parse(readFileSync(report, 'utf8')) as { numTotalTests: number; numFailedTests: number; testResults: unknown[] };
    return { ms: child.ms, cpuMs: child.cpuMs, files: json.testResults.length, tests: json.numTotalTests, failed: json.numFailedTests };
  } finally {
    rmSync(report, { force: true });
  }
}

function medianTimed(xs: Timed[]): Timed {
  const cpu = xs.map((x) => x.cpuMs).filter((x): x is number => x !== null);
  return { ms: median(xs.map((x) => x.ms)), cpuMs: cpu.length === xs.length ? median(cpu) : null };
}

const ms = (x: number) => Math.round(x).toLocaleString('en-GB');
/** Judged on the whole milliseconds the table shows, so a figure shown as 300 is never marked under 300. */
const startupMet = (t: { ms: number }) => Math.round(t.ms) < STARTUP_TARGET_MS;

/** The start-up and suite table, Markdown, each figure marked met or missed. */
export function startupTable(results: StartupResults): string {
  const lines = ['| | ms (CPU time) | target |', '|---|---:|---|'];
  for (const [label, t] of Object.entries(results.commands)) {
    lines.push(`| ${label} (start-up, sample data) | ${ms(t.ms)}${t.cpuMs === null ? '' : ` (${ms(t.cpuMs)})`} ${startupMet(t) ? '✓' : '✗'} | < ${STARTUP_TARGET_MS} ms |`);
  }
  const s = results.suite;
  if (s) {
    const met = s.ms < SUITE_TARGET_MS && s.failed === 0;
    lines.push(`| \`npm test\`: ${s.files} files, ${s.tests} tests, ${s.failed} failed | ${ms(s.ms)}${s.cpuMs === null ? '' : ` (${ms(s.cpuMs)})`} ${met ? '✓' : '✗'} | < ${SUITE_TARGET_MS / 1000} s, all passing |`);
  } else lines.push(`| \`npm test\` | not measured (\`--suite\`) | | < ${SUITE_TARGET_MS / 1000} s, all passing |`);
  return lines.join('\n');
}

export function startupVerdicts(results: StartupResults): string[] {
  const lines = Object.entries(results.commands).map(([label, t]) => `${startupMet(t) ? 'met' : 'MISSED'}: start-up of ${label.replaceAll('`', '')} (< ${STARTUP_TARGET_MS} ms)`);
  if (results.suite) lines.push(`${results.suite.ms < SUITE_TARGET_MS && results.suite.failed === 0 ? 'met' : 'MISSED'}: npm test (< ${SUITE_TARGET_MS / 1000} s, all passing)`);
  return lines;
}
