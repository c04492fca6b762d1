/**
 * Command line for the seeded, deterministic generator of synthetic West Mercia
 * cyber-dependent crime exports (scripts/generate/: one module per dataset,
 * plus the PRNG, the CSV writer and the `--messy` defect injector). The shape
 * follows the data contract (docs/datasets.md), but the files
 * look like an analyst's Excel exports: alias headers, dd/mm/yyyy dates, CRLF,
 * UTF-8 without BOM, quoting only where needed, and personal-data columns that
 * the pipeline must drop. All data is synthetic.
 *
 * The committed sample (fixtures/sample/, with its documented defects) was generated with:
 *   npx tsx scripts/generate-exports.ts --out fixtures/sample --seed 42 --incidents-per-year 600 --messy
 *
 * Benchmark input (streams; 10M rows need well under 300 MB RSS):
 *   npx tsx scripts/generate-exports.ts --out /tmp/gen-big --incidents 10000000 --only incidents --no-personal
 *
 * Same seed and options => byte-identical files. Every dataset draws from its
 * own random stream, so `--only incidents` writes the same incidents.csv as a
 * full run, and `--no-personal` changes nothing but the dropped columns.
 * `--messy` draws no random numbers: only the rows it reports differ.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DATASETS, DEFAULTS, generateExports, UsageError, type DatasetName, type FileResult, type GenerateOptions } from './generate/index.ts';

export { DATASETS, DEFAULTS, generateExports, Rng, UsageError } from './generate/index.ts';
export type { DatasetName, FileResult, GenerateOptions, InjectedDefect } from './generate/index.ts';

const USAGE = `Usage: npx tsx scripts/generate-exports.ts --out DIR [options]
  --seed N                 PRNG seed (default ${DEFAULTS.seed})
  --start yyyy-mm-dd       first day of the period (default ${DEFAULTS.start})
  --end yyyy-mm-dd         last day of the period (default ${DEFAULTS.end})
  --incidents-per-year N   incident volume (default ${DEFAULTS.incidentsPerYear})
  --incidents N            exact incident count, spread over start..end (overrides the above)
  --events-per-year N      training events (default ${DEFAULTS.eventsPerYear})
  --volunteers N           roster size over the scheme's life (default ${DEFAULTS.volunteers})
  --only a,b               datasets to write: ${DATASETS.join(', ')}
  --no-personal            omit the personal-data columns
  --messy                  inject a few documented defects (scripts/generate/messy.ts) and list them`;

function parseCli(argv: string[]): GenerateOptions | null {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      out: { type: 'string' },
      seed: { type: 'string', default: String(DEFAULTS.seed) },
      start: { type: 'string', default: DEFAULTS.start },
      end: { type: 'string', default: DEFAULTS.end },
      'incidents-per-year': { type: 'string', default: String(DEFAULTS.incidentsPerYear) },
      incidents: { type: 'string' },
      'events-per-year': { type: 'string', default: String(DEFAULTS.eventsPerYear) },
      volunteers: { type: 'string', default: String(DEFAULTS.volunteers) },
      only: { type: 'string' },
      'no-personal': { type: 'boolean', default: false },
      messy: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return null;
  if (!values.out) throw new UsageError('--out DIR is required');
  return {
    out: values.out,
    seed: nonNegativeInt(values.seed, '--seed'),
    start: values.start,
    end: values.end,
    incidentsPerYear: nonNegativeInt(values['incidents-per-year'], '--incidents-per-year'),
    incidents: values.incidents === undefined ? undefined : nonNegativeInt(values.incidents, '--incidents'),
    eventsPerYear: nonNegativeInt(values['events-per-year'], '--events-per-year'),
    volunteers: nonNegativeInt(values.volunteers, '--volunteers'),
    only: values.only === undefined ? undefined : parseOnly(values.only),
    personal: !values['no-personal'],
    messy: values.messy,
  };
}

function nonNegativeInt(raw: string, flag: string): number {
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw new UsageError(`${flag} must be a whole number, got "${raw}"`);
  return Number(raw);
}

function parseOnly(raw: string): DatasetName[] {
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const n of names) {
    if (!(DATASETS as readonly string[]).includes(n)) throw new UsageError(`--only: unknown dataset "${n}" (expected ${DATASETS.join(', ')})`);
  }
  return names as DatasetName[];
}

function describe(r: FileResult): string[] {
  const lines = [`${r.path}\t${r.rows} rows\t${r.bytes} bytes`];
  for (const d of r.defects ?? []) lines.push(`  line ${d.line}\t${d.field}: ${JSON.stringify(d.value)}\t${d.defect}\t-> ${d.expect}`);
  for (const m of r.missed ?? []) lines.push(`  not injected: ${m}`);
  return lines;
}

function main(argv: string[]): number {
  try {
    const opts = parseCli(argv);
    if (opts === null) {
      console.log(USAGE);
      return 0;
    }
    for (const r of generateExports(opts)) console.log(describe(r).join('\n'));
    return 0;
  } catch (err) {
    // parseArgs throws TypeErrors with a code for unknown or malformed options.
    const isUsage = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true;
    if (!isUsage) throw err;
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) process.exitCode = main(process.argv.slice(2));
