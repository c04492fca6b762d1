import { Command, CommanderError } from 'commander';
import type { BuildOptions } from './commands/build.ts';
import type { CiteOptions } from './commands/cite.ts';
import type { CommandContext } from './commands/context.ts';
import { systemClock, type Clock } from './lib/clock.ts';
import { loadConfig } from './lib/config.ts';
import { describeError, exitCodeOf } from './lib/errors.ts';
import { createJsonLogger, silentLogger } from './lib/logging.ts';
import { createProgressLine } from './commands/progress.ts';
import { withOwnerOnlyUmask } from './lib/ownerOnly.ts';
import { escapeControls } from './ingest/messages.ts';

/**
 * The `boardpack` command line (docs/interface.md). Exit codes: 0 success, 1 the work
 * failed or a file was rejected, 2 bad usage or configuration. Errors reach stderr
 * as one sentence, never a stack trace. Each command's code is imported when that command
 * runs: the bundle splits it into chunks, and `status` or `--help` compiles and runs only its own.
 */

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  clock: Clock;
  cwd: string;
  /** Ends `schedule` (default: SIGINT or SIGTERM). */
  stopSignal?: AbortSignal;
  /** Where a progress line for long ingests goes: a terminal (default: stderr when it is one). */
  progressStream?: { isTTY?: boolean; write(text: string): unknown };
  /** How to wait (a manual refresh waiting for files being copied in); default a timer. */
  sleep?: (ms: number) => Promise<void>;
}

const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  clock: systemClock,
  cwd: process.cwd(),
  progressStream: process.stderr,
};

interface GlobalOptions {
  db?: string;
  config?: string;
  json?: boolean;
  verbose?: boolean;
}

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let exitCode = 0;
  const program = new Command('boardpack')
    .description("Analytics and board packs for a police force's cyber crime board")
    .option('--db <path>', 'database file (default data/boardpack.duckdb)')
    .option('--config <path>', 'configuration file (default boardpack.config.json where present)')
    .option('--json', 'machine-readable output on stdout')
    .option('--verbose', 'log each step as JSON lines on stderr')
    .exitOverride()
    // writeErr carries the help printed for a bare `boardpack` (a usage error); commander's own error lines are
    // replaced by one sentence of ours (usageSentence).
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: () => {} })
    // Every command's help lists --db, --config, --json and --verbose too: they may be given after the command.
    .configureHelp({ showGlobalOptions: true })
    .showSuggestionAfterError(true);
  // The command being parsed, so an unknown option can point at that command's help.
  let commandName: string | undefined;
  program.hook('preSubcommand', (_program, subcommand) => {
    commandName = subcommand.name();
  });

  const context = (): CommandContext => {
    const globals = program.opts<GlobalOptions>();
    const config = loadConfig({ configPath: globals.config, db: globals.db, cwd: io.cwd });
    return {
      config,
      cwd: io.cwd,
      json: globals.json === true,
      clock: io.clock,
      logger: globals.verbose ? createJsonLogger((line) => io.stderr(line)) : silentLogger,
      out: (text) => io.stdout(text.endsWith('\n') ? text : `${text}\n`),
      // Messages may quote export text (a file name, a value): never more than one line, never a terminal escape.
      err: (text) => io.stderr(`boardpack: ${escapeControls(text)}\n`),
      progress: globals.json || globals.verbose ? undefined : createProgressLine(io.progressStream ?? { write: () => undefined }),
      ...(io.sleep ? { sleep: io.sleep } : {}),
    };
  };

  program
    .command('ingest')
    .description('ingest CSV exports (a folder means every .csv in it); the dataset is detected from the headers unless named')
    .argument('<paths...>', 'files or folders')
    .option('--dataset <name>', 'incidents, volunteers, volunteer_hours, training or actions')
    .option('--force <name>', "the force the files were delivered for (default: each file's Force column, else the configured force)")
    .action(async (paths: string[], options: { dataset?: string; force?: string }) => {
      const { runIngest } = await import('./commands/ingest.ts');
      exitCode = await runIngest(paths, options, context());
    });

  program
    .command('build')
    .description('build a pack for a period from what is loaded: manifest.json and index.html under --out')
    .option('--pack <name>', 'the pack definition to build, reports/packs/<name>.json (default board, or area with --area)')
    .option('--area <name>', 'an area pack: one local policing area of the force, e.g. Shropshire')
    .option('--period <period>', '2025-09, 2025-26-Q2, 2025-26, last-complete-month, last-complete-quarter, current-quarter, current-financial-year')
    .option('--as-of <date>', 'the date the data is complete to, yyyy-mm-dd, or extract for the date the loaded data runs to (default today in Europe/London)')
    .option('--edition <edition>', 'board (OFFICIAL-SENSITIVE, exact figures) or public', 'board')
    .option('--out <dir>', 'where pack folders go (default out/)')
    .option('--snapshot <id>', "rebuild from an earlier snapshot (the ID in a pack's manifest): its files, settings and queries")
    .option('--pdf', 'also print the pack to pack.pdf (A4) beside index.html, through Chromium')
    .option('--draft', 'a draft: written to out/drafts/ (or --out), marked on its cover, not an issued pack for later restatements')
    .option('--from-parquet <dir>', 'read the tables from the Parquet export --parquet wrote (one or several forces; a folder or s3:// prefix), not the database')
    .action(async (options: BuildOptions) => {
      const { runBuild } = await import('./commands/build.ts');
      exitCode = await runBuild(options, context());
    });

  program
    .command('cite')
    .description('print a letter-ready citation of one figure of a built pack (the public edition unless --edition board)')
    .argument('<id>', 'a citation ID such as WM-2025-26-Q2-INC-05 (it names the period), or a metric ID such as INC-05 with --period')
    .option('--period <period>', "the pack's period, when ID is a metric ID")
    .option('--edition <edition>', 'public (default) or board (OFFICIAL-SENSITIVE)')
    .option('--format <format>', 'text (default), markdown or json')
    .option('--as-of <date>', 'resolves a relative period (default today in Europe/London)')
    .option('--out <dir>', 'where pack folders are (default out/)')
    .action(async (id: string, options: CiteOptions) => {
      const { runCite } = await import('./commands/cite.ts');
      exitCode = await runCite(id, options, context());
    });

  program
    .command('refresh')
    .description('the nightly job: ingest what is new in the inbox, build the configured packs, record the run')
    .action(async () => {
      const { runRefreshCommand } = await import('./commands/refresh.ts');
      exitCode = await runRefreshCommand(context());
    });

  program
    .command('schedule')
    .description('run the nightly job on its cron schedule until stopped (SIGINT or SIGTERM)')
    .action(async () => {
      const { runScheduleCommand } = await import('./commands/refresh.ts');
      exitCode = await runScheduleCommand(context(), io.stopSignal ?? processStopSignal());
    });

  program
    .command('verify')
    .description('recompute every figure of a built pack from the archived exports in a fresh database; exit 1 on any mismatch or missing or altered file')
    .argument('<packdir>', 'a pack folder, e.g. out/2025-26-Q2-board')
    .option('--originals', 'also decrypt each archived original and check it is the export the pack names (needs the archive key)')
    .action(async (packDir: string, options: { originals?: boolean }) => {
      const { runVerify } = await import('./commands/verify.ts');
      exitCode = await runVerify(packDir, context(), { originals: options.originals === true });
    });

  program
    .command('export')
    .description('write the curated tables as Hive-partitioned Parquet (force=, year=) for DuckDB, Spark or Trino')
    .option('--parquet <dir>', 'the folder to write (replaced whole if it holds an earlier export)')
    .action(async (options: { parquet?: string }) => {
      const { runExport } = await import('./commands/export.ts');
      exitCode = await runExport(options, context());
    });

  program
    .command('status')
    .description('what is loaded, from which files, when; the quarantine by reason')
    .option('--quarantine', 'list the quarantined rows, to fix at source')
    .option('--dataset <name>', 'with --quarantine: only this dataset')
    .option('--limit <n>', 'with --quarantine: at most n rows (default 200; all with --json)')
    .action(async (options: { quarantine?: boolean; dataset?: string; limit?: string }) => {
      const { runStatus } = await import('./commands/status.ts');
      exitCode = await runStatus(options, context());
    });

  program
    .command('quarantine')
    .description('list the quarantined rows (same as status --quarantine)')
    .option('--dataset <name>', 'only this dataset')
    .option('--limit <n>', 'at most n rows (default 200; all with --json)')
    .action(async (options: { dataset?: string; limit?: string }) => {
      const { runStatus } = await import('./commands/status.ts');
      exitCode = await runStatus({ ...options, quarantine: true }, context());
    });

  const restoreUmask = withOwnerOnlyUmask();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) return 0;
      // No command at all: the help has been printed to stderr; it is still bad usage.
      if (error.code === 'commander.help') return 2;
      io.stderr(`boardpack: ${usageSentence(error, commandName)}\n`);
      return 2;
    }
    io.stderr(`boardpack: ${escapeControls(describeError(error))}\n`);
    return exitCodeOf(error);
  } finally {
    restoreUmask();
  }
}

/** Aborted by the first SIGINT or SIGTERM, which then no longer kill the process: the scheduler stops cleanly. */
function processStopSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return controller.signal;
}

/**
 * Commander's message as one sentence: its "(Did you mean build?)" line is kept, inside the sentence,
 * and the help named is the command's own when the mistake was in a command's options.
 */
export function usageSentence(error: CommanderError, commandName?: string): string {
  const [first = '', ...rest] = error.message
    .replace(/^error: /, '')
    .split('\n')
    .map((line) => line.trim());
  const suggestion = rest.map((line) => /^\(Did you mean (.+)\?\)$/.exec(line)?.[1]).find((s) => s !== undefined);
  const text = first.replace(/\.$/, '');
  const hint = suggestion ? ` (did you mean ${suggestion}?)` : '';
  const help = commandName && error.code !== 'commander.unknownCommand' ? `boardpack ${commandName} --help` : 'boardpack --help';
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}${hint}; see ${help}.`;
}
