import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb } from '../../pipelines/lib/db.ts';
import { describeError } from '../../pipelines/lib/errors.ts';
import { expandPaths } from '../../pipelines/ingest/ingestFiles.ts';
import { listInbox } from '../../pipelines/schedule/inbox.ts';
import { sweepLeftovers } from '../../pipelines/archive/sweepLeftovers.ts';
import { reconcileLatest } from '../../pipelines/packs/latestPointer.ts';
import { ensureRunsTable, markInterrupted, readRuns, startRun } from '../../pipelines/schedule/runs.ts';
import { keepRunError, recordKeptRunErrors } from '../../pipelines/schedule/runErrors.ts';
import { main } from '../../pipelines/cli.ts';
import { fixedClock } from '../../pipelines/lib/clock.ts';
import { createTestEnv, csv } from '../support/env.ts';
import { sha256Text } from '../../pipelines/lib/hashing.ts';

// True reasons, regular files only, no leftovers (issue 16).

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'boardpack-faults-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('true reasons', () => {
  it('names a corrupt database as damaged, not as in use', async () => {
    const path = join(dir, 'corrupt.duckdb');
    const db = await createDb(path);
    await db.run('create table t as select range as x, range::varchar as y from range(100000)');
    await db.run('checkpoint');
    db.close();
    const bytes = readFileSync(path);
    bytes.fill(0x55, 20_000, 40_000);
    writeFileSync(path, bytes);
    await expect(createDb(path)).rejects.toThrow(`The database ${path} is damaged (a block no longer matches its checksum); restore it from backup or rebuild it from the archive, then run the command again.`);
  });

  it('names the path refused, a full disk and a read-only file system', () => {
    const denied = Object.assign(new Error("EACCES: permission denied, mkdir '/srv/out/.pack.tmp-1'"), { code: 'EACCES', path: '/srv/out/.pack.tmp-1' });
    expect(describeError(denied)).toBe("Permission denied on /srv/out/.pack.tmp-1; give boardpack's user write access there, or point the configuration at a writable folder.");
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', path: '/srv/data/archive/originals/ab/x.csv.enc.tmp-1' });
    expect(describeError(full)).toBe('The disk is full on /srv/data/archive/originals/ab/x.csv.enc.tmp-1; free some space and run the command again.');
    expect(describeError(new Error('IO Error: Could not write file "/srv/data/db.duckdb.wal": No space left on device'))).toBe('The disk is full; free some space and run the command again.');
    expect(describeError(Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS', path: '/mnt/out' }))).toBe('The file system is read-only on /mnt/out; point the configuration at a writable folder.');
  });

  it('shows raw values escaped and cut, on one line, and summarises long header lists', async () => {
    const env = await createTestEnv();
    try {
      const evil = '\u001b[31mRED\u001b[0m\nsecond line\rthird';
      const rows = Array.from({ length: 10 }, (_, i) => `C${i},"${evil}${'x'.repeat(60)}",NFIB52A,Individual`);
      const report = await env.ingestText('evil.csv', csv('Crime Reference,Date Reported,NFIB Code,Victim Type', ...rows));
      expect(report.status).toBe('rejected');
      expect(report.error).not.toMatch(/[\u0000-\u001f]/);
      expect(report.error).toContain('line 2 reported_on invalid_date "\\x1b[31mRED\\x1b[0m\\nsecond line\\rthird');
      expect(report.error).toContain('…"');
      const headers = Array.from({ length: 120 }, (_, i) => `Unknown heading number ${i}`);
      const wide = await env.ingestText('wide.csv', csv(headers.join(','), headers.map(() => 'x').join(',')));
      expect(wide.error).toBe(
        'wide.csv is not recognised as any dataset (headers found: Unknown heading number 0, Unknown heading number 1, Unknown heading number 2, Unknown heading number 3, Unknown heading number 4, Unknown heading number 5, Unknown heading number 6, Unknown heading number 7 and 112 more); name it with --dataset incidents|volunteers|volunteer_hours|training|actions or add aliases in boardpack.config.json.',
      );
    } finally {
      env.close();
    }
  });

  it('records a refresh that failed but could not record it, with its own error, not as interrupted', async () => {
    const path = join(dir, 'runs.duckdb');
    const db = await createDb(path);
    try {
      await ensureRunsTable(db);
      const runId = await startRun(db, 'schedule', new Date('2025-10-14T01:30:00Z'));
      keepRunError(path, runId, 'The disk is full on /srv/data/db.duckdb.wal; free some space and run the command again.');
      expect(await recordKeptRunErrors(db, path, new Date('2025-10-15T01:30:00Z'))).toBe(1);
      expect(await markInterrupted(db, new Date('2025-10-15T01:30:00Z'))).toBe(0);
      const [run] = await readRuns(db, 1);
      expect([run!.status, run!.error]).toEqual(['failed', 'The disk is full on /srv/data/db.duckdb.wal; free some space and run the command again.']);
      expect(existsSync(`${path}.run-${runId}.error.txt`)).toBe(false);
    } finally {
      db.close();
    }
  });
});

describe('only regular files', () => {
  it('refuses a FIFO, a device and a folder named .csv at once, in one line', () => {
    const folder = join(dir, 'odd');
    mkdirSync(join(folder, 'sub.csv'), { recursive: true });
    execFileSync('mkfifo', [join(dir, 'pipe.csv')]);
    expect(() => expandPaths(['pipe.csv'], dir)).toThrow('pipe.csv is a named pipe (FIFO), not a regular file; pass the CSV export itself.');
    expect(() => expandPaths(['/dev/null'], dir)).toThrow('/dev/null is a device, not a regular file; pass the CSV export itself.');
    expect(() => expandPaths(['odd'], dir)).toThrow('odd/sub.csv is a folder, not a regular file; pass the CSV export itself.');
  });

  it('sets inbox links, dangling links and pipes aside with a sentence, and takes the regular files', () => {
    const inbox = join(dir, 'inbox');
    mkdirSync(inbox);
    symlinkSync('/etc/passwd', join(inbox, 'a-link.csv'));
    symlinkSync(join(inbox, 'gone.csv'), join(inbox, 'b-dangling.csv'));
    execFileSync('mkfifo', [join(inbox, 'c-pipe.csv')]);
    writeFileSync(join(inbox, 'd-good.csv'), 'x');
    const listing = listInbox(inbox, new Date(), 0);
    expect(listing.ready).toEqual([join(inbox, 'd-good.csv')]);
    expect(listing.refused).toEqual([
      { path: join(inbox, 'a-link.csv'), error: 'a-link.csv is a symbolic link, which boardpack does not follow in the inbox; copy the export itself into the inbox.' },
      { path: join(inbox, 'b-dangling.csv'), error: 'b-dangling.csv is a symbolic link, which boardpack does not follow in the inbox; copy the export itself into the inbox.' },
      { path: join(inbox, 'c-pipe.csv'), error: 'c-pipe.csv is a named pipe (FIFO), not a regular file, so it was not read; put the CSV export itself in the inbox.' },
    ]);
  });

  it('a refresh sets a dangling link aside and still loads the rest of the inbox', async () => {
    const home = join(dir, 'refresh');
    mkdirSync(join(home, 'inbox'), { recursive: true });
    writeFileSync(join(home, 'boardpack.config.json'), JSON.stringify({ inbox: 'inbox', inbox_settle_seconds: 0 }));
    symlinkSync(join(home, 'nowhere.csv'), join(home, 'inbox', 'a.csv'));
    writeFileSync(join(home, 'inbox', 'b.csv'), csv('Crime Reference,Date Reported,NFIB Code,Victim Type', 'C1,02/07/2025,NFIB52A,Individual', 'C2,15/08/2025,NFIB53A,Business'));
    let stdout = '';
    let stderr = '';
    const code = await main(['refresh'], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), clock: fixedClock('2025-10-14T01:30:00Z'), cwd: home });
    expect(code).toBe(1);
    expect(stdout).toContain('✓ b.csv (incidents): 2 rows loaded; moved to processed/.');
    expect(stderr).toContain('a.csv is a symbolic link, which boardpack does not follow in the inbox; copy the export itself into the inbox.');
    expect(readdirSync(join(home, 'inbox', 'rejected')).sort()).toEqual(['a.csv', 'a.csv.error.txt']);
    expect(readlinkSync(join(home, 'inbox', 'rejected', 'a.csv'))).toBe(join(home, 'nowhere.csv'));
  });
});

describe('no leftovers', () => {
  it('sweeps staged copies, half-written archive files and temp folders of dead processes, not its own', () => {
    const archive = join(dir, 'sweep', 'archive');
    const temp = join(dir, 'sweep', 'tmp');
    for (const d of [join(archive, 'staging'), join(archive, 'canonical', 'ab'), join(archive, 'originals', 'ab'), join(temp, 'boardpack-999999-x1'), join(temp, `boardpack-${process.pid}-x2`)]) mkdirSync(d, { recursive: true });
    writeFileSync(join(archive, 'staging', '999999-1.csv'), 'plain original');
    writeFileSync(join(archive, 'staging', `${process.pid}-1.csv`), 'mine');
    writeFileSync(join(archive, 'canonical', 'ab', 'ab12.csv.tmp-999999'), 'half');
    writeFileSync(join(archive, 'originals', 'ab', 'ab12.csv.enc.tmp-999999'), 'half');
    writeFileSync(join(archive, 'canonical', 'ab', 'ab12.csv'), 'kept');
    const removed = sweepLeftovers(archive, temp, (pid) => pid === process.pid);
    expect(removed.map((p) => p.slice(join(dir, 'sweep').length + 1)).sort()).toEqual(['archive/canonical/ab/ab12.csv.tmp-999999', 'archive/originals/ab/ab12.csv.enc.tmp-999999', 'archive/staging/999999-1.csv', 'tmp/boardpack-999999-x1']);
    expect(existsSync(join(archive, 'canonical', 'ab', 'ab12.csv'))).toBe(true);
  });

  it('leaves nothing in the archive when a load fails before commit', async () => {
    const env = await createTestEnv();
    try {
      await env.ingestText('first.csv', csv('Crime Reference,Date Reported,NFIB Code,Victim Type', 'C1,01/10/2025,NFIB52A,Individual'));
      const text = csv('Crime Reference,Date Reported,NFIB Code,Victim Type', 'C2,01/10/2025,NFIB52A,Individual');
      const sha = sha256Text(text);
      // Encryption (after the canonical copy is written) fails: the canonical copy written first must go too.
      writeFileSync(join(env.config.archive, 'originals', sha.slice(0, 2)), 'not a folder');
      await expect(env.ingestText('second.csv', text)).rejects.toThrow();
      expect(existsSync(join(env.config.archive, 'canonical', sha.slice(0, 2), `${sha}.csv`))).toBe(false);
      expect(existsSync(join(env.config.archive, 'canonical', sha.slice(0, 2), `${sha}.json`))).toBe(false);
      expect(readdirSync(join(env.config.archive, 'staging'))).toEqual([]);
    } finally {
      env.close();
    }
  });

  it('puts out/latest back in step with latest.json after a kill between the two', () => {
    const out = join(dir, 'out');
    mkdirSync(join(out, '2025-26-Q1-board'), { recursive: true });
    mkdirSync(join(out, '2025-26-Q2-board'));
    symlinkSync('2025-26-Q1-board', join(out, 'latest'));
    writeFileSync(join(out, 'latest.json'), JSON.stringify({ run_id: 2, finished_at: '2025-10-14T01:40:00Z', packs: ['2025-26-Q2-board'] }));
    expect(reconcileLatest(out)).toBe(true);
    expect(readlinkSync(join(out, 'latest'))).toBe('2025-26-Q2-board');
    expect(reconcileLatest(out)).toBe(false);
  });
});
