import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { main } from '../pipelines/cli.ts';
import { systemClock } from '../pipelines/lib/clock.ts';

// The command as an analyst runs it: exit codes and one-sentence messages of docs/interface.md.
// In-process through main(), as bin/boardpack.js runs it; a few cases run the real
// command as a process, to hold the exit code and the streams of bin/boardpack.js itself.

const run = promisify(execFile);
const BIN = resolve('bin/boardpack.js');
let dir: string;

type Result = { code: number; stdout: string; stderr: string };

async function boardpack(...args: string[]): Promise<Result> {
  return boardpackWith({}, ...args);
}

/** main() with the environment variables given set for the call, and put back after it. */
async function boardpackWith(env: Record<string, string>, ...args: string[]): Promise<Result> {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  let stdout = '';
  let stderr = '';
  try {
    const code = await main(['--db', join(dir, 'db.duckdb'), ...args], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), clock: systemClock, cwd: dir });
    return { code, stdout, stderr };
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** bin/boardpack.js as a process. */
async function boardpackProcess(...args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, '--db', join(dir, 'db.duckdb'), ...args], { cwd: dir, env: { ...process.env, TZ: 'Europe/London' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function expectOneSentence(stderr: string) {
  expect(stderr).toMatch(/^boardpack: \S.*[.)]\n$/s);
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'boardpack-cli-'));
  writeFileSync(join(dir, 'empty.csv'), '');
  writeFileSync(join(dir, 'header-only.csv'), 'Crime Reference,Date Reported,NFIB Code,Victim Type\r\n');
  writeFileSync(join(dir, 'binary.csv'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0xff, 0x00]));
  writeFileSync(join(dir, 'good.csv'), 'Crime Reference,Date Reported,NFIB Code,Victim Type\r\nC1,01/10/2025,NFIB52A,Individual\r\n');
  writeFileSync(join(dir, 'a-file'), 'not a folder');
  mkdirSync(join(dir, 'no-csvs'));
  writeFileSync(join(dir, 'no-csvs', 'notes.txt'), 'hello');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bad input and bad use', () => {
  it.each([
    ['an empty file', ['ingest', 'empty.csv'], 1, 'boardpack: empty.csv is empty (0 bytes); export the data again.\n'],
    ['a header-only file', ['ingest', 'header-only.csv'], 1, 'boardpack: header-only.csv has a header but no data rows; nothing was loaded: check the export is not empty.\n'],
    ['a binary file', ['ingest', 'binary.csv'], 1, 'boardpack: binary.csv is not a CSV text file (it holds binary data); export the sheet as CSV and try again.\n'],
    ['a folder without CSVs', ['ingest', 'no-csvs'], 2, 'boardpack: The folder no-csvs holds no .csv files; pass a folder of CSV exports or the files themselves.\n'],
    ['a missing path', ['ingest', 'nowhere.csv'], 2, 'boardpack: nowhere.csv does not exist; check the path and try again.\n'],
    ['an unknown --dataset', ['ingest', '--dataset', 'crimes', 'good.csv'], 2, 'boardpack: Unknown dataset "crimes"; use one of: incidents, volunteers, volunteer_hours, training, actions.\n'],
    ['an unknown command', ['ingset', 'good.csv'], 2, null],
    ['an unknown option', ['ingest', '--datset', 'x', 'good.csv'], 2, null],
  ])('%s: one clear sentence and the documented exit code', async (_what, args, code, message) => {
    const result = await boardpack(...(args as string[]));
    expect(result.code).toBe(code);
    expectOneSentence(result.stderr);
    if (message) expect(result.stderr).toBe(message);
  });

  it('an unwritable database path: exit 2, one sentence', async () => {
    const result = await boardpack('--db', join(dir, 'a-file', 'db.duckdb'), 'ingest', 'good.csv');
    expect(result.code).toBe(2);
    expectOneSentence(result.stderr);
    expect(result.stderr).toMatch(/^boardpack: Cannot create the folder for the database .*a-file\/db\.duckdb \(\w+\); pass a writable --db path\.\n$/);
  });

  it('status without a database: exit 2, and no database is created', async () => {
    const result = await boardpack('--db', join(dir, 'none.duckdb'), 'status');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`boardpack: There is no database at ${join(dir, 'none.duckdb')} yet; run boardpack ingest first, or pass the right --db.\n`);
  });

  it('a missing --config file: exit 2', async () => {
    const result = await boardpack('--config', 'nope.json', 'status');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('boardpack: The configuration file nope.json does not exist; pass an existing --config path or omit it to use the defaults.\n');
  });
});

describe('ingest and status', () => {
  it('prints the ingest --json report shape of docs/interface.md; a rejected file makes exit 1 while the others load', async () => {
    const result = await boardpack('--json', 'ingest', 'good.csv', 'empty.csv');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { files: Record<string, unknown>[] };
    expect(report.files.map((f) => [f.file, f.dataset, f.status])).toEqual([
      ['good.csv', 'incidents', 'loaded'],
      ['empty.csv', null, 'rejected'],
    ]);
    expect(report.files[0]).toMatchObject({ rows_read: 1, rows_loaded: 1, rows_quarantined: 0, rows_excluded: 0, rows_duplicate: 0 });
    expect(report.files[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.files[0]).not.toHaveProperty('error');
    expect(report.files[1]!.error).toBe('empty.csv is empty (0 bytes); export the data again.');

    const again = await boardpack('--json', 'ingest', 'good.csv');
    expect(again.code).toBe(0);
    expect((JSON.parse(again.stdout) as { files: { status: string }[] }).files[0]!.status).toBe('already_loaded');

    const status = await boardpack('--json', 'status');
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout) as { files: { file_name: string; dataset: string; rows_loaded: number }[]; records: Record<string, number> };
    expect(parsed.files.map((f) => [f.file_name, f.dataset, f.rows_loaded])).toEqual([['good.csv', 'incidents', 1]]);
    expect(parsed.records.incidents).toBe(1);
  });
});

describe('build --pdf without a working Chromium', () => {
  it('a missing Chromium: exit 1, one sentence, and nothing built', async () => {
    const result = await boardpackWith({ BOARDPACK_CHROMIUM: join(dir, 'no-chromium') }, 'build', '--period', '2025-26-Q2', '--as-of', '2025-10-14', '--out', 'packs-missing', '--pdf');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`boardpack: Chromium was not found at ${join(dir, 'no-chromium')}; install it (apt-get install chromium) or set BOARDPACK_CHROMIUM to its path.\n`);
    expect(existsSync(join(dir, 'packs-missing'))).toBe(false);
  });

  it('a Chromium that will not start: exit 1, one sentence; the pack is written, the PDF is not', async () => {
    // Q3: the one crime loaded (1 October 2025) is in it; a period with no data at all is refused before the PDF.
    const result = await boardpackWith({ BOARDPACK_CHROMIUM: '/bin/false' }, 'build', '--period', '2025-26-Q3', '--as-of', '2025-10-14', '--out', 'packs-false', '--pdf');
    expect(result.code).toBe(1);
    // The build's own warnings about the one-row database come first; the failure is the last line.
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(/^boardpack: Chromium at \/bin\/false could not be started \(.+\); check that "\/bin\/false --headless --version" runs\.$/);
    expect(result.stdout).toMatch(/^Pack written: /);
    expect(readdirSync(join(dir, 'packs-false', '2025-26-Q3-board')).filter((f) => f.includes('pdf'))).toEqual([]);
  });
});

describe('bin/boardpack.js as a process', () => {
  it('a rejected file: exit 1, the one sentence on stderr, the summary on stdout', async () => {
    const result = await boardpackProcess('ingest', 'empty.csv');
    expect(result).toEqual({
      code: 1,
      stdout: `✗ empty.csv: rejected (the reason is on stderr).\n\n1 file: 0 loaded, 0 already loaded, 1 rejected. Database: ${join(dir, 'db.duckdb')}\n`,
      stderr: 'boardpack: empty.csv is empty (0 bytes); export the data again.\n',
    });
  });

  it('bad usage: exit 2, one sentence on stderr and nothing on stdout', async () => {
    expect(await boardpackProcess('ingest', '--datset', 'x', 'good.csv')).toEqual({ code: 2, stdout: '', stderr: "boardpack: Unknown option '--datset' (did you mean --dataset?); see boardpack ingest --help.\n" });
  });

  it('--help: exit 0, and the commands on stdout', async () => {
    const result = await boardpackProcess('--help');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Usage: boardpack \[options\] \[command\]\n/);
    for (const command of ['ingest', 'build', 'refresh', 'schedule', 'status', 'verify', 'export', 'cite']) expect(result.stdout).toContain(`\n  ${command} `);
  });
});
