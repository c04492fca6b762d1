import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from '../../pipelines/cli.ts';
import { systemClock } from '../../pipelines/lib/clock.ts';
import { createDb } from '../../pipelines/lib/db.ts';
import { DEFAULTS, generateExports } from '../../scripts/generate-exports.ts';

// The nightly job as real processes: `boardpack schedule` on a seconds-level cron, ended by
// SIGTERM; and `boardpack refresh` killed with SIGKILL in the middle of ingest and of build.

const BIN = resolve('bin/boardpack.js');
// Holds a process still right after a chosen line, so a kill lands at a known point (see the file).
const PAUSE_AT = pathToFileURL(resolve('tests/support/pauseAt.mjs')).href;
const SAMPLE = resolve('fixtures/sample');
let dir: string;

interface Child {
  process: ChildProcess;
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first stdout or stderr line matching. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

/** `boardpack args` as a process in `cwd`; with `pauseAt`, it stops for good after writing a line matching it. */
function start(args: string[], cwd: string, pauseAt?: RegExp): Child {
  const node = pauseAt ? ['--import', PAUSE_AT] : [];
  const env = pauseAt ? { ...process.env, BOARDPACK_TEST_PAUSE_AT: pauseAt.source } : process.env;
  const child = spawn(process.execPath, [...node, BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const take = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      lines.push(line);
      for (const w of [...waiters]) {
        if (!w.pattern.test(line)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('exit', (code, signal) => done({ code, signal })));
  return {
    process: child,
    lines,
    exited,
    waitFor(pattern, timeoutMs = 60_000) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolveLine, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; output:\n${lines.join('\n')}`)), timeoutMs);
        waiters.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            resolveLine(line);
          },
        });
      });
    },
  };
}

async function statusJson(cwd: string): Promise<{ runs: { status: string; trigger: string; files: unknown[] }[] }> {
  // The scheduler holds the database only while a run goes on: ask again until it is free.
  for (let attempt = 0; ; attempt++) {
    let stdout = '';
    let stderr = '';
    const code = await main(['--json', 'status'], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), clock: systemClock, cwd });
    if (code === 0) return JSON.parse(stdout);
    if (attempt > 40 || !/refresh is running|in use/.test(stderr)) throw new Error(stderr);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'boardpack-process-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('boardpack schedule', () => {
  it('runs on a seconds-level cron: exports copied into the inbox become a pack; status shows the run; SIGTERM ends it with exit 0', async () => {
    const home = join(dir, 'schedule');
    mkdirSync(join(home, 'inbox'), { recursive: true });
    // The board edition only: refresh.test.ts checks in-process that both editions are built by default.
    writeFileSync(join(home, 'boardpack.config.json'), JSON.stringify({ schedule: { cron: '* * * * * *', timezone: 'Europe/London' }, inbox_settle_seconds: 1, packs: [{ period: 'last-complete-quarter', edition: 'board' }] }));
    const scheduler = start(['--json', 'schedule'], home);
    await scheduler.waitFor(/"event":"schedule_started"/);
    // A second scheduler for the same database is refused.
    const second = start(['schedule'], home);
    expect((await second.exited).code).toBe(1);
    expect(second.lines.join('\n')).toMatch(/^boardpack: Another boardpack schedule is running \(process \d+ on .+, since .+\); wait for it to finish or stop it, then try again\.$/);

    // All five arrive settled at the same moment, so one run takes them all: each is copied aside,
    // dated 1 s ahead (ready 1 s after that) and moved in. Copied straight in, a slow copy on a busy
    // machine let a run start with the first files settled and the last still settling.
    const arrival = new Date(Date.now() + 1000);
    mkdirSync(join(home, 'arriving'));
    for (const name of readdirSync(SAMPLE).filter((f) => f.endsWith('.csv'))) {
      copyFileSync(join(SAMPLE, name), join(home, 'arriving', name));
      utimesSync(join(home, 'arriving', name), arrival, arrival);
    }
    for (const name of readdirSync(join(home, 'arriving'))) renameSync(join(home, 'arriving', name), join(home, 'inbox', name));
    const written = JSON.parse(await scheduler.waitFor(/"event":"pack_written"/, 90_000));
    await scheduler.waitFor(/"event":"run_finished".*"status":"succeeded"/);
    expect(existsSync(join(written.path, 'index.html'))).toBe(true);
    expect(JSON.parse(readFileSync(join(home, 'out', 'latest.json'), 'utf8')).packs).toEqual([written.pack]);
    expect(readdirSync(join(home, 'inbox', 'processed')).sort()).toEqual(['actions.csv', 'incidents.csv', 'training.csv', 'volunteer_hours.csv', 'volunteers.csv']);

    const status = await statusJson(home);
    const loaded = status.runs.find((r) => r.files.length === 5)!;
    expect(loaded).toMatchObject({ status: 'succeeded', trigger: 'schedule' });

    scheduler.process.kill('SIGTERM');
    expect(await scheduler.exited).toEqual({ code: 0, signal: null });
    expect(scheduler.lines.at(-1)).toMatch(/"event":"schedule_stopped"/);
    expect(existsSync(join(home, 'data', 'boardpack.duckdb.schedule.lock'))).toBe(false);
  });
});

describe('a refresh killed with SIGKILL', () => {
  let home: string;
  let packManifest: string;
  let big: string;

  beforeAll(async () => {
    home = join(dir, 'kill');
    mkdirSync(join(home, 'inbox'), { recursive: true });
    // The board edition only: the kills need one pack.
    writeFileSync(join(home, 'boardpack.config.json'), JSON.stringify({ inbox_settle_seconds: 0, packs: [{ period: 'last-complete-quarter', edition: 'board' }] }));
    for (const name of readdirSync(SAMPLE).filter((f) => f.endsWith('.csv'))) copyFileSync(join(SAMPLE, name), join(home, 'inbox', name));
    // Set-up, in-process: only the runs killed below need to be processes.
    expect(await main(['refresh'], { stdout: () => {}, stderr: () => {}, clock: systemClock, cwd: home })).toBe(0);
    const { packs } = JSON.parse(readFileSync(join(home, 'out', 'latest.json'), 'utf8')) as { packs: string[] };
    packManifest = join(home, 'out', packs[0]!, 'manifest.json');
    // A later export for each moment. The run is held still at the moment it is killed (start's
    // pauseAt), so the export need not be large enough for the kill to land midway by timing.
    big = join(dir, 'big');
    for (const seed of [7, 8]) {
      generateExports({ ...DEFAULTS, out: join(big, String(seed)), only: ['incidents'], incidents: 5_000, personal: false, seed, start: '2024-10-01', end: '2026-09-30' });
    }
  }, 120_000);

  async function consistent(): Promise<{ files: number; incidents: number; loaded: number; runs: string[] }> {
    const db = await createDb(join(home, 'data', 'boardpack.duckdb'));
    try {
      const [row] = await db.all<{ files: number; incidents: number; loaded: number }>(
        `select (select count(*) from ingested_files)::integer as files, (select count(*) from incidents)::integer as incidents,
           (select sum(rows_loaded - keys_replaced) from ingested_files where dataset = 'incidents')::integer as loaded`,
      );
      const runs = (await db.all<{ status: string }>('select status from runs order by run_id')).map((r) => r.status);
      return { ...row!, runs };
    } finally {
      db.close();
    }
  }

  for (const [moment, pattern, seed] of [
    ['ingest', /"stage":"read_and_check"/, 7],
    ['build', /"event":"pack_computed"/, 8],
  ] as const) {
    it(`in the middle of ${moment} leaves the database consistent and the previous pack intact; the next run succeeds`, async () => {
      const before = await consistent();
      const manifest = readFileSync(packManifest, 'utf8');
      copyFileSync(join(big, String(seed), 'incidents.csv'), join(home, 'inbox', `incidents-${moment}.csv`));
      const run = start(['--verbose', 'refresh'], home, pattern);
      await run.waitFor(pattern, 90_000);
      run.process.kill('SIGKILL');
      expect((await run.exited).signal).toBe('SIGKILL');

      const after = await consistent();
      // Killed in ingest: nothing of the file is in. Killed in build: the file is in, whole.
      expect(after.files).toBe(before.files + (moment === 'build' ? 1 : 0));
      expect(after.incidents).toBe(after.loaded);
      expect(after.runs.at(-1)).toBe('running');
      expect(readFileSync(packManifest, 'utf8')).toBe(manifest);

      // The next night's run, in-process: only the killed run needs to be a process.
      let said = '';
      const next = await main(['refresh'], { stdout: (t) => void (said += t), stderr: (t) => void (said += t), clock: systemClock, cwd: home });
      expect(next).toBe(0);
      expect(said).toContain('1 earlier run was cut off before finishing; marked interrupted.');
      const final = await consistent();
      expect(final.runs.slice(-2)).toEqual(['interrupted', 'succeeded']);
      expect(final.files).toBe(before.files + 1);
      expect(final.incidents).toBe(final.loaded);
      expect(readdirSync(join(home, 'out')).filter((f) => f.startsWith('.'))).toEqual([]);
      expect(readdirSync(join(home, 'data', 'archive', 'staging'))).toEqual([]);
    }, 180_000);
  }
});
