import { prepareLondonDates, type Clock } from '../lib/clock.ts';
import type { Config } from '../lib/config.ts';
import { createDb, type Db } from '../lib/db.ts';
import { existsSync } from 'node:fs';
import { UsageError } from '../lib/errors.ts';
import type { Logger } from '../lib/logging.ts';
import type { IngestProgress } from '../ingest/ingestFiles.ts';

/** Everything a command needs from outside: passed in, so commands test without touching globals. */
export interface CommandContext {
  config: Config;
  /** The folder relative paths on the command line are read from. */
  cwd: string;
  json: boolean;
  clock: Clock;
  logger: Logger;
  out(text: string): void;
  /** One sentence per problem, on stderr. */
  err(text: string): void;
  /** Progress of long ingests (a terminal line), when there is somewhere to show it. */
  progress?: (p: IngestProgress) => void;
  /** Waits (a manual refresh waiting for files still being copied in); tests pass one that returns at once. */
  sleep?: (ms: number) => Promise<void>;
}

export async function openDb(config: Config): Promise<Db> {
  return createDb(config.db, config.duckdb, prepareLondonDates);
}

/** Opens an existing database only: reading status must not create an empty one. */
export async function openExistingDb(config: Config): Promise<Db> {
  if (!existsSync(config.db)) throw new UsageError(`There is no database at ${config.db} yet; run boardpack ingest first, or pass the right --db.`);
  return createDb(config.db, config.duckdb, prepareLondonDates);
}
