import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../pipelines/cli.ts';
import { fixedClock } from '../../pipelines/lib/clock.ts';
import { createDb } from '../../pipelines/lib/db.ts';
import { legacyRelativePath } from '../../pipelines/ingest/archive.ts';

// No personal data at rest (issue 16): canonical copies, encrypted originals, conversion of
// archives written before them, retention, and owner-only files whatever the umask.

const HEADER = 'Crime Reference,Date Reported,NFIB Code,Victim Type,Victim Name,E-mail Address,Phone Number,Summary';
const PERSONAL = ['Ada Lovelace', 'ada@example.invalid', '07700 900123', 'Charles Babbage', 'cb@example.invalid', '07700 900456'];
const A = [
  HEADER,
  'C1,02/07/2025,NFIB52A,Individual,Ada Lovelace,ada@example.invalid,07700 900123,phished',
  'C2,15/08/2025,NFIB53A,Business,Charles Babbage,cb@example.invalid,07700 900456,hacked',
  'C3,03/04/2025,NFIB52B,Individual,Ada Lovelace,ada@example.invalid,07700 900123,again',
].join('\r\n');
const B = [HEADER, 'C4,20/09/2025,NFIB52A,Individual,Charles Babbage,cb@example.invalid,07700 900456,late'].join('\n');

function cli(dir: string) {
  return async (at: string, ...args: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await main(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), clock: fixedClock(at), cwd: dir });
    return { code, stdout, stderr };
  };
}

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((name) => filesUnder(join(path, name)));
}

function mode(path: string): string {
  return (statSync(path).mode & 0o777).toString(8);
}

describe('an ingest of exports with names, e-mails and phone numbers, under umask 022', () => {
  let dir: string;
  let umask: number;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'boardpack-protect-'));
    umask = process.umask(0o022);
    writeFileSync(join(dir, 'a.csv'), A);
    writeFileSync(join(dir, 'b.csv'), B);
    const boardpack = cli(dir);
    expect((await boardpack('2025-10-14T12:00:00Z', 'ingest', 'a.csv', 'b.csv')).code).toBe(0);
    expect((await boardpack('2025-10-14T12:30:00Z', 'build', '--period', '2025-26-Q2', '--as-of', '2025-10-14')).code).toBe(0);
    expect((await boardpack('2025-10-14T12:35:00Z', 'build', '--period', '2025-26-Q2', '--as-of', '2025-10-14', '--edition', 'public')).code).toBe(0);
    expect((await boardpack('2025-10-14T12:40:00Z', 'export', '--parquet', 'data/lake')).code).toBe(0);
  });
  afterAll(() => {
    process.umask(umask);
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves none of them in clear in any file under data/ or out/', () => {
    const files = [...filesUnder(join(dir, 'data')), ...filesUnder(join(dir, 'out'))];
    // The database, the ledger's canonical copies, their records, the encrypted originals and the pack.
    expect(files.some((f) => f.endsWith('boardpack.duckdb'))).toBe(true);
    expect(files.filter((f) => f.endsWith('.csv.enc'))).toHaveLength(2);
    expect(files.filter((f) => /canonical\/[0-9a-f]{2}\/[0-9a-f]{64}\.csv$/.test(f))).toHaveLength(2);
    expect(files.some((f) => f.endsWith('manifest.json'))).toBe(true);
    expect(files.some((f) => f.endsWith('.parquet'))).toBe(true);
    const found = files.flatMap((f) => {
      const bytes = readFileSync(f);
      return PERSONAL.filter((p) => bytes.includes(Buffer.from(p, 'utf8')) || bytes.includes(Buffer.from(p, 'utf16le'))).map((p) => `${p} in ${f}`);
    });
    expect(found).toEqual([]);
  });

  it('keeps the canonical copy readable, personal columns as tokens equal where the values were equal', () => {
    const canonical = filesUnder(join(dir, 'data', 'archive', 'canonical')).filter((f) => f.endsWith('.csv'));
    const text = canonical.map((f) => readFileSync(f, 'utf8')).find((t) => t.includes('"C1"'))!;
    const lines = text.split('\n');
    expect(lines[0]).toBe('"Crime Reference","Date Reported","NFIB Code","Victim Type","Victim Name","E-mail Address","Phone Number","Summary"');
    expect(lines).toHaveLength(5);
    const token = /^"~[0-9a-f]{20}"$/;
    const rows = lines.slice(1, 4).map((l) => l.split(','));
    for (const row of rows) for (const cell of row.slice(4, 7)) expect(cell).toMatch(token);
    expect(rows.map((r) => [...r.slice(0, 4), r[7]])).toEqual([
      ['"C1"', '"02/07/2025"', '"NFIB52A"', '"Individual"', '"phished"'],
      ['"C2"', '"15/08/2025"', '"NFIB53A"', '"Business"', '"hacked"'],
      ['"C3"', '"03/04/2025"', '"NFIB52B"', '"Individual"', '"again"'],
    ]);
    // Ada on lines 2 and 4 has the same tokens; Charles on line 3 others; no two columns share one.
    expect(rows[0]!.slice(4, 7)).toEqual(rows[2]!.slice(4, 7));
    expect(rows[0]!.slice(4, 7).some((t, i) => t === rows[1]![4 + i])).toBe(false);
    expect(new Set(rows[0]!.slice(4, 7)).size).toBe(3);
    expect(lines[4]).toBe('');
  });

  it('creates the database, archive, key and board pack owner-only', () => {
    expect(mode(join(dir, 'data', 'boardpack.duckdb'))).toBe('600');
    expect(mode(join(dir, 'keys', 'archive.key'))).toBe('600');
    expect(mode(join(dir, 'keys'))).toBe('700');
    for (const f of filesUnder(join(dir, 'data', 'archive'))) expect([f, mode(f)]).toEqual([f, '600']);
    expect(mode(join(dir, 'data', 'archive', 'canonical'))).toBe('700');
    expect(mode(join(dir, 'data', 'archive', 'originals'))).toBe('700');
    expect(mode(join(dir, 'out', '2025-26-Q2-board'))).toBe('700');
    for (const f of filesUnder(join(dir, 'out', '2025-26-Q2-board'))) expect([f, mode(f)]).toEqual([f, '600']);
    // A public pack is for publishing: as the umask the command started with (022) would make it.
    expect(mode(join(dir, 'out', '2025-26-Q2-public'))).toBe('755');
    expect(mode(join(dir, 'out', '2025-26-Q2-public', 'index.html'))).toBe('644');
  });
});

describe('archives from before canonical copies', () => {
  let dir: string;
  let boardpack: ReturnType<typeof cli>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'boardpack-convert-'));
    writeFileSync(join(dir, 'a.csv'), A);
    writeFileSync(join(dir, 'b.csv'), B);
    boardpack = cli(dir);
    expect((await boardpack('2025-10-14T12:00:00Z', 'ingest', 'a.csv')).code).toBe(0);
    // Put the archive back as earlier versions left it: the plain original at aa/<sha>.csv, no canonical copy.
    const db = await createDb(join(dir, 'data', 'boardpack.duckdb'));
    const [{ sha256 }] = (await db.all<{ sha256: string }>('select sha256 from ingested_files')) as [{ sha256: string }];
    await db.run('delete from archived_files');
    await db.run('update ingested_files set archive_path = $1', [legacyRelativePath(sha256)]);
    db.close();
    rmSync(join(dir, 'data', 'archive', 'canonical'), { recursive: true });
    rmSync(join(dir, 'data', 'archive', 'originals'), { recursive: true });
    mkdirSync(join(dir, 'data', 'archive', sha256.slice(0, 2)));
    writeFileSync(join(dir, 'data', 'archive', legacyRelativePath(sha256)), A);
    expect((await boardpack('2025-10-14T12:30:00Z', 'build', '--period', '2025-26-Q2', '--as-of', '2025-10-14', '--out', 'before')).code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('verifies a pack built before the conversion, converts at the next ingest, and verifies before and after', async () => {
    const before = await boardpack('2025-10-15T09:00:00Z', 'verify', 'before/2025-26-Q2-board');
    expect(before.stderr).toBe('');
    expect(before.code).toBe(0);

    expect((await boardpack('2025-10-20T09:00:00Z', 'ingest', 'b.csv')).code).toBe(0);
    const archive = filesUnder(join(dir, 'data', 'archive')).map((f) => f.slice(join(dir, 'data', 'archive').length + 1));
    expect(archive.filter((f) => /^[0-9a-f]{2}\//.test(f))).toEqual([]);
    expect(archive.filter((f) => f.startsWith('originals/'))).toHaveLength(2);
    const db = await createDb(join(dir, 'data', 'boardpack.duckdb'));
    const ledger = await db.all(
      "select f.file_name, f.archive_path like 'canonical/%' as canonical, a.converted_at is not null as converted, e.event from ingested_files f join archived_files a using (sha256) left join archive_events e using (sha256) order by f.load_id",
    );
    db.close();
    expect(ledger).toEqual([
      { file_name: 'a.csv', canonical: true, converted: true, event: 'converted' },
      { file_name: 'b.csv', canonical: true, converted: false, event: null },
    ]);

    const again = await boardpack('2025-10-20T10:00:00Z', 'verify', 'before/2025-26-Q2-board');
    expect([again.code, again.stderr]).toEqual([0, '']);
    expect((await boardpack('2025-10-20T10:30:00Z', 'build', '--period', '2025-26-Q2', '--as-of', '2025-10-14', '--out', 'after')).code).toBe(0);
    const after = await boardpack('2025-10-20T11:00:00Z', 'verify', '--originals', 'after/2025-26-Q2-board');
    expect([after.code, after.stderr]).toEqual([0, '']);
    expect(after.stdout).toContain('match    encrypted original a.csv');
    expect(after.stdout).toContain('match    encrypted original b.csv');
  });

  it('finishes a conversion killed after its commit: the plain file left behind is only removed', async () => {
    const db = await createDb(join(dir, 'data', 'boardpack.duckdb'));
    const [{ sha256 }] = (await db.all<{ sha256: string }>(`select sha256 from ingested_files where file_name = 'a.csv'`)) as [{ sha256: string }];
    db.close();
    writeFileSync(join(dir, 'data', 'archive', legacyRelativePath(sha256)), A);
    expect((await boardpack('2025-10-21T08:00:00Z', 'ingest', 'b.csv')).code).toBe(0);
    expect(existsSync(join(dir, 'data', 'archive', legacyRelativePath(sha256)))).toBe(false);
    const again = await createDb(join(dir, 'data', 'boardpack.duckdb'));
    expect(await again.all(`select event from archive_events where sha256 = '${sha256}'`)).toEqual([{ event: 'converted' }]);
    again.close();
  });

  it('verify --originals fails naming the file when an encrypted original was altered', async () => {
    const enc = filesUnder(join(dir, 'data', 'archive', 'originals'))[0]!;
    const saved = readFileSync(enc);
    const altered = Buffer.from(saved);
    altered[20] = altered[20]! ^ 1;
    writeFileSync(enc, altered);
    try {
      const result = await boardpack('2025-10-21T09:00:00Z', 'verify', '--originals', 'after/2025-26-Q2-board');
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/ALTERED {2}encrypted original [ab]\.csv \(.* does not decrypt with this key \(a wrong key, or the file was altered\); use the key it was encrypted with or restore the file from backup\)/);
    } finally {
      writeFileSync(enc, saved);
    }
  });
});

describe('retention', () => {
  it('deletes encrypted originals after the configured years, records it, and packs still verify', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'boardpack-retain-'));
    try {
      writeFileSync(join(dir, 'boardpack.config.json'), JSON.stringify({ archive_retention_years: 1 }));
      writeFileSync(join(dir, 'a.csv'), A);
      writeFileSync(join(dir, 'b.csv'), B);
      const boardpack = cli(dir);
      expect((await boardpack('2025-10-14T12:00:00Z', 'ingest', 'a.csv')).code).toBe(0);
      expect((await boardpack('2025-10-14T12:30:00Z', 'build', '--period', '2025-26-Q2', '--as-of', '2025-10-14')).code).toBe(0);
      // A year and a day later the next ingest deletes a.csv's original; b.csv's, new, stays.
      expect((await boardpack('2026-10-15T12:00:00Z', 'ingest', 'b.csv')).code).toBe(0);
      expect(filesUnder(join(dir, 'data', 'archive', 'originals'))).toHaveLength(1);
      const db = await createDb(join(dir, 'data', 'boardpack.duckdb'));
      expect(
        await db.all(`select f.file_name, strftime(a.original_deleted_at, '%Y-%m-%d') as deleted, e.event, e.detail from archived_files a join ingested_files f using (sha256) left join archive_events e using (sha256) order by f.load_id`),
      ).toEqual([
        { file_name: 'a.csv', deleted: '2026-10-15', event: 'original_deleted', detail: 'retention period of 1 year ended' },
        { file_name: 'b.csv', deleted: null, event: null, detail: null },
      ]);
      db.close();
      const verified = await boardpack('2026-10-16T09:00:00Z', 'verify', '--originals', 'out/2025-26-Q2-board');
      expect([verified.code, verified.stderr]).toEqual([0, '']);
      expect(verified.stdout).toContain('DELETED  encrypted original a.csv (deleted 2026-10-15 at the end of its retention period)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
