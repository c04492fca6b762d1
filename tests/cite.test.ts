import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliRun, runCli } from './support/cli.ts';

// `boardpack cite` as the Commissioner's office uses it: a figure for a letter, from a built pack.
// Three crimes: C1 (2 July 2025, contacted the next day) and C2 (15 August, not contacted, due by
// 12 September) in Q2 2025-26, C3 in Q1, C4 in Q3 (so the export runs to 1 October and C2's 28 days
// have passed in it). So INC-01 is 2 and INC-05 is 1 of 2 = 50.0 % (board).

let dir: string;

function boardpack(...args: string[]): Promise<CliRun> {
  return runCli(dir, '2025-10-14T12:00:00Z', args);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'boardpack-cite-'));
  writeFileSync(
    join(dir, 'incidents.csv'),
    [
      'Crime Reference,Date Reported,NFIB Code,Victim Type,First Contact Date',
      'C1,02/07/2025,NFIB52A,Individual,03/07/2025',
      'C2,15/08/2025,NFIB53A,Business,',
      'C3,03/04/2025,NFIB52B,Individual,10/04/2025',
      'C4,01/10/2025,NFIB52A,Individual,02/10/2025',
    ].join('\r\n'),
  );
  expect((await boardpack('ingest', 'incidents.csv')).code).toBe(0);
  // The board edition only, first: the public one is built in the test that needs it.
  expect((await boardpack('build', '--period', '2025-26-Q2', '--as-of', '2025-10-14')).code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cite', () => {
  it('cites the public edition by default, and says how to cite the board one when only that is built', async () => {
    const result = await boardpack('cite', 'WM-2025-26-Q2-INC-05');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `boardpack: There is no public pack for 2025-26-Q2 at ${join(dir, 'out', '2025-26-Q2-public')}; build it first with boardpack build --period 2025-26-Q2 --edition public, or cite the board edition (OFFICIAL-SENSITIVE) with --edition board.\n`,
    );
  });

  it('takes the period from the citation ID and prints a letter-ready citation of the board figure, numerator and denominator included', async () => {
    const result = await boardpack('cite', 'WM-2025-26-Q2-INC-05', '--edition', 'board');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const sha = JSON.parse(readFileSync(join(dir, 'out', '2025-26-Q2-board', 'manifest.json'), 'utf8')).inputs[0].sha256;
    expect(result.stdout).toBe(
      [
        'Victim contact within 28 days, West Mercia, Q2 2025-26 (July to September 2025): 50.0 % (1 of 2 crimes due contact). Data as of 14 October 2025.',
        'Definition: Of crimes reported in the period, the share whose victim was first contacted no more than 28 days after the report. A crime counts once contacted, or once 28 days have passed since the report by the date the data is complete to: the as-of date, or the date the crime export runs to where that is earlier, since a contact after the export was taken cannot be in it. Younger crimes not yet contacted are left out until they are due. The figure is marked provisional while any crime in the period is less than 28 days old at that date.',
        "Caveats: A provisional figure can still change: crimes reported in the period's last 28 days are counted only once contacted or once their 28 days have passed, so the figure tends to fall as they mature.",
        'Source: West Mercia Police and Crime Commissioner, Strategic Cyber Crime Board performance pack, Q2 2025-26 (July to September 2025), board edition (OFFICIAL-SENSITIVE: not for publication), 14 October 2025; figure WM-2025-26-Q2-INC-05.',
        'Link: index.html#WM-2025-26-Q2-INC-05',
        `Source file: incidents.csv (crime records, received 14 October 2025, SHA-256 ${sha}).`,
        '',
      ].join('\n'),
    );
    // No local path, no shell command, no query hash.
    expect(result.stdout).not.toContain(dir);
    expect(result.stdout).not.toMatch(/boardpack |queries\/|\.sql/);
  });

  it('agrees with a --period that names the same period, refuses one that does not, and needs --period for a bare metric ID', async () => {
    expect((await boardpack('cite', 'WM-2025-26-Q2-INC-01', '--edition', 'board', '--period', '2025-26-Q2')).code).toBe(0);
    const other = await boardpack('cite', 'WM-2025-26-Q2-INC-01', '--edition', 'board', '--period', '2025-26-Q1');
    expect(other.code).toBe(2);
    expect(other.stderr).toBe('boardpack: WM-2025-26-Q2-INC-01 is a figure of 2025-26-Q2, not of --period 2025-26-Q1; leave --period out or cite the figure of that period.\n');
    const bare = await boardpack('cite', 'INC-01', '--edition', 'board');
    expect(bare.code).toBe(2);
    expect(bare.stderr).toBe('boardpack: Say which pack: give a citation ID such as WM-2025-26-Q2-INC-01, or --period with the metric ID.\n');
    const byMetric = await boardpack('cite', 'INC-01', '--edition', 'board', '--period', '2025-26-Q2');
    expect(byMetric.stdout.split('\n')[0]).toBe('Crimes reported, West Mercia, Q2 2025-26 (July to September 2025): 2. Data as of 14 October 2025.');
  });

  it('--format markdown and json (and --json); an unknown format is bad usage', async () => {
    const markdown = await boardpack('cite', 'WM-2025-26-Q2-INC-05', '--edition', 'board', '--format', 'markdown');
    expect(markdown.stdout.split('\n').slice(0, 3)).toEqual([
      'Victim contact within 28 days, West Mercia, Q2 2025-26 (July to September 2025): **50.0 %** (1 of 2 crimes due contact). Data as of 14 October 2025.',
      '',
      '- **Definition:** Of crimes reported in the period, the share whose victim was first contacted no more than 28 days after the report. A crime counts once contacted, or once 28 days have passed since the report by the date the data is complete to: the as-of date, or the date the crime export runs to where that is earlier, since a contact after the export was taken cannot be in it. Younger crimes not yet contacted are left out until they are due. The figure is marked provisional while any crime in the period is less than 28 days old at that date.',
    ]);
    expect(markdown.stdout).toContain('- **Link:** `index.html#WM-2025-26-Q2-INC-05`\n');
    const json = JSON.parse((await boardpack('cite', 'WM-2025-26-Q2-INC-05', '--edition', 'board', '--format', 'json')).stdout);
    expect(json).toMatchObject({
      citation_id: 'WM-2025-26-Q2-INC-05',
      metric: { id: 'INC-05', title: 'Victim contact within 28 days', unit: 'percent' },
      figure: { value: 50, text: '50.0 %', numerator: 1, denominator: 2, basis: '1 of 2 crimes due contact' },
      period: { id: '2025-26-Q2', start: '2025-07-01', end: '2025-09-30' },
      as_of: '2025-10-14',
      pack: { edition: 'board', marking: 'OFFICIAL-SENSITIVE', generated_on: '2025-10-14', link: 'index.html#WM-2025-26-Q2-INC-05' },
      sources: [{ file: 'incidents.csv', description: 'crime records', loaded_on: '2025-10-14' }],
    });
    expect(JSON.parse((await boardpack('--json', 'cite', 'WM-2025-26-Q2-INC-05', '--edition', 'board')).stdout)).toEqual(json);
    const bad = await boardpack('cite', 'WM-2025-26-Q2-INC-05', '--format', 'pdf');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('boardpack: --format "pdf" is not a citation format; use text, markdown, json.\n');
  });

  it('links to the published pack when publish_url is configured', async () => {
    writeFileSync(join(dir, 'published.json'), JSON.stringify({ publish_url: { board: 'https://intranet.example.org/packs/' } }));
    const result = await boardpack('--config', 'published.json', 'cite', 'WM-2025-26-Q2-INC-05', '--edition', 'board', '--out', 'out');
    expect(result.stdout).toContain('\nLink: https://intranet.example.org/packs/2025-26-Q2-board/index.html#WM-2025-26-Q2-INC-05\n');
    writeFileSync(join(dir, 'bad-url.json'), JSON.stringify({ publish_url: 'packs/' }));
    const bad = await boardpack('--config', 'bad-url.json', 'cite', 'WM-2025-26-Q2-INC-05');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^boardpack: Configuration "publish_url" must be a web address/);
  });

  it('a public citation carries only what the public pack publishes: controlled figures in words, no numerator or denominator', async () => {
    expect((await boardpack('build', '--period', '2025-26-Q2', '--as-of', '2025-10-14', '--edition', 'public')).code).toBe(0);
    const count = JSON.parse((await boardpack('cite', 'WM-2025-26-Q2-INC-01', '--format', 'json')).stdout);
    // Two crimes: withheld in the public pack ([c]: its months are small too, so the audit hides the total), cited in
    // words, and no 2 anywhere.
    expect(count.figure).toEqual({ value: null, text: 'not published: too few records to publish without identifying people', numerator: null, denominator: null, basis: null });
    expect(count.pack).toMatchObject({ edition: 'public', marking: 'OFFICIAL' });
    const rate = await boardpack('cite', 'WM-2025-26-Q2-INC-05');
    // 1 of 2: a percentage of fewer than 10 crimes is suppressed, with its numerator and denominator.
    expect(rate.stdout.split('\n')[0]).toBe('Victim contact within 28 days, West Mercia, Q2 2025-26 (July to September 2025): not published: too few records to publish without identifying people. Data as of 14 October 2025.');
    expect(rate.stdout).toContain('public edition (OFFICIAL)');
    // The public manifest names no export file and no load date, so neither does its citation.
    expect(rate.stdout).toMatch(/^Source: the crime records export \(SHA-256 [0-9a-f]{64}\)\.$/m);
    expect(rate.stdout).not.toMatch(/undefined|incidents\.csv|received/);
    const json = JSON.parse((await boardpack('cite', 'WM-2025-26-Q2-INC-05', '--format', 'json')).stdout);
    expect(json.figure).toEqual({ value: null, text: 'not published: too few records to publish without identifying people', numerator: null, denominator: null, basis: null });
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['2025-26-Q2-board', '2025-26-Q2-public']);
  });
});

describe('citation words', () => {
  it('every metric that words its numerator and denominator (basis) names only columns its SQL returns', () => {
    const folder = join('queries', 'metrics');
    const worded = readdirSync(folder)
      .filter((f) => f.endsWith('.json'))
      .map((f) => ({ id: f.slice(0, -5), meta: JSON.parse(readFileSync(join(folder, f), 'utf8')) as { basis?: unknown; unit: string } }))
      .filter((m) => m.meta.basis !== undefined);
    expect(worded.map((m) => m.id)).toEqual(['INC-04', 'INC-05', 'INC-06', 'INC-07', 'INC-08', 'TRN-04', 'TRN-05', 'VOL-03', 'VOL-04']);
    for (const { id, meta } of worded) {
      expect(typeof meta.basis, id).toBe('string');
      const sql = readFileSync(join(folder, `${id}.sql`), 'utf8');
      const final = sql.slice(sql.indexOf('final as'));
      for (const [, part] of (meta.basis as string).matchAll(/\{(\w+)\}/g)) {
        expect(['numerator', 'denominator'], `${id} names {${part}}`).toContain(part);
        expect(final, `${id} returns ${part}`).toMatch(new RegExp(`\\b${part}\\b`));
      }
    }
  });

  it('reads the period from citation IDs of a month, a quarter and a year', async () => {
    const { parseCitationId } = await import('../pipelines/packs/citation.ts');
    expect(parseCitationId('WM-2025-09-INC-01')).toEqual({ code: 'WM', period: '2025-09', metricId: 'INC-01' });
    expect(parseCitationId('WM-2025-26-Q2-INC-05')).toEqual({ code: 'WM', period: '2025-26-Q2', metricId: 'INC-05' });
    expect(parseCitationId('DP2-2025-26-VOL-03')).toEqual({ code: 'DP2', period: '2025-26', metricId: 'VOL-03' });
    // An area's figure, and a force's row in a region's comparison, carry a second code.
    expect(parseCitationId('WM-SHR-2026-27-Q2-INC-01')).toEqual({ code: 'WM-SHR', period: '2026-27-Q2', metricId: 'INC-01' });
    expect(parseCitationId('WMR-SP-2026-27-Q2-INC-01')).toEqual({ code: 'WMR-SP', period: '2026-27-Q2', metricId: 'INC-01' });
    expect(parseCitationId('INC-05')).toBeNull();
  });
});
