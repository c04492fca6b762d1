import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { packageRoot } from './paths.ts';
import type { DbSettings } from './db.ts';
import { UsageError } from './errors.ts';
import { forceCodeSetting, markingsSetting, regionSetting, stringSetting, type Markings, type RegionSetting } from './forceSettings.ts';

export { DEFAULT_MARKINGS, knownForces, type Markings, type RegionSetting } from './forceSettings.ts';
import { policySetting, type Policy } from './publicationPolicy.ts';
import { checkAgainstSchema } from './schemas.ts';

export { packageRoot } from './paths.ts';

export interface PackSetting {
  period: string;
  edition: 'board' | 'public';
  /** The pack definition, reports/packs/<pack>.json. */
  pack: string;
  /** Print pack.pdf at every build of this pack (by build and refresh). */
  pdf?: boolean;
  /** An area pack's local policing area; `*` builds one pack per area of the areas reference list. */
  area?: string;
}

/** Every setting of boardpack.config.json (docs/interface.md), resolved to absolute paths and defaults. */
export interface Config {
  configPath: string | null;
  force: string;
  /** Short force code for citation IDs (default: the force's initials, "WM"). */
  forceCode: string;
  /** The region the force belongs to, for the regional pack; null: one force only. */
  region: RegionSetting | null;
  db: string;
  inbox: string;
  out: string;
  /** Content-addressed store of exports: canonical copies and encrypted originals (docs/data-protection.md). */
  archive: string;
  /** The key that encrypts archived originals; kept outside the data folder (BOARDPACK_ARCHIVE_KEY overrides it). */
  archiveKeyFile: string;
  /** Years encrypted originals are kept after their load; null (the default) keeps them. */
  archiveRetentionYears: number | null;
  schedule: { cron: string; timezone: string };
  packs: PackSetting[];
  ingest: { maxQuarantineShare: number };
  /** Extra header aliases per dataset and field, on top of the shipped contracts. */
  aliases: Record<string, Record<string, string[]>>;
  contractsDir: string;
  referenceDir: string;
  /** Models, metrics, checks and macros. */
  queriesDir: string;
  /** Chart specs (charts/), templates and styles. */
  reportsDir: string;
  /** Pack definitions (<reportsDir>/packs). */
  packsDir: string;
  /**
   * Per-metric targets and tolerances, with who set them and when: the force's entry in the shipped
   * `queries/targets.json`, then boardpack.config.json's "targets" on top ({"INC-05": {"target": 90,
   * "tolerance": 10, "set_by": "...", "set_on": "2025-12-30"}}). Metric code holds none (issue 13).
   */
  targets: Record<string, TargetSetting>;
  dataQuality: { maxAgeDays: number };
  /** The public edition's publication policy: thresholds, method, periods and metrics (lib/publicationPolicy.ts). */
  disclosure: Policy;
  /** A file in the inbox is taken once unchanged this long (it may still be being copied in). */
  inboxSettleSeconds: number;
  /** A command that receives each refresh's run record as JSON on stdin (to send an email, say). */
  notify: { command: string | null; on: 'failure' | 'always' };
  /** DuckDB's memory limit, threads and spill folder (BOARDPACK_MEMORY_LIMIT, BOARDPACK_THREADS override the file). */
  duckdb: DbSettings;
  /** Where each edition's pack folders are published (`publish_url`), for the links in citations; null: a link within the pack. */
  publishUrl: { board: string | null; public: string | null };
  /** Board content (issue 13): which action sources the public edition lists. */
  actions: { publicSources: string[] };
  /** Analysts' commentary, one Markdown file per period (issue 13). */
  commentaryDir: string;
  /** Statistical process control: months before the period that set the mean and limits (12-24). */
  spc: { baselineMonths: number };
  /** The security marking each edition carries on its cover, page tops and feet, and in citations. */
  markings: Markings;
}

export interface TargetSetting {
  target?: number | null;
  tolerance?: number | null;
  /** Who set the target (the board, a meeting), in words. */
  set_by?: string | null;
  /** When, yyyy-mm-dd, or null when not recorded. */
  set_on?: string | null;
}

export const DEFAULT_CONFIG_FILE = 'boardpack.config.json';

/**
 * Reads the configuration file (an explicit path must exist; the default is optional)
 * and applies command-line overrides. Relative paths are relative to the file.
 */
export function loadConfig(options: { configPath?: string; cwd?: string; db?: string; env?: Record<string, string | undefined> } = {}): Config {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const explicit = options.configPath !== undefined;
  const path = resolve(cwd, options.configPath ?? DEFAULT_CONFIG_FILE);
  let raw: Record<string, unknown> = {};
  if (existsSync(path)) raw = readJsonObject(path);
  else if (explicit) throw new UsageError(`The configuration file ${options.configPath} does not exist; pass an existing --config path or omit it to use the defaults.`);
  const base = existsSync(path) ? dirname(path) : cwd;
  const at = (value: unknown, key: string, fallback: string) => resolve(base, stringSetting(value, key) ?? fallback);

  const db = options.db !== undefined ? resolve(cwd, options.db) : at(raw.db, 'db', 'data/boardpack.duckdb');
  const archiveSetting = stringSetting(raw.archive, 'archive');
  const reportsDir = resolvePackaged(base, stringSetting(raw.reports_dir, 'reports_dir'), 'reports');
  const config: Config = {
    configPath: existsSync(path) ? path : null,
    force: stringSetting(raw.force, 'force') ?? 'West Mercia',
    forceCode: forceCodeSetting(raw.force_code, stringSetting(raw.force, 'force') ?? 'West Mercia'),
    region: regionSetting(raw.region),
    db,
    inbox: at(raw.inbox, 'inbox', 'inbox'),
    out: at(raw.out, 'out', 'out'),
    archive: archiveSetting !== undefined ? resolve(base, archiveSetting) : resolve(dirname(db), 'archive'),
    archiveKeyFile: at(raw.archive_key_file, 'archive_key_file', 'keys/archive.key'),
    archiveRetentionYears: retentionSetting(raw.archive_retention_years),
    schedule: scheduleSetting(raw.schedule),
    packs: packsSetting(raw.packs),
    ingest: { maxQuarantineShare: shareSetting(raw.ingest) },
    aliases: aliasesSetting(raw.aliases),
    contractsDir: resolvePackaged(base, stringSetting(raw.contracts_dir, 'contracts_dir'), 'queries/contracts'),
    referenceDir: resolvePackaged(base, stringSetting(raw.reference_dir, 'reference_dir'), 'queries/reference'),
    queriesDir: resolvePackaged(base, stringSetting(raw.queries_dir, 'queries_dir'), 'queries'),
    reportsDir,
    packsDir: resolve(reportsDir, 'packs'),
    targets: { ...shippedTargets(resolvePackaged(base, stringSetting(raw.queries_dir, 'queries_dir'), 'queries'), stringSetting(raw.force, 'force') ?? 'West Mercia'), ...targetsSetting(raw.targets) },
    dataQuality: { maxAgeDays: maxAgeSetting(raw.data_quality) },
    disclosure: policySetting(raw.disclosure),
    inboxSettleSeconds: settleSetting(raw.inbox_settle_seconds),
    notify: notifySetting(raw.notify),
    duckdb: duckdbSetting(raw.duckdb, env, base),
    publishUrl: publishUrlSetting(raw.publish_url),
    actions: actionsSetting(raw.actions),
    spc: spcSetting(raw.spc),
    markings: markingsSetting(raw.markings),
    commentaryDir: at(raw.commentary_dir, 'commentary_dir', 'commentary'),
  };
  // The checks above give the friendliest sentence for a known key; the schema then refuses
  // what they do not look at, above all a mistyped key that would silently fall back to a default.
  if (config.configPath !== null) checkAgainstSchema('config', raw, config.configPath);
  return config;
}

/** `{"baseline_months": 12}`: from 12 to 24 months, as Making Data Count advises. */
function spcSetting(value: unknown): Config['spc'] {
  const months = (value as Record<string, unknown> | undefined)?.baseline_months ?? 12;
  if (typeof months !== 'number' || !Number.isInteger(months) || months < 12 || months > 24) {
    throw new UsageError('Configuration "spc.baseline_months" must be a whole number of months from 12 to 24 (default 12).');
  }
  return { baselineMonths: months };
}

/** `{"board": "OFFICIAL-SENSITIVE", "public": "OFFICIAL"}`, each optional: a force's own words for the two markings. */
/** `{"public_sources": ["HMICFRS recommendation", ...]}`: the action sources the public edition lists. */
function actionsSetting(value: unknown): Config['actions'] {
  const fallback = ['HMICFRS recommendation', 'HMICFRS area for improvement', 'Strategy commitment'];
  const sources = (value as Record<string, unknown> | undefined)?.public_sources ?? fallback;
  if (!Array.isArray(sources) || !sources.every((s) => typeof s === 'string')) {
    throw new UsageError('Configuration "actions.public_sources" must be a list of action sources, e.g. ["HMICFRS recommendation", "Strategy commitment"].');
  }
  return { publicSources: sources as string[] };
}

function resolvePackaged(base: string, value: string | undefined, fallback: string): string {
  if (value === undefined) return resolve(packageRoot, fallback);
  return isAbsolute(value) ? value : resolve(base, value);
}

function readJsonObject(path: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`The configuration file ${path} is not valid JSON (${(error as Error).message}); fix it or pass another --config.`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError(`The configuration file ${path} must hold a JSON object; fix it or pass another --config.`);
  }
  return parsed as Record<string, unknown>;
}

function scheduleSetting(value: unknown): Config['schedule'] {
  const schedule = { cron: '30 2 * * *', timezone: 'Europe/London' };
  if (value === undefined) return schedule;
  if (typeof value !== 'object' || value === null) throw new UsageError('Configuration "schedule" must be an object like {"cron": "30 2 * * *", "timezone": "Europe/London"}.');
  const record = value as Record<string, unknown>;
  return {
    cron: stringSetting(record.cron, 'schedule.cron') ?? schedule.cron,
    timezone: stringSetting(record.timezone, 'schedule.timezone') ?? schedule.timezone,
  };
}

function packsSetting(value: unknown): PackSetting[] {
  // Both editions by default: a refresh that rebuilt only the board pack left the public one stale.
  if (value === undefined)
    return [
      { period: 'last-complete-quarter', edition: 'board', pack: 'board' },
      { period: 'last-complete-quarter', edition: 'public', pack: 'board' },
    ];
  if (!Array.isArray(value)) throw new UsageError('Configuration "packs" must be a list like [{"period": "last-complete-quarter", "edition": "board"}].');
  return value.map((entry, i) => {
    const record = (entry ?? {}) as Record<string, unknown>;
    const period = stringSetting(record.period, `packs[${i}].period`) ?? 'last-complete-quarter';
    const edition = record.edition ?? 'board';
    if (edition !== 'board' && edition !== 'public') throw new UsageError(`Configuration "packs[${i}].edition" must be "board" or "public".`);
    const area = stringSetting(record.area, `packs[${i}].area`);
    // An area entry builds the area pack definition unless it names another, as `build --area` does.
    const pack = stringSetting(record.pack, `packs[${i}].pack`) ?? (area !== undefined ? 'area' : 'board');
    if (record.pdf !== undefined && typeof record.pdf !== 'boolean') throw new UsageError(`Configuration "packs[${i}].pdf" must be true or false.`);
    return { period, edition, pack, ...(record.pdf === true ? { pdf: true } : {}), ...(area !== undefined ? { area } : {}) };
  });
}

function shareSetting(value: unknown): number {
  const share = (value as Record<string, unknown> | undefined)?.max_quarantine_share ?? 0.1;
  if (typeof share !== 'number' || !(share >= 0 && share <= 1)) {
    throw new UsageError('Configuration "ingest.max_quarantine_share" must be a number from 0 to 1 (default 0.1, i.e. 10 %).');
  }
  return share;
}

function targetsSetting(value: unknown, where = 'Configuration "targets"'): Config['targets'] {
  if (value === undefined) return {};
  const problem = new UsageError(`${where} must look like {"INC-05": {"target": 90, "tolerance": 10, "set_by": "Strategic Cyber Crime Board", "set_on": "2025-12-30"}} (numbers or null; words; a date or null).`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw problem;
  for (const setting of Object.values(value)) {
    if (typeof setting !== 'object' || setting === null) throw problem;
    for (const [key, v] of Object.entries(setting)) {
      if (['target', 'tolerance'].includes(key) && (v === null || typeof v === 'number')) continue;
      if (key === 'set_by' && (v === null || typeof v === 'string')) continue;
      if (key === 'set_on' && (v === null || (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)))) continue;
      throw problem;
    }
  }
  return value as Config['targets'];
}

/** The force's targets in the shipped (or configured) queries folder's targets.json: the board's, not the code's. */
function shippedTargets(queriesDir: string, force: string): Config['targets'] {
  const path = resolve(queriesDir, 'targets.json');
  if (!existsSync(path)) return {};
  const all = readJsonObject(path);
  return targetsSetting(all[force] ?? {}, `${path} for ${force}`);
}

function maxAgeSetting(value: unknown): number {
  const days = (value as Record<string, unknown> | undefined)?.max_age_days ?? 45;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 1) throw new UsageError('Configuration "data_quality.max_age_days" must be a whole number of days (default 45).');
  return days;
}

/** `{"memory_limit": "1GB", "threads": 2, "temp_directory": "data/tmp"}`, each optional; the environment wins, for one-off large runs. */
function duckdbSetting(value: unknown, env: Record<string, string | undefined>, base: string): DbSettings {
  if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new UsageError('Configuration "duckdb" must look like {"memory_limit": "1GB", "threads": 2, "temp_directory": "data/tmp"}.');
  }
  const record = (value ?? {}) as Record<string, unknown>;
  const memory = env.BOARDPACK_MEMORY_LIMIT ?? record.memory_limit ?? '1GB';
  if (typeof memory !== 'string' || !/^\s*\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$/i.test(memory)) {
    throw new UsageError(`DuckDB memory limit "${String(memory)}" is not a size; give it like "1GB" or "512MB" (duckdb.memory_limit or BOARDPACK_MEMORY_LIMIT).`);
  }
  const rawThreads = env.BOARDPACK_THREADS ?? record.threads ?? null;
  const threads = typeof rawThreads === 'string' && /^\d+$/.test(rawThreads) ? Number(rawThreads) : rawThreads;
  if (threads !== null && (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1)) {
    throw new UsageError(`DuckDB threads "${String(rawThreads)}" must be a whole number of 1 or more (duckdb.threads or BOARDPACK_THREADS).`);
  }
  const temp = stringSetting(record.temp_directory, 'duckdb.temp_directory');
  return { memoryLimit: memory.replace(/\s+/g, ''), threads, tempDirectory: temp === undefined ? null : resolve(base, temp) };
}

function aliasesSetting(value: unknown): Config['aliases'] {
  if (value === undefined) return {};
  const problem = new UsageError('Configuration "aliases" must look like {"incidents": {"crime_ref": ["Occurrence No"]}}.');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw problem;
  const result: Config['aliases'] = {};
  for (const [dataset, fields] of Object.entries(value)) {
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) throw problem;
    result[dataset] = {};
    for (const [field, names] of Object.entries(fields)) {
      if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) throw problem;
      result[dataset][field] = names as string[];
    }
  }
  return result;
}

function retentionSetting(value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new UsageError('Configuration "archive_retention_years" must be a whole number of years, 1 or more, or null to keep encrypted originals (the default).');
  }
  return value;
}

function settleSetting(value: unknown): number {
  if (value === undefined) return 5;
  if (typeof value !== 'number' || !(value >= 0)) throw new UsageError('Configuration "inbox_settle_seconds" must be a number of seconds, 0 or more (default 5).');
  return value;
}

function notifySetting(value: unknown): Config['notify'] {
  if (value === undefined) return { command: null, on: 'failure' };
  const record = (value ?? {}) as Record<string, unknown>;
  const on = record.on ?? 'failure';
  if (typeof value !== 'object' || (on !== 'failure' && on !== 'always')) {
    throw new UsageError('Configuration "notify" must look like {"command": "mail -s boardpack analysts@example.org", "on": "failure"} ("on": failure or always).');
  }
  return { command: stringSetting(record.command, 'notify.command') ?? null, on };
}

/** `"https://example.org/packs"` for every edition, or `{"public": "https://...", "board": "https://intranet/..."}`. */
function publishUrlSetting(value: unknown): Config['publishUrl'] {
  const problem = new UsageError('Configuration "publish_url" must be a web address (https://...) where pack folders are published, or {"public": "https://...", "board": "https://..."}.');
  const url = (v: unknown): string | null => {
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string' || !/^https?:\/\/[^\s]+$/.test(v)) throw problem;
    return v;
  };
  if (value === undefined || value === null) return { board: null, public: null };
  if (typeof value === 'string') return { board: url(value), public: url(value) };
  if (typeof value !== 'object' || Array.isArray(value) || Object.keys(value).some((k) => k !== 'board' && k !== 'public')) throw problem;
  const record = value as Record<string, unknown>;
  return { board: url(record.board), public: url(record.public) };
}
