import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataType, Vector } from 'apache-arrow';
import type { Db } from '../lib/db.ts';
import { countRows, ident, literal } from '../lib/db.ts';
import { sha256File } from '../lib/hashing.ts';
import type { MetricResult } from '../metrics/runMetrics.ts';

/**
 * Exports beside a pack for analysts: every metric result, breakdown and monthly series
 * as CSV (RFC 4180, UTF-8 with BOM for Excel, text cells that Excel would read as a
 * formula neutralised) and as Apache Arrow IPC; in the board edition also the curated
 * tables as Parquet. Each is listed in the manifest with its SHA-256.
 */

export interface ExportedFile {
  file: string;
  format: 'csv' | 'arrow' | 'parquet';
  rows: number;
  sha256: string;
}

type Cell = string | number | boolean | null;
type Rows = Record<string, Cell>[];

const CURATED = ['incidents', 'volunteers', 'volunteer_hours', 'training', 'actions'];

/** A text cell that starts like a formula (= + - @, or a tab or CR before one) gets a leading apostrophe. */
export function neutralise(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function csvCell(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = neutralise(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(columns: string[], rows: Rows): string {
  const lines = [columns.join(','), ...rows.map((row) => columns.map((c) => csvCell(row[c] ?? null)).join(','))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/**
 * Plain Utf8, Date32 (days), Float64 and Bool columns: the same rows always give the same bytes
 * (tableFromArrays would dictionary-encode text with ids from a process-wide counter). Figures
 * stay Float64: each column holds every metric's unit (counts, percentages, hours, pounds) side
 * by side, so none holds money only and none is a decimal.
 */
function toArrow(arrow: typeof import('apache-arrow'), columns: string[], rows: Rows): Uint8Array {
  const { Bool, DateDay, Float64, Table, Utf8, tableToIPC, vectorFromArray } = arrow;
  const vectors: Record<string, Vector> = {};
  for (const c of columns) {
    const kind = arrowKind(c);
    const type = kind === 'text' ? new Utf8() : kind === 'date' ? new DateDay() : kind === 'flag' ? new Bool() : new Float64();
    const values = rows.map((r) => r[c] ?? null);
    vectors[c] = vectorFromArray(kind === 'date' ? values.map(dayMillis) : values, type as DataType);
  }
  return tableToIPC(new Table(vectors), 'file');
}

/** Columns of text and of dates; `suppressed` is a flag; the rest are numbers. */
const TEXT = new Set(['metric_id', 'title', 'unit', 'rag', 'key', 'period']);
const DATES = new Set(['start', 'end']);
const arrowKind = (column: string): 'text' | 'date' | 'flag' | 'number' => (TEXT.has(column) ? 'text' : DATES.has(column) ? 'date' : column === 'suppressed' ? 'flag' : 'number');

/** A calendar date (YYYY-MM-DD) as the UTC midnight Arrow's day type is built from. */
function dayMillis(value: Cell): number | null {
  if (value === null) return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(value));
  if (!match) throw new Error(`Export date "${String(value)}" is not YYYY-MM-DD.`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}

function metricRows(metrics: MetricResult[]) {
  const results: Rows = metrics.map((m) => ({
    metric_id: m.id,
    title: m.title,
    unit: m.unit,
    value: m.value,
    previous: m.previous,
    year_ago: m.year_ago,
    change: m.change,
    change_pct: m.change_pct,
    target: m.target,
    rag: m.rag,
    suppressed: m.suppressed,
  }));
  const breakdowns: Rows = metrics.flatMap((m) => (m.breakdown ?? []).map((r) => ({ metric_id: m.id, key: r.key, value: r.value, previous: r.previous, year_ago: r.year_ago })));
  const series: Rows = metrics.flatMap((m) => (m.series ?? []).map((p) => ({ metric_id: m.id, period: p.period, start: p.start, end: p.end, value: p.value })));
  return [
    { name: 'metrics', columns: ['metric_id', 'title', 'unit', 'value', 'previous', 'year_ago', 'change', 'change_pct', 'target', 'rag', 'suppressed'], rows: results },
    { name: 'breakdowns', columns: ['metric_id', 'key', 'value', 'previous', 'year_ago'], rows: breakdowns },
    { name: 'series', columns: ['metric_id', 'period', 'start', 'end', 'value'], rows: series },
  ];
}

/** Starts loading Arrow without waiting for it (a refresh calls it while DuckDB checks the exports; see preloadCharts). */
export function preloadExports(): void {
  import('apache-arrow').catch(() => undefined);
}

/**
 * Writes the exports into `dir` (the pack's temp folder) and lists them. `keys` (each
 * dataset's key field) orders the Parquet tables by force and key: the same order as
 * `order by all`, since a force holds one current row per key, but a sort on two columns,
 * not every column (seconds at a million rows).
 */
export async function writeExports(db: Db, dir: string, metrics: MetricResult[], edition: 'board' | 'public', keys: Record<string, string> = {}): Promise<ExportedFile[]> {
  const files: ExportedFile[] = [];
  const record = (file: string, format: ExportedFile['format'], rows: number) => files.push({ file, format, rows, sha256: sha256File(join(dir, file)) });
  // Loaded on first use: a command that writes no pack (ingest, status) starts without Arrow.
  const arrow = await import('apache-arrow');
  for (const { name, columns, rows } of metricRows(metrics)) {
    writeFileSync(join(dir, `${name}.csv`), toCsv(columns, rows));
    record(`${name}.csv`, 'csv', rows.length);
    writeFileSync(join(dir, `${name}.arrow`), toArrow(arrow, columns, rows));
    record(`${name}.arrow`, 'arrow', rows.length);
  }
  // Row-level tables are for the board's analysts only: the public edition publishes controlled figures.
  // One statement for the copies and one for their counts: a build draws its charts meanwhile, and each
  // statement's result waits for the chart being drawn before the next can start.
  if (edition === 'board') {
    const order = (table: string) => (keys[table] ? `force, ${ident(keys[table])}` : 'all');
    await db.run(CURATED.map((table) => `copy (select * exclude (_load_id) from ${ident(table)} order by ${order(table)}) to ${literal(join(dir, `${table}.parquet`))} (format parquet)`).join(';\n'));
    const counts = await countRows(db, CURATED);
    for (const [i, table] of CURATED.entries()) record(`${table}.parquet`, 'parquet', counts[i]!);
  }
  return files;
}
