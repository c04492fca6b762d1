/**
 * Benchmark: validated ingest of a large incidents export against the floor, DuckDB's
 * own read_csv of the same file into a table. Both write to a fresh database file.
 * (`npm run bench` measures the same, and more, at three sizes.)
 *
 *   npm run bench:ingest                 # 1,000,000 rows, 3 runs each
 *   npm run bench:ingest -- --rows 200000 --runs 5
 *
 * The export is generated once (seeded) and cached in the system temp folder.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureExports, workDir } from './bench/data.ts';
import { describeMachine, machineLine } from './bench/machine.ts';
import { median } from './bench/measure.ts';
import { floorLoad, validatedIngest, type IngestResult } from './bench/steps.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '3' } } });
const rows = Number(values.rows);
const runs = Number(values.runs);
const exports = ensureExports({ incidents: rows, only: ['incidents'] });
const file = exports.files[0]!.path;

const floors: number[] = [];
const ingests: IngestResult[] = [];
for (let i = 0; i < runs; i++) {
  // Interleaved, so a noisy neighbour slows both alike.
  const work = workDir(`ingest-${i}`);
  try {
    floors.push((await floorLoad([file], join(work, 'floor.duckdb'))).ms);
    ingests.push(await validatedIngest([file], join(work, 'ingest')));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const floor = median(floors);
const ours = median(ingests.map((r) => r.ms));
const stages = (r: IngestResult) => r.stages['incidents.csv'] ?? {};
console.log(`\nMachine: ${machineLine(describeMachine())}`);
console.log(`File: ${rows.toLocaleString('en-GB')} incidents, ${(exports.bytes / 1e6).toFixed(0)} MB; median of ${runs} runs each\n`);
console.log('| step | ms |');
console.log('|---|---:|');
console.log(`| floor: DuckDB read_csv into a table | ${floor.toFixed(0)} |`);
console.log(`| boardpack ingest (validated, archived, keyed) | ${ours.toFixed(0)} |`);
for (const name of Object.keys(stages(ingests[0]!))) console.log(`| - ${name} | ${median(ingests.map((r) => stages(r)[name] ?? 0)).toFixed(0)} |`);
console.log(`\nRatio to the floor: ${(ours / floor).toFixed(2)}x; rows loaded ${ingests[0]!.files[0]!.rows_loaded.toLocaleString('en-GB')}; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
