import { DATASETS, isDatasetName } from '../ingest/contracts.ts';
import { hasLedger, readIngestStatus, readQuarantine, type IngestStatus } from '../ingest/status.ts';
import { UsageError } from '../lib/errors.ts';
import { displayValue, formatCount, table } from '../lib/text.ts';
import { openExistingDb, type CommandContext } from './context.ts';

export async function runStatus(options: { quarantine?: boolean; dataset?: string; limit?: string }, ctx: CommandContext): Promise<number> {
  if (options.dataset !== undefined && !isDatasetName(options.dataset)) {
    throw new UsageError(`Unknown dataset "${options.dataset}"; use one of: ${DATASETS.join(', ')}.`);
  }
  const limit = options.limit === undefined ? undefined : Number(options.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UsageError(`--limit must be a whole number above 0, not "${options.limit}".`);
  const db = await openExistingDb(ctx.config);
  try {
    if (!(await hasLedger(db))) throw new UsageError(`The database ${ctx.config.db} has nothing loaded yet; run boardpack ingest first.`);
    if (options.quarantine) {
      const rows = await readQuarantine(db, { dataset: options.dataset, limit: limit ?? (ctx.json ? undefined : 200) });
      if (ctx.json) ctx.out(JSON.stringify({ quarantine: rows }, null, 2));
      else if (rows.length === 0) ctx.out('No quarantined rows.');
      else {
        ctx.out(table(['file', 'line', 'field', 'reason', 'value'], rows.map((r) => [displayValue(r.file_name, 40), String(r.line), r.field ?? '(row)', r.reason, displayValue(r.raw_value ?? r.detail ?? '')])));
      }
      return 0;
    }
    const status = await readIngestStatus(db);
    ctx.out(ctx.json ? JSON.stringify({ database: ctx.config.db, ...status }, null, 2) : describeStatus(status, ctx.config.db));
    return 0;
  } finally {
    db.close();
  }
}

function describeStatus(status: IngestStatus, dbPath: string): string {
  const lines = [`Database: ${dbPath}`, '', `Loaded files (${status.files.length}):`];
  lines.push(
    table(
      ['#', 'file', 'dataset', 'read', 'loaded', 'quarantined', 'excluded', 'duplicate', 'loaded at', 'sha256'],
      status.files.map((f) => [
        String(f.load_id), displayValue(f.file_name, 40), f.dataset, formatCount(f.rows_read), formatCount(f.rows_loaded),
        formatCount(f.rows_quarantined), formatCount(f.rows_excluded), formatCount(f.rows_duplicate), f.loaded_at, f.sha256.slice(0, 12),
      ]),
    ),
  );
  lines.push('', `Current records: ${Object.entries(status.records).map(([d, n]) => `${d} ${formatCount(n)}`).join(', ')}`);
  lines.push('', status.quarantine.length === 0 ? 'Quarantine: empty.' : 'Quarantine by reason (boardpack status --quarantine lists the rows):');
  if (status.quarantine.length) {
    lines.push(table(['dataset', 'reason', 'problems', 'files'], status.quarantine.map((q) => [q.dataset, q.reason, formatCount(q.rows), String(q.files)])));
  }
  lines.push('', status.warnings.length === 0 ? 'Data-quality warnings: none.' : 'Data-quality warnings (loaded, worth a look):');
  if (status.warnings.length) {
    const what = { unknown_value: 'not a known value: recorded as Unknown', not_in_roster: 'not on the volunteer roster' };
    lines.push(table(['dataset', 'field', 'value', 'rows', 'why'], status.warnings.map((w) => [w.dataset, w.field, displayValue(w.value, 30), formatCount(w.rows), what[w.kind]])));
  }
  return lines.join('\n');
}
