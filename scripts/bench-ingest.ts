/**
 * Benchmark: validated ingest of a large incidents export against the floor, DuckDB's
 * own read_csv of the same file into a table. Both write to a fresh database file.
 *
 *   npm run bench:ingest                 # 1,000,000 rows, 3 runs each
 *   npm run bench:ingest -- --rows 200000 --runs 5
 *
 * The export is generated once (seeded) and cached in the system temp folder.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadContracts } from '../pipelines/ingest/contracts.ts';
import { ingestPaths } from '../pipelines/ingest/ingestFiles.ts';
import { systemClock } from '../pipelines/lib/clock.ts';
import { loadConfig } from '../pipelines/lib/config.ts';
import { createDb, literal } from '../pipelines/lib/db.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '3' } } });
const rows = Number(values.rows);
const runs = Number(values.runs);
const cache = join(tmpdir(), `boardpack-bench-${rows}`);
const file = join(cache, 'incidents.csv');
if (!existsSync(file)) {
  console.log(`Generating ${rows.toLocaleString('en-GB')} incidents into ${cache} ...`);
  execFileSync(process.execPath, ['--import', 'tsx', resolve('scripts/generate-exports.ts'), '--out', cache, '--only', 'incidents', '--incidents', String(rows), '--no-personal', '--seed', '42'], { stdio: 'inherit' });
}
const work = join(tmpdir(), 'boardpack-bench-work');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function floorRun(): Promise<number> {
  rmSync(work, { recursive: true, force: true });
  const db = await createDb(join(work, 'floor.duckdb'));
  const start = performance.now();
  await db.run(`create table incidents as select * from read_csv(${literal(file)})`);
  await db.run('checkpoint');
  const ms = performance.now() - start;
  db.close();
  return ms;
}

async function ingestRun(): Promise<{ ms: number; stages: Record<string, number>; loaded: number }> {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const config = loadConfig({ cwd: work, db: join(work, 'boardpack.duckdb') });
  const contracts = loadContracts(config);
  const db = await createDb(config.db);
  const stages: Record<string, number> = {};
  const logger = { log: (_l: string, event: string, f: Record<string, unknown> = {}) => { if (event === 'stage') stages[f.stage as string] = f.ms as number; } };
  const start = performance.now();
  const report = await ingestPaths([file], { db, contracts, force: config.force, archiveDir: config.archive, maxQuarantineShare: 0.1, clock: systemClock, logger });
  await db.run('checkpoint');
  const ms = performance.now() - start;
  db.close();
  const [f] = report.files;
  if (f?.status !== 'loaded') throw new Error(`ingest did not load the file: ${f?.error}`);
  return { ms, stages, loaded: f.rows_loaded };
}

const floors: number[] = [];
const ingests: Awaited<ReturnType<typeof ingestRun>>[] = [];
for (let i = 0; i < runs; i++) {
  // Interleaved, so a noisy neighbour slows both alike.
  floors.push(await floorRun());
  ingests.push(await ingestRun());
}
rmSync(work, { recursive: true, force: true });

const floor = median(floors);
const ours = median(ingests.map((r) => r.ms));
const stageNames = Object.keys(ingests[0]!.stages);
const mb = (statSync(file).size / 1e6).toFixed(0);
console.log(`\nMachine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
console.log(`File: ${rows.toLocaleString('en-GB')} incidents, ${mb} MB; median of ${runs} runs each\n`);
console.log('| step | ms |');
console.log('|---|---:|');
console.log(`| floor: DuckDB read_csv into a table | ${floor.toFixed(0)} |`);
console.log(`| boardpack ingest (validated, archived, keyed) | ${ours.toFixed(0)} |`);
for (const name of stageNames) console.log(`| - ${name} | ${median(ingests.map((r) => r.stages[name] ?? 0)).toFixed(0)} |`);
console.log(`\nRatio to the floor: ${(ours / floor).toFixed(2)}x; rows loaded ${ingests[0]!.loaded.toLocaleString('en-GB')}; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
