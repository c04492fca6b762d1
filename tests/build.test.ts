import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliRun, runCli } from './support/cli.ts';

// `boardpack build` as a user runs it, in-process with the clock pinned to 14 October 2025.

let dir: string;

function boardpack(...args: string[]): Promise<CliRun> {
  return runCli(dir, '2025-10-14T12:00:00Z', args);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'boardpack-build-'));
  writeFileSync(
    join(dir, 'incidents.csv'),
    [
      'Crime Reference,Date Reported,NFIB Code,Victim Type,First Contact Date,Summary',
      'C1,02/07/2025,NFIB52A,Individual,03/07/2025,"<script>alert(1)</script> & =HYPERLINK(""x"")"',
      'C2,15/08/2025,NFIB53A,Business,,',
      'C3,03/04/2025,NFIB52B,Individual,10/04/2025,',
      // Reported on the day of the export, so the data runs to 14 October (INC-05's maturity date) and Q3 has a record.
      'C4,14/10/2025,NFIB52A,Individual,,',
    ].join('\r\n'),
  );
  const ingest = await boardpack('ingest', 'incidents.csv');
  expect(ingest.stderr).toBe('');
  expect(ingest.code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('build', () => {
  it('writes manifest.json with the pack, inputs and metrics of docs/interface.md, and an index.html', async () => {
    const result = await boardpack('build', '--period', '2025-26-Q2', '--as-of', '2025-10-14');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `Pack written: ${join(dir, 'out', '2025-26-Q2-board')}/index.html (manifest: ${join(dir, 'out', '2025-26-Q2-board')}/manifest.json; snapshot ${JSON.parse(readFileSync(join(dir, 'out', '2025-26-Q2-board', 'manifest.json'), 'utf8')).snapshot.id})\n`,
    );
    expect(result.stdout).toMatch(/snapshot [0-9a-f]{16}\)/);
    const manifest = JSON.parse(readFileSync(join(dir, 'out', '2025-26-Q2-board', 'manifest.json'), 'utf8'));
    expect(manifest.pack).toMatchObject({ period: '2025-26-Q2', start: '2025-07-01', end: '2025-09-30', edition: 'board', as_of: '2025-10-14', generated_at: '2025-10-14T12:00:00.000Z', partial: false, marking: 'OFFICIAL-SENSITIVE' });
    expect(manifest.pack.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(manifest.inputs).toEqual([expect.objectContaining({ dataset: 'incidents', file: 'incidents.csv', rows_read: 4, rows_loaded: 4, rows_quarantined: 0, rows_excluded: 0, rows_duplicate: 0 })]);
    const inc01 = manifest.metrics.find((m: { id: string }) => m.id === 'INC-01');
    // Q2 (Jul-Sep 2025): C1 and C2; Q1: C3; Q2 2024: none.
    expect(inc01).toMatchObject({ id: 'INC-01', title: 'Crimes reported', value: 2, previous: 1, year_ago: 0, unit: 'count', rag: null, suppressed: false, change: 1, change_pct: 100 });
    const inc02 = manifest.metrics.find((m: { id: string }) => m.id === 'INC-02');
    expect(inc02.value).toBe(2);
    expect(inc02.breakdown).toHaveLength(8);
    // INC-05 at as_of 14 Oct: C1 contacted after 1 day; C2 (15 Aug) uncontacted but due. 1 of 2 = 50.0 %, Red against 90.
    const inc05 = manifest.metrics.find((m: { id: string }) => m.id === 'INC-05');
    expect(inc05).toMatchObject({ value: 50, numerator: 1, denominator: 2, target: 90, rag: 'Red' });
    const html = readFileSync(join(dir, 'out', '2025-26-Q2-board', 'index.html'), 'utf8');
    expect(html).toContain(
      '<tr id="score-INC-01"><th scope="row"><span class="metric-id">INC-01 · <a class="cite" id="WM-2025-26-Q2-INC-01" href="#WM-2025-26-Q2-INC-01">WM-2025-26-Q2-INC-01</a></span> Crimes reported</th><td class="num">2</td><td class="num">1</td><td class="num">+1 (+100.0 %)</td><td class="num">0</td>',
    );
    expect(readdirSync(join(dir, 'out'))).toEqual(['2025-26-Q2-board']);
    // Nine charts (events and people reached by audience are two), each an accessible SVG (drawn wide and narrow) with its data table.
    expect(html.match(/<figure class="chart"/g)).toHaveLength(9);
    expect(html.match(/<svg [^>]*class="marks chart-wide"[^>]*role="img"/g)).toHaveLength(9);
    expect(html.match(/<svg [^>]*class="marks chart-narrow"[^>]*role="img"/g)).toHaveLength(9);
    expect(html.match(/<summary>Data table: /g)).toHaveLength(9);
    // One file: no scripts, no external resources.
    expect(html).not.toMatch(/<script|<link |src="http|href="http/);
  });

  it('gives a byte-identical index.html for the same database and options', async () => {
    const first = readFileSync(join(dir, 'out', '2025-26-Q2-board', 'index.html'), 'utf8');
    expect((await boardpack('build', '--period', '2025-26-Q2', '--as-of', '2025-10-14')).code).toBe(0);
    expect(readFileSync(join(dir, 'out', '2025-26-Q2-board', 'index.html'), 'utf8')).toBe(first);
  });

  it('gives every figure a citation ID with its parameters and sources, and cites one ready to paste', async () => {
    const manifest = JSON.parse(readFileSync(join(dir, 'out', '2025-26-Q2-board', 'manifest.json'), 'utf8'));
    const inc05 = manifest.metrics.find((m: { id: string }) => m.id === 'INC-05');
    const sha = manifest.inputs[0].sha256;
    expect(inc05).toMatchObject({
      citation_id: 'WM-2025-26-Q2-INC-05',
      parameters: { start: '2025-07-01', end: '2025-09-30', as_of: '2025-10-14' },
      sources: [{ dataset: 'incidents', file: 'incidents.csv', sha256: sha }],
    });
    // VOL-03 reads the roster and the hours; neither is loaded here, so it has no sources.
    expect(manifest.metrics.find((m: { id: string }) => m.id === 'VOL-03').sources).toEqual([]);
    // The citation's words are tested in cite.test.ts; here, that it cites this pack's figure and sources.
    const result = await boardpack('cite', 'WM-2025-26-Q2-INC-05', '--edition', 'board');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('Victim contact within 28 days, West Mercia, Q2 2025-26 (July to September 2025): 50.0 % (1 of 2 crimes due contact). Data as of 14 October 2025.');
    expect(result.stdout).toContain(`Source file: incidents.csv (crime records, received 14 October 2025, SHA-256 ${sha}).\n`);
    expect(result.stdout).toContain('Link: index.html#WM-2025-26-Q2-INC-05\n');
    const unknown = await boardpack('cite', 'WM-2025-26-Q2-XYZ-99', '--edition', 'board');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^boardpack: "WM-2025-26-Q2-XYZ-99" is not a figure of the 2025-26-Q2 board pack; use one of: WM-2025-26-Q2-INC-01, /);
    const missing = await boardpack('cite', 'INC-05', '--period', '2024-25-Q1', '--edition', 'board');
    expect(missing.stderr).toBe(`boardpack: There is no board pack for 2024-25-Q1 at ${join(dir, 'out', '2024-25-Q1-board')}; build it first with boardpack build --period 2024-25-Q1 --edition board.\n`);
  });

  it('takes targets and tolerances from configuration', async () => {
    writeFileSync(join(dir, 'targets.json'), JSON.stringify({ targets: { 'INC-05': { target: 50 } }, out: 'out-targets' }));
    const result = await boardpack('--config', 'targets.json', 'build', '--period', '2025-26-Q2', '--as-of', '2025-10-14');
    expect(result.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'out-targets', '2025-26-Q2-board', 'manifest.json'), 'utf8'));
    // 50.0 % against a configured target of 50: Green (it was Red against the default 90).
    expect(manifest.metrics.find((m: { id: string }) => m.id === 'INC-05')).toMatchObject({ value: 50, target: 50, rag: 'Green' });
  });

  it('builds a public edition in which no small count survives anywhere', async () => {
    const result = await boardpack('build', '--period', '2025-26-Q2', '--as-of', '2025-10-14', '--edition', 'public');
    expect(result.code).toBe(0);
    const folder = join(dir, 'out', '2025-26-Q2-public');
    const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8'));
    expect(manifest.pack).toMatchObject({ edition: 'public', marking: 'OFFICIAL', disclosure: { min_count: 5, min_denominator: 10, min_crimes_for_money: 5 } });
    // Two crimes in Q2 and one in Q1: both small, and the change between them is gone. Q2's two
    // months with a crime are printed "<5" in the monthly series, so a "<5" quarter would say each
    // is at most 3: the intruder audit shows the quarter "[c]" instead (docs/disclosure.md).
    expect(manifest.metrics.find((m: { id: string }) => m.id === 'INC-01')).toMatchObject({ value: null, previous: null, change: null, change_pct: null, suppressed: true, display: { value: '[c]', previous: '<5', year_ago: '0' } });
    expect(manifest.disclosure_audit).toMatchObject({ result: 'passed', method: 'suppression' });
    expect(manifest.disclosure_audit.added).toContainEqual({ figure: 'INC-01@2025-26-Q2', at: { kind: 'metric', metric: 'INC-01', column: 'value' } });
    const counts: number[] = [];
    const walk = (node: unknown, key = ''): void => {
      if (typeof node === 'number' && !/sha|_at|decimals|min_|tolerance|target/.test(key)) counts.push(node);
      else if (Array.isArray(node)) for (const n of node) walk(n, key);
      else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, k);
    };
    walk(manifest.metrics);
    walk(manifest.inputs);
    walk(manifest.data_quality);
    expect(counts.filter((n) => n >= 1 && n <= 4)).toEqual([]);
    const html = readFileSync(join(folder, 'index.html'), 'utf8');
    expect(html).toContain(
      '<tr id="score-INC-01"><th scope="row"><span class="metric-id">INC-01 · <a class="cite" id="WM-2025-26-Q2-INC-01" href="#WM-2025-26-Q2-INC-01">WM-2025-26-Q2-INC-01</a></span> Crimes reported</th><td class="num">[c]</td><td class="num">&lt;5</td><td class="num">–</td><td class="num">0</td>',
    );
    // The summary does not say "[c] crimes were reported".
    expect(html).not.toContain('cyber-dependent crimes were reported in Q2 2025-26');
    // Chart data tables and the values drawn in the charts carry no small count either.
    const charts = html.match(/<figure class="chart"[\s\S]*?<\/figure>/g) ?? [];
    expect(charts.length).toBe(9);
    const cells = charts.flatMap((c) => [...c.matchAll(/<td(?: class="num")?>([^<]*)<\/td>/g)].map((m) => m[1]));
    expect(cells).toContain('&lt;5');
    expect(cells.filter((c) => /^[1-4]$/.test(c!))).toEqual([]);
    const drawn = charts.flatMap((c) => [...c.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]));
    expect(drawn.length).toBeGreaterThan(0);
    expect(html).toContain('<p class="marking">OFFICIAL</p>');
    expect(html).not.toContain('OFFICIAL-SENSITIVE');
  });

  it('flags a partial period in the manifest and on stderr', async () => {
    const result = await boardpack('build', '--period', '2025-26-Q3', '--as-of', '2025-10-14', '--json');
    expect(result.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'out', '2025-26-Q3-board', 'manifest.json'), 'utf8'));
    expect(manifest.pack.partial).toBe(true);
    const partial = 'Q3 2025-26 (October to December 2025) ends on 2025-12-31, after the as-of date 2025-10-14: this is a partial period and its figures will change.';
    expect(manifest.warnings[0]).toBe(partial);
    expect(result.stderr).toContain(`boardpack: ${partial}\n`);
  });

  it('refuses a period with nothing loaded in it, in one sentence, rather than building zeros', async () => {
    const result = await boardpack('build', '--period', '2023-24', '--as-of', '2025-10-14');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('boardpack: No crimes, volunteer hours or training events loaded fall in Financial year 2023-24, so its pack would show zeros that mean no data; check the period, or ingest the exports that cover it.\n');
    expect(existsSync(join(dir, 'out', '2023-24-board'))).toBe(false);
  });

  it('resolves a relative period against --as-of', async () => {
    expect((await boardpack('build', '--period', 'last-complete-quarter', '--as-of', '2025-10-01')).code).toBe(0);
    expect(existsSync(join(dir, 'out', '2025-26-Q2-board', 'manifest.json'))).toBe(true);
  });

  it.each([
    [
      ['build', '--period', 'Q2'],
      'boardpack: "Q2" is not a period; use a month (2025-09), a financial quarter (2025-26-Q2), a financial year (2025-26) or one of last-complete-month, last-complete-quarter, current-quarter, current-financial-year.\n',
    ],
    [['build'], 'boardpack: Say which period to build with --period, e.g. --period 2025-26-Q2 or --period last-complete-quarter.\n'],
    [['build', '--period', '2025-26-Q2', '--as-of', '14/10/2025'], 'boardpack: --as-of "14/10/2025" is not a date; give it as yyyy-mm-dd, e.g. 2025-10-14, or as extract for the date the loaded data runs to.\n'],
    [['build', '--period', '2025-26-Q2', '--edition', 'press'], 'boardpack: Unknown edition "press"; use board or public.\n'],
  ])('refuses bad use with one sentence and exit 2: %j', async (args, message) => {
    const result = await boardpack(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(message);
  });
});
