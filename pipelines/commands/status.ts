import { DATASETS, isDatasetName } from '../ingest/contracts.ts';
import { hasLedger, readIngestStatus, readQuarantine, type IngestStatus } from '../ingest/status.ts';
import { UsageError, WorkError } from '../lib/errors.ts';
import { londonDate } from '../lib/clock.ts';
import { readFreshness, type Freshness } from '../ingest/freshness.ts';
import { readOwner } from '../schedule/lock.ts';
import { runLockPath } from '../schedule/refresh.ts';
import { readRuns, type RunRecord } from '../schedule/runs.ts';
import { compileSchedule } from '../schedule/slots.ts';
import { displayValue, formatCount, table } from '../lib/text.ts';
import { openExistingDb, type CommandContext } from './context.ts';

export async function runStatus(options: { quarantine?: boolean; dataset?: string; limit?: string }, ctx: CommandContext): Promise<number> {
  if (options.dataset !== undefined && !isDatasetName(options.dataset)) {
    throw new UsageError(`Unknown dataset "${options.dataset}"; use one of: ${DATASETS.join(', ')}.`);
  }
  const limit = options.limit === undefined ? undefined : Number(options.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UsageError(`--limit must be a whole number above 0, not "${options.limit}".`);
  const db = await openExistingDb(ctx.config).catch((error: unknown) => {
    // The nightly job holds the database while it runs: say so rather than only "in use".
    const holder = readOwner(runLockPath(ctx.config.db));
    if (holder && error instanceof WorkError) throw new WorkError(`A refresh is running now (process ${holder.pid}, since ${holder.since}) and holds the database; run boardpack status again when it has finished.`);
    throw error;
  });
  try {
    if (!(await hasLedger(db))) throw new UsageError(`The database ${ctx.config.db} has nothing loaded yet; run boardpack ingest first.`);
    if (options.quarantine) {
      const rows = await readQuarantine(db, { dataset: options.dataset, limit: limit ?? (ctx.json ? undefined : 200) });
      if (ctx.json) ctx.out(JSON.stringify({ quarantine: rows }, null, 2));
      else if (rows.length === 0) ctx.out('No quarantined rows.');
      else {
        ctx.out(
          table(
            ['file', 'line', 'field', 'reason', 'value'],
            rows.map((r) => [displayValue(r.file_name, 40), String(r.line), r.field ?? '(row)', r.reason, displayValue(r.raw_value ?? r.detail ?? '')]),
          ),
        );
      }
      return 0;
    }
    const status = await readIngestStatus(db);
    const now = ctx.clock.now();
    const schedule = compileSchedule(ctx.config.schedule.cron, ctx.config.schedule.timezone);
    const nightly = {
      runs: await readRuns(db, 5),
      next_run: schedule.nextAfter(now).toISOString(),
      schedule: ctx.config.schedule,
      freshness: await readFreshness(db, londonDate(now), ctx.config.dataQuality.maxAgeDays),
      max_age_days: ctx.config.dataQuality.maxAgeDays,
    };
    ctx.out(ctx.json ? JSON.stringify({ database: ctx.config.db, ...status, ...nightly }, null, 2) : `${describeStatus(status, ctx.config.db)}\n\n${describeNightly(nightly)}`);
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
        String(f.load_id),
        displayValue(f.file_name, 40),
        f.dataset,
        formatCount(f.rows_read),
        formatCount(f.rows_loaded),
        formatCount(f.rows_quarantined),
        formatCount(f.rows_excluded),
        formatCount(f.rows_duplicate),
        f.loaded_at,
        f.sha256.slice(0, 12),
      ]),
    ),
  );
  lines.push(
    '',
    `Current records: ${Object.entries(status.records)
      .map(([d, n]) => `${d} ${formatCount(n)}`)
      .join(', ')}`,
  );
  lines.push('', status.quarantine.length === 0 ? 'Quarantine: empty.' : 'Quarantine by reason (boardpack status --quarantine lists the rows):');
  if (status.quarantine.length) {
    lines.push(
      table(
        ['dataset', 'reason', 'problems', 'files'],
        status.quarantine.map((q) => [q.dataset, q.reason, formatCount(q.rows), String(q.files)]),
      ),
    );
  }
  lines.push('', status.warnings.length === 0 ? 'Data-quality warnings: none.' : 'Data-quality warnings (loaded, worth a look):');
  if (status.warnings.length) {
    const what = { unknown_value: 'not a known value: recorded as Unknown', not_in_roster: 'not on the volunteer roster' };
    lines.push(
      table(
        ['dataset', 'field', 'value', 'rows', 'why'],
        status.warnings.map((w) => [w.dataset, w.field, displayValue(w.value, 30), formatCount(w.rows), what[w.kind]]),
      ),
    );
  }
  return lines.join('\n');
}

function describeNightly(n: { runs: RunRecord[]; next_run: string; schedule: { cron: string; timezone: string }; freshness: Freshness[]; max_age_days: number }): string {
  const lines = [n.runs.length === 0 ? 'Runs: none yet (boardpack refresh, or boardpack schedule).' : 'Last runs:'];
  if (n.runs.length) {
    lines.push(
      table(
        ['run', 'trigger', 'started', 'took', 'status', 'files', 'packs', 'error'],
        n.runs.map((r) => [
          String(r.run_id),
          r.trigger,
          r.started_at.slice(0, 19).replace('T', ' '),
          r.stages.total === undefined ? '' : `${(r.stages.total / 1000).toFixed(1)} s`,
          r.status.replaceAll('_', ' '),
          String(r.files.length),
          String(r.packs.length),
          displayValue(r.error ?? '', 60),
        ]),
      ),
    );
  }
  lines.push('', `Next scheduled run: ${n.next_run} ("${n.schedule.cron}", ${n.schedule.timezone}).`, '', `Freshness (stale after ${n.max_age_days} days):`);
  lines.push(
    table(
      ['dataset', 'newest record', 'latest file', 'loaded on', 'stale'],
      n.freshness.map((f) => [f.dataset, f.newest_record ?? '–', displayValue(f.latest_file ?? '–', 40), f.latest_loaded_on ?? '–', f.stale ? 'STALE' : 'ok']),
    ),
  );
  return lines.join('\n');
}
