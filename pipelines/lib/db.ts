import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { loadDuckdb } from './cjsPackages.ts';
import { UsageError, WorkError } from './errors.ts';

export type Params = DuckDBValue[] | Record<string, DuckDBValue>;
export type Row = Record<string, unknown>;

/** A DuckDB connection with the few operations the pipeline needs. */
export interface Db {
  readonly path: string;
  run(sql: string, params?: Params): Promise<void>;
  all<T = Row>(sql: string, params?: Params): Promise<T[]>;
  /** Runs `work` inside one transaction: all of it is committed, or none of it. */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Runs SQL that sets up the connection's session (temp views and macros: a pack's scope and
   * models), and the same on every reader, so a reader sees what this connection sees.
   */
  session(sql: string): Promise<void>;
  /**
   * A second connection to the database with this one's session, for read-only queries run beside
   * this connection's (a pack's metrics on both cores). Made on first use, closed with this one.
   */
  reader(): Promise<Reader>;
  close(): void;
  readonly connection: DuckDBConnection;
}

/** A connection that only reads, beside a Db's own (Db.reader). */
export type Reader = Pick<Db, 'path' | 'all' | 'connection'>;

/**
 * DuckDB's resource settings. Without a limit DuckDB may take 80 % of the machine's RAM;
 * with one it spills large sorts, joins and temp tables to `tempDirectory` instead, so a
 * ten-million-row export ingests in bounded memory beside other jobs.
 */
export interface DbSettings {
  /** DuckDB size text: '1GB', '512MB'. */
  memoryLimit: string;
  /** Worker threads; null for DuckDB's default (one per core). */
  threads: number | null;
  /** Where spilled data goes; null for DuckDB's default (`<database>.tmp` beside the file). */
  tempDirectory: string | null;
}

export const DEFAULT_DB_SETTINGS: DbSettings = { memoryLimit: '1GB', threads: null, tempDirectory: null };

/** Opens (creating if needed) the database file; `:memory:` gives a throwaway database. */
export async function createDb(path: string, settings: DbSettings = DEFAULT_DB_SETTINGS, whileOpening?: () => void): Promise<Db> {
  const location = path === ':memory:' ? path : resolve(path);
  if (location !== ':memory:') {
    try {
      mkdirSync(dirname(location), { recursive: true });
    } catch (error) {
      throw new UsageError(`Cannot create the folder for the database ${path} (${(error as NodeJS.ErrnoException).code}); pass a writable --db path.`);
    }
  }
  let instance: DuckDBInstance;
  try {
    const opening = (await loadDuckdb()).DuckDBInstance.create(location, instanceOptions(settings));
    // This thread only waits while DuckDB opens the file: the caller's own set-up can run meanwhile.
    whileOpening?.();
    instance = await opening;
  } catch (error) {
    throw describeOpenError(path, error);
  }
  const connection = await instance.connect();
  // Police data: the database file is its owner's only, whatever the umask.
  if (location !== ':memory:' && existsSync(location)) chmodSync(location, 0o600);
  let inTransaction = false;
  // Every session statement, in order, so a reader made later repeats them all.
  const sessionLog: string[] = [];
  let reader: Promise<{ connection: DuckDBConnection; at: number }> | null = null;
  let readerConnection: DuckDBConnection | null = null;
  // One catch-up at a time, so the reader runs the session's statements in their order.
  let caughtUp: Promise<void> = Promise.resolve();
  const catchUp = (r: { connection: DuckDBConnection; at: number }) => {
    caughtUp = caughtUp.then(async () => {
      while (r.at < sessionLog.length) await r.connection.run(sessionLog[r.at++]!);
    });
    return caughtUp;
  };

  const db: Db = {
    path: location,
    connection,
    async run(sql, params) {
      await connection.run(sql, params);
    },
    async all<T>(sql: string, params?: Params) {
      const reader = await connection.runAndReadAll(sql, params);
      return reader.getRowObjectsJS() as T[];
    },
    async transaction<T>(work: () => Promise<T>) {
      if (inTransaction) throw new Error('Nested transactions are not supported.');
      inTransaction = true;
      await connection.run('begin transaction');
      try {
        const result = await work();
        await connection.run('commit');
        return result;
      } catch (error) {
        await connection.run('rollback').catch(() => {});
        throw error;
      } finally {
        inTransaction = false;
      }
    },
    async session(sql) {
      await connection.run(sql);
      sessionLog.push(sql);
      if (reader) await catchUp(await reader);
    },
    async reader() {
      reader ??= instance.connect().then((c) => {
        readerConnection = c;
        return { connection: c, at: 0 };
      });
      const r = await reader;
      await catchUp(r);
      return {
        path: location,
        connection: r.connection,
        async all<T>(sql: string, params?: Params) {
          return (await r.connection.runAndReadAll(sql, params)).getRowObjectsJS() as T[];
        },
      };
    },
    close() {
      readerConnection?.closeSync();
      connection.closeSync();
      instance.closeSync();
    },
  };
  return db;
}

function instanceOptions(settings: DbSettings): Record<string, string> {
  const options: Record<string, string> = { memory_limit: settings.memoryLimit };
  if (settings.threads !== null) options.threads = String(settings.threads);
  if (settings.tempDirectory !== null) options.temp_directory = settings.tempDirectory;
  return options;
}

function describeOpenError(path: string, error: unknown): Error {
  const text = error instanceof Error ? error.message : String(error);
  // Checked first: DuckDB's corruption message names a "block", which a loose /lock/ would take for a lock.
  if (CORRUPT.test(text)) return corruptDatabase(path);
  if (/Could not set lock|Conflicting lock/i.test(text)) {
    return new WorkError(`The database ${path} is in use by another boardpack process; wait for it to finish and try again.`);
  }
  if (/permission denied|read-only/i.test(text)) {
    return new UsageError(`Cannot write the database ${path}: permission denied; pass a writable --db path.`);
  }
  if (/No space left on device/i.test(text)) return new WorkError(`The disk holding the database ${path} is full; free some space and run the command again.`);
  if (/not a valid DuckDB database|invalid database|Unrecognized file/i.test(text)) {
    return new UsageError(`${path} is not a boardpack (DuckDB) database; pass a different --db path.`);
  }
  return new UsageError(`Cannot open the database ${path}: ${firstLine(text)}; check the --db path.`);
}

/** DuckDB's words for a database file whose blocks no longer match their checksums. */
export const CORRUPT = /Corrupt database file|checksum .* does not match/i;

export function corruptDatabase(path: string): WorkError {
  return new WorkError(`The database ${path} is damaged (a block no longer matches its checksum); restore it from backup or rebuild it from the archive, then run the command again.`);
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? text).replace(/\.$/, '');
}

/**
 * Names a stored table by its catalog, past any temp view of the same name (a pinned
 * snapshot shadows the tables with such views).
 */
export async function storedTables(db: Db): Promise<(table: string) => string> {
  const [{ name }] = (await db.all<{ name: string }>('select current_database() as name')) as [{ name: string }];
  return (table) => `${ident(name)}.main.${ident(table)}`;
}

/**
 * The number of rows in each table, in the order given, from one statement: each statement of a
 * command costs milliseconds (a status, the pack's Parquet exports).
 */
export async function countRows(db: Pick<Db, 'all'>, tables: readonly string[]): Promise<number[]> {
  const rows = await db.all<{ n: number }>(`${tables.map((table, i) => `select ${i} as i, count(*)::integer as n from ${ident(table)}`).join(' union all ')} order by i`);
  return rows.map((r) => r.n);
}

/**
 * Writes what the write-ahead log holds into the database file now, so that closing the database
 * (which does the same) has little left to do; true when written. Skipped (false) when DuckDB
 * refuses because another transaction is changing rows or tables: a later checkpoint or the close
 * writes it then. Any other failure (a full disk) is thrown.
 */
export async function checkpoint(db: Pick<Db, 'all'>): Promise<boolean> {
  try {
    await db.all('checkpoint');
    return true;
  } catch (error) {
    if (!/Cannot CHECKPOINT/i.test(String((error as Error).message))) throw error;
    return false;
  }
}

/** Quotes an identifier for SQL (column names come from contracts, never from exports). */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal for SQL built from trusted configuration (contracts, reference data). */
export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
