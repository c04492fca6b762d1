/**
 * Seeded, deterministic generator of synthetic West Mercia cyber-dependent
 * crime exports: incidents, volunteers, volunteer_hours, training, actions.
 * `generateExports(options)` writes the files; scripts/generate-exports.ts is
 * the command line. Same seed and options => byte-identical files. Every
 * dataset draws from its own random stream, so `--only incidents` writes the
 * same incidents.csv as a full run, and `--no-personal` changes nothing but the
 * dropped columns.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ACTIONS, writeActions } from './actions.ts';
import { withCsv, type RowSink } from './csvWriter.ts';
import { Calendar, isoToDay } from './dates.ts';
import { buildDeployments, writeDeployments } from './hours.ts';
import { generateIncidents } from './incidents.ts';
import { messyTransform } from './messy.ts';
import { TransformingSink } from './messySink.ts';
import { DATASETS, FILE_NAMES, UsageError, type Ctx, type DatasetName, type FileResult, type GenerateOptions } from './options.ts';
import { Rng } from './random.ts';
import { RefSampler } from './refSampler.ts';
import { writeTraining } from './training.ts';
import { buildVolunteers, writeVolunteers } from './volunteers.ts';

export { DATASETS, DEFAULTS, UsageError, type DatasetName, type FileResult, type GenerateOptions } from './options.ts';
export type { InjectedDefect } from './messy.ts';
export { Rng } from './random.ts';

export function generateExports(opts: GenerateOptions): FileResult[] {
  const start = isoToDay(opts.start);
  const end = isoToDay(opts.end);
  if (start === null) throw new UsageError(`--start must be a real date yyyy-mm-dd, got "${opts.start}"`);
  if (end === null) throw new UsageError(`--end must be a real date yyyy-mm-dd, got "${opts.end}"`);
  if (end < start) throw new UsageError(`--end (${opts.end}) is before --start (${opts.start})`);

  const ctx: Ctx = { seed: opts.seed >>> 0, start, end, cal: new Calendar(start - 400, end), personal: opts.personal };
  const wanted = new Set<DatasetName>(opts.only ?? DATASETS);
  const years = (end - start + 1) / 365.25;
  mkdirSync(opts.out, { recursive: true });
  const results: FileResult[] = [];
  /** Writes one dataset of `rows` records; with --messy, through the defect injector. */
  const write = (name: DatasetName, rows: number, fill: (sink: RowSink) => void): void => {
    results.push(writeFile(join(opts.out, FILE_NAMES[name]), opts.messy === true ? messyTransform(name, rows) : null, fill));
  };

  // Hours rows link to crime references, so incidents are generated (if not
  // written) whenever hours are wanted; a bounded sample of refs is kept.
  const refs = wanted.has('volunteer_hours') ? new RefSampler(start, new Rng(ctx.seed, 'incident-ref-sample')) : null;
  if (wanted.has('incidents') || refs) {
    const total = opts.incidents ?? Math.round(opts.incidentsPerYear * years);
    if (wanted.has('incidents')) {
      write('incidents', total, (f) => generateIncidents(ctx, total, f, refs));
    } else {
      generateIncidents(ctx, total, null, refs);
    }
  }

  const roster = buildVolunteers(ctx, opts.volunteers);
  if (wanted.has('volunteers')) write('volunteers', roster.length, (f) => writeVolunteers(ctx, roster, f));
  if (wanted.has('volunteer_hours')) {
    const deployments = buildDeployments(ctx, roster, refs);
    write('volunteer_hours', deployments.length, (f) => writeDeployments(ctx, deployments, f));
  }
  if (wanted.has('training')) {
    const events = Math.round(opts.eventsPerYear * years);
    write('training', events, (f) => writeTraining(ctx, roster, events, f));
  }
  if (wanted.has('actions')) write('actions', ACTIONS.length, (f) => writeActions(ctx, f));
  return results;
}

function writeFile(path: string, transform: ReturnType<typeof messyTransform>, fill: (sink: RowSink) => void): FileResult {
  if (transform === null) return withCsv(path, fill);
  let report: Pick<FileResult, 'defects' | 'missed'> = {};
  const written = withCsv(path, (file) => {
    const sink = new TransformingSink(file, transform);
    fill(sink);
    report = sink.report();
  });
  return { ...written, ...report };
}
