import { loadContracts, isDatasetName, DATASETS } from '../ingest/contracts.ts';
import { ingestPaths, type FileReport, type IngestReport } from '../ingest/ingestFiles.ts';
import { archiveSettingsOf } from '../archive/prepareArchive.ts';
import { UsageError } from '../lib/errors.ts';
import { knownForces } from '../lib/config.ts';
import { nearest } from '../lib/schemas.ts';
import { sameForce } from '../ingest/forceOfFile.ts';
import { displayValue, formatCount } from '../lib/text.ts';
import { openDb, type CommandContext } from './context.ts';

export async function runIngest(paths: string[], options: { dataset?: string; force?: string }, ctx: CommandContext): Promise<number> {
  if (options.dataset !== undefined && !isDatasetName(options.dataset)) {
    throw new UsageError(`Unknown dataset "${options.dataset}"; use one of: ${DATASETS.join(', ')}.`);
  }
  const known = knownForces(ctx.config);
  const force = options.force === undefined ? ctx.config.force : namedForce(options.force, known);
  const contracts = loadContracts(ctx.config);
  const db = await openDb(ctx.config);
  try {
    const report = await ingestPaths(paths, {
      cwd: ctx.cwd,
      db,
      contracts,
      force,
      forceFrom: options.force === undefined ? 'config' : 'option',
      knownForces: known,
      archiveDir: ctx.config.archive,
      archive: archiveSettingsOf(ctx.config),
      maxQuarantineShare: ctx.config.ingest.maxQuarantineShare,
      clock: ctx.clock,
      logger: ctx.logger,
      dataset: options.dataset as never,
      onProgress: ctx.progress,
    });
    ctx.out(ctx.json ? JSON.stringify(report, null, 2) : describeIngest(report, ctx.config.db));
    for (const file of report.files) if (file.error) ctx.err(file.error);
    return report.files.some((f) => f.status === 'rejected') ? 1 : 0;
  } finally {
    db.close();
  }
}

/** `--force` must name a force this boardpack takes exports for: a typo would start a new force. */
function namedForce(given: string, known: string[]): string {
  const match = known.find((k) => sameForce(k, given));
  if (match) return match;
  const near = nearest(given, known);
  throw new UsageError(`--force "${given}" is not a force this boardpack takes exports for (${known.join(', ')})${near ? `; did you mean "${near}"?` : '; add it to "region.forces" in boardpack.config.json.'}`);
}

export function describeIngest(report: IngestReport, dbPath: string): string {
  const lines: string[] = [];
  for (const f of report.files) lines.push(...describeFile(f));
  const count = (s: FileReport['status']) => report.files.filter((f) => f.status === s).length;
  lines.push('', `${report.files.length} file${report.files.length === 1 ? '' : 's'}: ${count('loaded')} loaded, ${count('already_loaded')} already loaded, ${count('rejected')} rejected. Database: ${dbPath}`);
  return lines.join('\n');
}

function describeFile(f: FileReport): string[] {
  if (f.status === 'rejected') return [`✗ ${f.file}: rejected (the reason is on stderr).`];
  const mark = f.status === 'loaded' ? '✓' : '=';
  const lines = [
    `${mark} ${f.file} (${f.dataset}${f.status === 'already_loaded' ? ', already loaded: same SHA-256' : ''}): read ${formatCount(f.rows_read)} = loaded ${formatCount(f.rows_loaded)} + quarantined ${formatCount(f.rows_quarantined)} + excluded ${formatCount(f.rows_excluded)} + duplicate ${formatCount(f.rows_duplicate)}`,
  ];
  if (f.status !== 'loaded') return lines;
  if (f.keys_replaced > 0) lines.push(`    replaced ${formatCount(f.keys_replaced)} earlier version${f.keys_replaced === 1 ? '' : 's'} (kept in ${f.dataset}_history)`);
  if (f.columns_dropped.length) lines.push(`    personal-data columns dropped: ${f.columns_dropped.map((c) => displayValue(c)).join(', ')}`);
  if (f.columns_ignored.length) lines.push(`    unknown columns ignored: ${f.columns_ignored.map((c) => displayValue(c)).join(', ')}`);
  const reasons = Object.entries(f.quarantine_by_reason);
  if (reasons.length) lines.push(`    quarantine: ${reasons.map(([r, n]) => `${r} ${formatCount(n)}`).join(', ')} (boardpack status --quarantine lists them)`);
  for (const w of f.warnings) lines.push(`    warning: ${w.field} "${displayValue(w.raw_value, 30)}" is not a known value, recorded as Unknown (${formatCount(w.rows)} row${w.rows === 1 ? '' : 's'})`);
  return lines;
}
