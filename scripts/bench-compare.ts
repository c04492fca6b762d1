/**
 * Benchmark: the nightly refresh (`boardpack refresh` into a fresh database, the board pack built)
 * of this checkout against another one, run alternately on the same seeded exports. This machine's
 * speed drifts by a fifth within the hour, so two versions compare fairly only side by side
 * (docs/performance.md, the sixth pass of issue 17). The other checkout needs its dependencies:
 *
 *   git worktree add ../before <commit> && (cd ../before && npm ci)
 *   npm run bench:compare -- ../before                     # 11 runs each at the force's size
 *   npm run bench:compare -- ../before --runs 21 --sizes 1m
 *
 * Prints each version's medians (wall and CPU time of the process, and each --verbose stage).
 */
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureExports, parseSizes, PERIOD, repoRoot, workDir } from './bench/data.ts';
import { describeMachine, machineLine } from './bench/machine.ts';
import { median } from './bench/measure.ts';
import { cliRefresh, type RefreshRun } from './bench/refresh.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { runs: { type: 'string', default: '11' }, sizes: { type: 'string', default: 'force' } } });
const other = positionals[0];
if (!other || !existsSync(join(resolve(other), 'bin/boardpack.js')) || !existsSync(join(resolve(other), 'node_modules'))) {
  console.error('Give the other checkout, with its dependencies installed: npm run bench:compare -- ../before [--runs 11] [--sizes force]');
  process.exit(2);
}
const versions = [
  { name: `this checkout (${repoRoot})`, bin: join(repoRoot, 'bin/boardpack.js') },
  { name: `the other (${resolve(other)})`, bin: join(resolve(other), 'bin/boardpack.js') },
];
const runs = Number(values.runs);
console.log(machineLine(describeMachine()));

for (const size of parseSizes(values.sizes)) {
  const exports = ensureExports({ incidents: size.incidents });
  const results: RefreshRun[][] = versions.map(() => []);
  // A first refresh each, unmeasured: it builds each checkout's CLI bundle if its sources changed.
  for (let i = -1; i < runs; i++) {
    // Which goes first alternates, so a drift in the machine's speed falls on both alike.
    const order = i % 2 === 0 ? [0, 1] : [1, 0];
    for (const v of order) {
      const work = workDir(`compare-${v}`);
      try {
        const run = await cliRefresh(exports.dir, PERIOD.period, PERIOD.asOf, work, undefined, versions[v]!.bin);
        if (i >= 0) results[v]!.push(run);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    }
  }
  console.log(`\n${size.label}, ${runs} alternating runs each, medians (ms):\n`);
  const stages = [...new Set(results.flatMap((rs) => rs.flatMap((r) => r.processes.flatMap((p) => Object.keys(p.stages)))))];
  const rows: [string, ...number[]][] = [
    ['refresh process, wall', ...results.map((rs) => median(rs.map((r) => r.ms)))],
    ['refresh process, CPU', ...results.map((rs) => median(rs.map((r) => r.cpuMs ?? Number.NaN)))],
    ...stages.map((stage): [string, ...number[]] => [`stage: ${stage}`, ...results.map((rs) => median(rs.map((r) => r.processes.reduce((sum, p) => sum + (p.stages[stage] ?? 0), 0))))]),
  ];
  console.log(`| | ${versions.map((v) => v.name).join(' | ')} |\n|---|${versions.map(() => '---:').join('|')}|`);
  for (const [label, ...ms] of rows) console.log(`| ${label} | ${ms.map((x) => (Number.isNaN(x) ? 'n/a' : Math.round(x).toLocaleString('en-GB'))).join(' | ')} |`);
}
