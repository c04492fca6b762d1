import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../pipelines/lib/clock.ts';
import type { Manifest } from '../../pipelines/packs/manifest.ts';

// Issue 12's promise, tried as an analyst would: in a copy of the project, add a metric (SQL and
// JSON), a chart and a section by editing files only, build both editions, and find them in the
// pack. Then each mistake an analyst can make gets one sentence naming the file and the key.
// The steps are those of docs/howto/add-a-metric.md, add-a-chart.md and add-a-section.md.

const ROOT = resolve(import.meta.dirname, '../..');
type Main = (argv: string[], io: object) => Promise<number>;

let copy: string;
let main: Main;

/** Runs the copy's own command line in-process, in the copy's folder. */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t), clock: fixedClock('2026-10-14T12:00:00Z'), cwd: copy };
  const code = await main(argv, io);
  return { code, out, err };
}

const write = (path: string, text: string) => writeFileSync(join(copy, path), text);
const read = (path: string) => readFileSync(join(copy, path), 'utf8');
const manifestOf = (pack: string) => JSON.parse(read(`out/${pack}/manifest.json`)) as Manifest;

const METRIC_SQL = `-- INC-11 Crimes by local policing area: INC-01 crimes (reported_on in the period) by the area
-- recorded on the crime, every area of the reference list in its order, zeros included; a crime
-- with no area counts as Unknown, so the areas add up to INC-01.
with areas as (
  select area from ref_areas
),

incidents as (
  select * from stg_incidents
  where reported_on between $start and $end
),

final as (
  select
    areas.area as key,
    count(incidents.crime_ref) as value
  from areas
  left join incidents on coalesce(incidents.area, 'Unknown') = areas.area
  group by areas.area
  order by areas.area
)

select * from final
`;

const METRIC_JSON = {
  $schema: '../../schemas/metric.schema.json',
  id: 'INC-11',
  title: 'Crimes by local policing area',
  definition: 'Crimes reported in the period (INC-01) by the local policing area recorded on the crime; every area is listed, with zeros.',
  unit: 'count',
  decimals: 0,
  direction: 'neutral',
  grain: 'period by local policing area',
  owner: 'Head of Cyber Crime Unit',
  target: null,
  tolerance: null,
  breakdown: true,
  parts_of: 'INC-01',
  datasets: ['incidents'],
  caveats: ['A crime with no area recorded is counted as Unknown.'],
};

beforeAll(async () => {
  copy = mkdtempSync(join(tmpdir(), 'boardpack-analyst-'));
  for (const part of ['pipelines', 'queries', 'reports', 'schemas', 'package.json']) cpSync(join(ROOT, part), join(copy, part), { recursive: true });
  cpSync(join(ROOT, 'fixtures', 'sample'), join(copy, 'fixtures', 'sample'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  main = ((await import(pathToFileURL(join(copy, 'pipelines', 'cli.ts')).href)) as { main: Main }).main;
  expect((await run('ingest', 'fixtures/sample')).code).toBe(0);

  // 1. The metric: SQL and its metadata twin.
  write('queries/metrics/INC-11.sql', METRIC_SQL);
  write('queries/metrics/INC-11.json', `${JSON.stringify(METRIC_JSON, null, 2)}\n`);
  // 2. The chart: a Vega-Lite spec whose boardpack block names the breakdown.
  const spec = JSON.parse(read('reports/charts/by-victim-type.json')) as Record<string, unknown>;
  spec.boardpack = { title: 'Crimes by area', from: { breakdown: 'INC-11' }, compare_previous: true, describe: { lead: 'Crimes reported', by: 'by local policing area' }, table: { key_header: 'Area' } };
  (spec.title as { text: string }).text = 'Crimes by area';
  write('reports/charts/by-area.json', JSON.stringify(spec, null, 2));
  // 3. The section, after crime, in the board pack's definition.
  const board = JSON.parse(read('reports/packs/board.json')) as { sections: Record<string, unknown>[] };
  board.sections.splice(1, 0, { id: 'areas', title: 'Local policing areas', introduction: 'Where crimes were reported, area by area.', metrics: ['INC-11'], charts: ['by-area'] });
  write('reports/packs/board.json', JSON.stringify(board, null, 2));
}, 120_000);

afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe('an analyst adds a metric, a chart and a section by files only', () => {
  it('builds the board edition with the figure in the manifest and the section and chart (with its data table) in the pack', async () => {
    const built = await run('build', '--period', '2026-09', '--as-of', '2026-10-14');
    expect(built.err).toBe('');
    expect(built.code).toBe(0);
    const manifest = manifestOf('2026-09-board');
    const inc11 = manifest.metrics.find((m) => m.id === 'INC-11')!;
    // Worked from fixtures/sample: crimes reported in September 2026 by area (47 in all, INC-01).
    expect(inc11.breakdown!.map((r) => [r.key, r.value])).toEqual([
      ['Force-wide', 0],
      ['Herefordshire', 4],
      ['Shropshire', 17],
      ['Telford & Wrekin', 8],
      ['Unknown', 0],
      ['Worcestershire', 18],
    ]);
    expect(inc11.value).toBe(47);
    expect(manifest.metrics.find((m) => m.id === 'INC-01')!.value).toBe(47);
    expect(inc11.section).toBe('areas');
    const html = read('out/2026-09-board/index.html');
    expect(html).toMatch(/<section id="areas" class="topic"[^>]*>\s*<h2 id="areas-title">Local policing areas<\/h2>/);
    expect(html).toContain('href="#areas"');
    expect(html).toContain('<figcaption id="chart-by-area-caption"><strong>Crimes by area</strong>. Crimes reported in September 2026 by local policing area: 47 in all');
    expect(html).toMatch(/<caption id="chart-by-area-table-caption">Crimes by area: September 2026 and August 2026<\/caption>\s*<thead><tr><th scope="col">Area<\/th>/);
    expect(html).toContain('<tr><th scope="row">Herefordshire</th><td class="num">4</td><td class="num">6</td></tr>');
    // The new section sits where the definition puts it: after crime, before volunteers.
    const order = [...html.matchAll(/<section id="([a-z-]+)" class="topic"/g)].map((m) => m[1]);
    expect(order).toEqual(['crime', 'areas', 'volunteers', 'protect', 'actions']);
  });

  it('builds the public edition with the small area hidden and a second cell hidden so it cannot be worked back from the total', async () => {
    const built = await run('build', '--period', '2026-09', '--as-of', '2026-10-14', '--edition', 'public');
    expect(built.code).toBe(0);
    const manifest = manifestOf('2026-09-public');
    const rows = manifest.metrics.find((m) => m.id === 'INC-11')!.breakdown as unknown as { key: string; value: number | null; display: { value: string } }[];
    const shown = Object.fromEntries(rows.map((r) => [r.key, r.display.value]));
    expect(shown.Herefordshire).toBe('<5');
    // The total (47) is published as INC-01, so one more non-zero cell is suppressed with it.
    const secondary = rows.filter((r) => r.display.value === '[c]');
    expect(secondary.length).toBeGreaterThanOrEqual(1);
    expect(rows.filter((r) => r.value !== null).reduce((sum, r) => sum + r.value!, 0)).toBeLessThan(47 - 4);
    const html = read('out/2026-09-public/index.html');
    expect(html).toContain('<tr><th scope="row">Herefordshire</th><td class="num">&lt;5</td>');
    expect(html).not.toMatch(/<th scope="row">Herefordshire<\/th><td class="num">4<\/td>/);
  });
});

describe('a second pack, defined by one file, with a chart fed by a query file', () => {
  const QUERY = `-- Crimes by source in the period: a board-only chart fed straight from a query file.
with incidents as (
  select * from stg_incidents
  where reported_on between $start and $end
),

final as (
  select coalesce(source, 'Not recorded') as key, count(*) as value
  from incidents
  group by all
  order by key
)

select * from final
`;

  beforeAll(() => {
    mkdirSync(join(copy, 'queries', 'charts'), { recursive: true });
    write('queries/charts/crimes-by-source.sql', QUERY);
    const spec = JSON.parse(read('reports/charts/events-by-audience.json')) as Record<string, unknown>;
    spec.boardpack = { title: 'Crimes by source', from: { query: 'crimes-by-source' }, describe: { lead: 'Crimes reported', by: 'by how they reached the force' }, table: { key_header: 'Source' } };
    (spec.title as { text: string }).text = 'Crimes by source';
    write('reports/charts/by-source.json', JSON.stringify(spec, null, 2));
    write(
      'reports/packs/sources.json',
      JSON.stringify({
        title: 'Cyber Crime Unit',
        editions: ['board'],
        headline: [{ metric: 'INC-01', says: 'cyber-dependent crimes were reported' }],
        sections: [{ id: 'sources', title: 'Where crimes come from', metrics: ['INC-01'], charts: ['by-source'] }],
      }),
    );
  });

  it('builds with --pack into its own folder, the chart drawn from the query rows', async () => {
    const built = await run('build', '--pack', 'sources', '--period', '2026-09', '--as-of', '2026-10-14');
    expect(built.code).toBe(0);
    const manifest = manifestOf('2026-09-sources-board');
    expect(manifest.pack).toMatchObject({ name: 'sources', title: 'Cyber Crime Unit' });
    expect(manifest.metrics.map((m) => m.id)).toEqual(['INC-01']);
    const html = read('out/2026-09-sources-board/index.html');
    expect([...html.matchAll(/<section id="([a-z-]+)" class="topic"/g)].map((m) => m[1])).toEqual(['sources']);
    // September 2026: 47 crimes, by source as the sample records them.
    const rows = [...html.matchAll(/<tr><th scope="row">([^<]+)<\/th><td class="num">(\d+)<\/td><\/tr>/g)].map((m) => [m[1], Number(m[2])]);
    expect(rows.reduce((sum, [, n]) => sum + (n as number), 0)).toBe(47);
    expect(html).toContain('<strong>Crimes by source</strong>. Crimes reported in September 2026 by how they reached the force: 47 in all.');
  });

  it('is refused in the public edition it does not list, and a query-fed chart is refused in a pack that has one', async () => {
    const pub = await run('build', '--pack', 'sources', '--period', '2026-09', '--as-of', '2026-10-14', '--edition', 'public');
    expect(pub.code).toBe(2);
    expect(pub.err).toBe('boardpack: The Cyber Crime Unit pack is not published in the public edition; build it with --edition board, or add "public" to "editions" in sources.json.\n');
    const definition = read('reports/packs/sources.json');
    write('reports/packs/sources.json', definition.replace('"editions":["board"]', '"editions":["board","public"]'));
    try {
      const refused = await run('build', '--pack', 'sources', '--period', '2026-09', '--as-of', '2026-10-14');
      expect(refused.code).toBe(2);
      expect(refused.err).toMatch(/^boardpack: reports\/charts\/by-source\.json: "boardpack\.from" feeds the chart from a query file, which disclosure control cannot check, and reports\/packs\/sources\.json has a public edition;/);
    } finally {
      write('reports/packs/sources.json', definition);
    }
  });
});

describe('an analyst mistake is one sentence naming the file and the key', () => {
  async function refused(edit: () => void, undo: () => void): Promise<{ code: number; err: string }> {
    edit();
    try {
      const { code, err } = await run('build', '--period', '2026-09', '--as-of', '2026-10-14', '--out', 'scratch');
      return { code, err };
    } finally {
      undo();
    }
  }

  function editing(path: string, change: (text: string) => string): [() => void, () => void] {
    const before = read(path);
    return [() => write(path, change(before)), () => write(path, before)];
  }

  it('an unknown key in a pack definition', async () => {
    const { code, err } = await refused(...editing('reports/packs/board.json', (t) => t.replace('"introduction": "Where', '"introdution": "Where')));
    expect(code).toBe(2);
    expect(err).toBe('boardpack: reports/packs/board.json: unknown key "sections[1].introdution"; did you mean "introduction"?\n');
  });

  it('an unknown key in the configuration', async () => {
    const { code, err } = await refused(
      () => write('boardpack.config.json', '{"data_quality": {"max_age_day": 30}}'),
      () => rmSync(join(copy, 'boardpack.config.json')),
    );
    expect(code).toBe(2);
    expect(err).toBe('boardpack: boardpack.config.json: unknown key "data_quality.max_age_day"; did you mean "max_age_days"?\n');
  });

  it("an unknown key in a metric's metadata", async () => {
    const { code, err } = await refused(...editing('queries/metrics/INC-11.json', (t) => t.replace('"caveats"', '"caveat"')));
    expect(code).toBe(2);
    expect(err).toBe('boardpack: queries/metrics/INC-11.json: unknown key "caveat"; did you mean "caveats"?\n');
  });

  it("an unknown key in a chart's boardpack block", async () => {
    const { code, err } = await refused(...editing('reports/charts/by-area.json', (t) => t.replace('"compare_previous"', '"compare_previos"')));
    expect(code).toBe(2);
    expect(err).toBe('boardpack: reports/charts/by-area.json: unknown key "boardpack.compare_previos"; did you mean "compare_previous"?\n');
  });

  it('a SQL syntax error names the file and what DuckDB said', async () => {
    const { code, err } = await refused(...editing('queries/metrics/INC-11.sql', (t) => t.replace('from areas\n  left join', 'form areas\n  left join')));
    expect(code).toBe(2);
    expect(err).toMatch(/^boardpack: The query queries\/metrics\/INC-11\.sql does not run: Parser Error: syntax error at or near "form"; fix the SQL\.\n$/);
  });

  it('a metric whose SQL returns no value column names the file', async () => {
    const { code, err } = await refused(...editing('queries/metrics/INC-01.sql', (t) => t.replace(/ as value\b/, ' as crimes')));
    expect(code).toBe(2);
    expect(err).toBe('boardpack: The query queries/metrics/INC-01.sql returns no "value" column (it returns crimes); name the figure "value", e.g. select count(*) as value.\n');
  });

  it('a metric that returns several rows where one is expected names the file', async () => {
    const { code, err } = await refused(...editing('queries/metrics/INC-03.sql', (t) => t.replace('select * from final', 'select * from final union all select * from final')));
    expect(code).toBe(2);
    expect(err).toContain('The query queries/metrics/INC-03.sql returns 2 rows where one is expected');
  });

  it('a section naming a metric that does not exist suggests the nearest', async () => {
    const { code, err } = await refused(...editing('reports/packs/board.json', (t) => t.replace('"metrics": [\n        "INC-11"', '"metrics": [\n        "INK-11"')));
    expect(code).toBe(2);
    expect(err).toBe('boardpack: reports/packs/board.json: "sections[1].metrics[0]" names the metric INK-11, which has no queries/metrics/INK-11.sql; did you mean INC-11?\n');
  });

  it('a chart the section names but no file defines', async () => {
    const { code, err } = await refused(...editing('reports/packs/board.json', (t) => t.replace('"by-area"', '"by-aera"')));
    expect(code).toBe(2);
    expect(err).toBe('boardpack: board.json ("areas" section) names the chart "by-aera", but there is no reports/charts/by-aera.json; did you mean "by-area"?\n');
  });

  it('a pack that does not exist', async () => {
    const { code, err } = await run('build', '--pack', 'bord', '--period', '2026-09', '--as-of', '2026-10-14');
    expect(code).toBe(2);
    expect(err).toBe('boardpack: There is no pack definition "bord"; did you mean "board"?\n');
  });

  it('a breakdown whose total is undeclared', async () => {
    const { code, err } = await refused(...editing('queries/metrics/INC-11.json', (t) => t.replace('  "parts_of": "INC-01",\n', '')));
    expect(code).toBe(2);
    expect(err).toMatch(/queries\/metrics\/INC-11\.json/);
    expect(err).toMatch(/parts_of/);
  });
});
