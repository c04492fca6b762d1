import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Text } from '../../pipelines/lib/hashing.ts';
import { createTestEnv, csv, reconciles, type TestEnv } from '../support/env.ts';
import { archiveSettingsOf } from '../../pipelines/archive/prepareArchive.ts';
import { readOrCreateKey } from '../../pipelines/archive/originalsKey.ts';
import { decryptFile } from '../../pipelines/archive/encryptFile.ts';

// Loading rules of docs/datasets.md ("Row errors and reconciliation", "Loading"), counts worked out by hand.

let env: TestEnv;
beforeEach(async () => {
  env = await createTestEnv();
});
afterEach(() => env.close());

const HEADER = 'Crime Reference,Date Reported,NFIB Code,Victim Type';

/** Every row of every table, for "exactly as before" comparisons. */
async function snapshot(): Promise<Record<string, unknown[]>> {
  const tables = await env.rows<{ t: string }>(`select table_name as t from information_schema.tables where table_schema = 'main' order by 1`);
  const result: Record<string, unknown[]> = {};
  for (const { t } of tables) result[t] = await env.rows(`select * from "${t}" order by all`);
  return result;
}

describe('scope, duplicates and reconciliation', () => {
  it('excludes out-of-scope codes by whole code, counts them and loses nothing', async () => {
    const report = await env.ingestText(
      'scope.csv',
      csv(HEADER, 'C1,01/10/2025,NFIB53A,Individual', 'C2,01/10/2025,NFIB5A,Individual', 'C3,01/10/2025,nfib 52b,Individual', 'C4,01/10/2025,NFIB53AX,Individual', 'C5,01/10/2025,NFIB1A,Business', 'C6,01/10/2025,NFIB52C ,Charity'),
    );
    // NFIB5A, NFIB53AX and NFIB1A are not computer-misuse codes.
    expect(report).toMatchObject({ rows_read: 6, rows_loaded: 3, rows_excluded: 3, rows_quarantined: 0, rows_duplicate: 0 });
    expect(await env.rows('select crime_ref, nfib_code from incidents order by 1')).toEqual([
      { crime_ref: 'C1', nfib_code: 'NFIB53A' },
      { crime_ref: 'C3', nfib_code: 'NFIB52B' },
      { crime_ref: 'C6', nfib_code: 'NFIB52C' },
    ]);
    expect(await env.rows('select count(*)::integer as n from quarantine')).toEqual([{ n: 0 }]);
  });

  it('counts exact duplicate rows once and quarantines a key repeated with different values', async () => {
    const rows = [
      'C1,01/10/2025,NFIB52A,Individual', // line 2
      'C1,01/10/2025,NFIB52A,Individual', // 3: exact duplicate
      'C2,01/10/2025,NFIB52A,Individual', // 4
      'C1,01/10/2025,NFIB52A,Individual', // 5: exact duplicate
      'C2,02/10/2025,NFIB52A,Individual', // 6: same key, other values
      ...Array.from({ length: 15 }, (_, i) => `K${i},01/10/2025,NFIB52B,Business`), // 7-21
    ];
    const report = await env.ingestText('dups.csv', csv(HEADER, ...rows));
    expect(report).toMatchObject({ rows_read: 20, rows_loaded: 17, rows_duplicate: 2, rows_quarantined: 1, rows_excluded: 0 });
    expect(reconciles(report)).toBe(true);
    expect(await env.rows('select line, field, raw_value, reason from quarantine')).toEqual([{ line: 6n, field: 'crime_ref', raw_value: 'C2', reason: 'duplicate_key' }]);
  });

  it('reconciles every file: read = loaded + quarantined + excluded + duplicate', async () => {
    const rows = [...Array.from({ length: 20 }, (_, i) => `OK${i},01/10/2025,NFIB52A,Individual`), 'BAD1,not a date,NFIB52A,Individual', 'OUT1,01/10/2025,NFIB90,Individual', 'OK0,01/10/2025,NFIB52A,Individual', ',,,'];
    const report = await env.ingestText('mix.csv', csv(HEADER, ...rows));
    expect(report).toMatchObject({ rows_read: 23, rows_loaded: 20, rows_quarantined: 1, rows_excluded: 1, rows_duplicate: 1, rows_blank: 1 });
    expect(reconciles(report)).toBe(true);
  });
});

describe('the rejection threshold', () => {
  const file = (bad: number) => csv(HEADER, ...Array.from({ length: 20 - bad }, (_, i) => `OK${i},01/10/2025,NFIB52A,Individual`), ...Array.from({ length: bad }, (_, i) => `BAD${i},31/09/2025,NFIB52A,Individual`));

  it('loads a file with exactly 10 % quarantined', async () => {
    const report = await env.ingestText('two-bad.csv', file(2));
    expect(report).toMatchObject({ status: 'loaded', rows_loaded: 18, rows_quarantined: 2 });
  });

  it('rejects a file with more than 10 % quarantined, saying why, and loads nothing', async () => {
    await env.ingestText('earlier.csv', csv(HEADER, 'E1,01/10/2025,NFIB52A,Individual'));
    const before = await snapshot();
    const report = await env.ingestText('three-bad.csv', file(3));
    expect(report.status).toBe('rejected');
    expect(report.error).toBe(
      'three-bad.csv was rejected as probably mis-mapped: 3 of 20 rows (15 %) failed checks, more than the 10 % allowed, and nothing was loaded; fix the export or its column mapping (first problems: line 19 reported_on invalid_date "31/09/2025"; line 20 reported_on invalid_date "31/09/2025"; line 21 reported_on invalid_date "31/09/2025").',
    );
    expect(await snapshot()).toEqual(before);
  });

  it('takes the share from configuration', async () => {
    env.close();
    env = await createTestEnv({ config: { ingest: { max_quarantine_share: 0.2 } } });
    expect((await env.ingestText('three-bad.csv', file(3))).status).toBe('loaded');
  });
});

describe('atomic, idempotent, keyed loading', () => {
  it('leaves the database exactly as before when a file fails part-way through', async () => {
    await env.ingestText('first.csv', csv(HEADER, 'C1,01/10/2025,NFIB52A,Individual'));
    const before = await snapshot();
    const text = csv(HEADER, 'C1,02/10/2025,NFIB52B,Business', 'C9,01/10/2025,NFIB52A,Individual');
    // Block the archive folder this file's hash would go to: the failure comes after
    // its rows were written inside the transaction, just before commit.
    const sha = sha256Text(text);
    writeFileSync(join(env.config.archive, 'canonical', sha.slice(0, 2)), 'not a folder');
    await expect(env.ingestText('second.csv', text)).rejects.toThrow();
    expect(await snapshot()).toEqual(before);
  });

  it('loads the same bytes once, whatever the file is called', async () => {
    const text = csv(HEADER, 'C1,01/10/2025,NFIB52A,Individual');
    const first = await env.ingestText('a.csv', text);
    const before = await snapshot();
    const second = await env.ingestText('b.csv', text);
    expect([first.status, second.status]).toEqual(['loaded', 'already_loaded']);
    expect(second.sha256).toBe(first.sha256);
    expect(await snapshot()).toEqual(before);
  });

  it('replaces a key from a later export and keeps the earlier version in history with its file', async () => {
    const first = await env.ingestText('sept.csv', csv(`${HEADER},Outcome Code`, 'C1,01/09/2025,NFIB52A,Individual,', 'C2,02/09/2025,NFIB52A,Individual,'));
    const second = await env.ingestText('oct.csv', csv(`${HEADER},Outcome Code`, 'C2,02/09/2025,NFIB52A,Individual,18', 'C3,03/10/2025,NFIB53A,Business,'));
    expect(second.keys_replaced).toBe(1);
    expect(await env.rows('select crime_ref, outcome_code, _file_sha256 = $1 as from_second from incidents order by 1'.replace('$1', `'${second.sha256}'`))).toEqual([
      { crime_ref: 'C1', outcome_code: null, from_second: false },
      { crime_ref: 'C2', outcome_code: 18, from_second: true },
      { crime_ref: 'C3', outcome_code: null, from_second: true },
    ]);
    const history = await env.rows<{ crime_ref: string; outcome_code: number | null; file_name: string; line: bigint }>(
      `select h.crime_ref, h.outcome_code, f.file_name, h._line as line from incidents_versions h join ingested_files f on f.load_id = h._load_id
       where h.crime_ref = 'C2' order by h._load_id`,
    );
    expect(history).toEqual([
      { crime_ref: 'C2', outcome_code: null, file_name: 'sept.csv', line: 3n },
      { crime_ref: 'C2', outcome_code: 18, file_name: 'oct.csv', line: 2n },
    ]);
    // History holds exactly the replaced version, with the load that replaced it.
    expect(await env.rows('select h.crime_ref, f.file_name from incidents_history h join ingested_files f on f.load_id = h._replaced_by_load_id')).toEqual([{ crime_ref: 'C2', file_name: 'oct.csv' }]);
    expect(first.sha256).not.toBe(second.sha256);
  });

  it("archives a canonical copy and the original encrypted, both under the original's SHA-256", async () => {
    const bytes = Buffer.from(csv('Crime Reference;Date Reported;NFIB Code;Victim Type;Summary', 'C1;01/10/2025;NFIB52A;Individual;caf\xe9'), 'latin1');
    const report = await env.ingestText('archive-me.csv', bytes);
    const [row] = await env.rows<{ archive_path: string; sha256: string }>('select archive_path, sha256 from ingested_files');
    expect(row!.sha256).toBe(sha256Text(bytes));
    expect(row!.archive_path).toBe(join('canonical', report.sha256.slice(0, 2), `${report.sha256}.csv`));
    // What ingest read, as UTF-8, each record on its line.
    expect(readFileSync(join(env.config.archive, row!.archive_path), 'utf8')).toBe('"Crime Reference","Date Reported","NFIB Code","Victim Type","Summary"\n"C1","01/10/2025","NFIB52A","Individual","café"\n');
    const [kept] = await env.rows<{ original_path: string }>('select original_path from archived_files');
    const key = readOrCreateKey(archiveSettingsOf(env.config, {}));
    const encrypted = join(env.config.archive, kept!.original_path);
    expect(readFileSync(encrypted).includes(Buffer.from('NFIB52A'))).toBe(false);
    const plain = join(env.dir, 'decrypted.csv');
    expect(decryptFile(encrypted, plain, key, row!.sha256)).toBe(row!.sha256);
    expect(readFileSync(plain).equals(bytes)).toBe(true);
  });

  it('stamps every record with the configured force', async () => {
    env.close();
    env = await createTestEnv({ config: { force: 'Warwickshire' } });
    await env.ingestText('f.csv', csv(HEADER, 'C1,01/10/2025,NFIB52A,Individual'));
    await env.ingestText('v.csv', csv('Volunteer ID,Role,Start Date', 'V1,Cyber Volunteer,01/01/2024'));
    expect(await env.rows(`select force from incidents union all select force from incidents_versions union all select force from volunteers union all select force from ingested_files`)).toEqual(Array(5).fill({ force: 'Warwickshire' }));
  });
});

describe('personal data', () => {
  it('drops personal columns, reports them, and stores them nowhere in the database', async () => {
    const personal = ['Ada Lovelace', 'ada@example.invalid', '07700 900123', '1 High Street, Ludlow', 'SY8 1AA', '10/12/1990', 'Lovelace'];
    const header = `${HEADER},Victim Name,E-mail Address,Phone Number,Home Address,Postcode,Date of Birth,Surname,Summary`;
    const report = await env.ingestText('people.csv', csv(header, `C1,01/10/2025,NFIB52A,Individual,${personal.map((p) => `"${p}"`).join(',')},Account takeover`, `C2,01/10/2025,NFIB52A,Individual,"Ada Lovelace",,,,,notadate,,x`));
    expect(report.columns_dropped).toEqual(['Victim Name', 'E-mail Address', 'Phone Number', 'Home Address', 'Postcode', 'Date of Birth', 'Surname']);
    expect(report.rows_loaded).toBe(2);
    // Search every text and list column of every table for every personal value.
    const columns = await env.rows<{ t: string; c: string; type: string }>(`select table_name as t, column_name as c, data_type as type from information_schema.columns where table_schema = 'main'`);
    const textual = columns.filter((c) => c.type.startsWith('VARCHAR'));
    expect(textual.length).toBeGreaterThan(20);
    for (const { t, c } of textual) {
      for (const value of personal) {
        const hits = await env.rows<{ n: number }>(`select count(*)::integer as n from "${t}" where "${c}"::varchar ilike '%' || $$${value}$$ || '%'`);
        expect(hits[0]!.n, `${value} found in ${t}.${c}`).toBe(0);
      }
    }
  });
});
