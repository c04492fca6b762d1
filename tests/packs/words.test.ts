import { beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { decodeEntities, lintWords, readableText, type WordsContext } from '../../pipelines/packs/wordsLint.ts';
import type { Manifest } from '../../pipelines/packs/manifest.ts';
import { samplePacks } from '../support/samplePacks.ts';

// The words lint on the sample pack, both editions: no file path, configuration key, dataset
// identifier, doubled unit, unitless change or mislabelled hash reaches a reader.

const DATASETS = readdirSync(resolve('queries/contracts'))
  .filter((f) => f.endsWith('.json') && f !== 'personal.json')
  .map((f) => f.slice(0, -5));
const packs: Record<string, { html: string; context: WordsContext }> = {};

// The sample packs the browser tests read (built once a run, both editions, with the sample
// commentary, as `npm start` builds them): read, never changed.
beforeAll(async () => {
  const built = await samplePacks();
  for (const edition of ['board', 'public'] as const) {
    const folder = dirname(built[edition]);
    const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as Manifest;
    packs[edition] = {
      html: readFileSync(join(folder, 'index.html'), 'utf8'),
      context: { inputFiles: manifest.inputs.map((i) => i.file), datasets: DATASETS, units: Object.fromEntries(manifest.metrics.map((m) => [m.id, m.unit])) },
    };
  }
}, 120_000);

describe('board-facing words of the sample pack', () => {
  it.each(['board', 'public'])('%s edition: nothing for a reader to trip on', (edition) => {
    const { html, context } = packs[edition]!;
    expect(lintWords(html, context)).toEqual([]);
    // What the issue found, now gone.
    const text = readableText(html).join('\n');
    expect(text).not.toMatch(/Unit: gbp|None: Filed|datasets\.md|max_age_days|nfib_codes/);
    expect(text).toContain('Unit: pounds (£).');
    expect(text).toContain('Filed by NFIB (19): none.');
  });

  it('citation IDs do not wrap: .cite is white-space: nowrap', () => {
    expect(readFileSync(resolve('reports/styles/pack.css'), 'utf8')).toMatch(/\.cite \{[^}]*white-space: nowrap;/);
  });
});

describe('the lint can fail', () => {
  const context: WordsContext = { inputFiles: ['incidents.csv'], datasets: ['incidents', 'volunteer_hours'], units: { 'INC-06': 'days', 'INC-05': 'percent', 'INC-01': 'count' } };
  it.each([
    ['a path', '<p>Categories come from queries/reference/nfib_codes.csv.</p>', 'a file path or name: "queries/reference/nfib_codes.csv"'],
    ['a document name', '<p>As in datasets.md.</p>', 'a file path or name: "datasets.md"'],
    ['a configuration key', '<td>older than data_quality.max_age_days</td>', 'an internal name (configuration key or dataset identifier): "data_quality.max_age_days"'],
    ['a dataset identifier', '<td>incidents</td>', 'a dataset identifier standing for its dataset: "incidents"'],
    ['a doubled unit', '<p>Deployment rate (%) was 71.7 % against a target.</p>', 'a doubled unit: "Deployment rate (%) was 71.7 % against a target."'],
    ['a short hash called SHA-256', '<p>Query (SHA-256 d3d614e64be49219).</p>', 'a 16-character hash called SHA-256 (a SHA-256 has 64): "Query (SHA-256 d3d614e64be49219)."'],
    ['a unitless change', '<tr id="score-INC-06"><th>x</th><td class="num">6.5 days</td><td class="num">8.0 days</td><td class="num">−1.5 (−18.8 %)</td></tr>', 'a change without its unit (days) for INC-06: "−1.5 (−18.8 %)"'],
    ['a loose citation ID', '<p>See WM-2026-27-Q2-INC-05.</p>', 'a citation ID outside a .cite link, where it may break across lines: WM-2026-27-Q2-INC-05'],
  ])('%s', (_, html, problem) => {
    expect(lintWords(html, context).map((p) => p.replace(/ in ".*"$/, ''))).toEqual([problem]);
  });

  it('lets the export names, a full SHA-256, a change with its unit and a cited ID through', () => {
    const html = `<td>incidents.csv</td><td>SHA-256 ${'a'.repeat(64)}</td><tr id="score-INC-06"><th>x</th><td>1</td><td>2</td><td class="num">−1.5 days (−18.8 %)</td></tr><a class="cite" id="WM-2026-27-Q2-INC-05" href="#WM-2026-27-Q2-INC-05">WM-2026-27-Q2-INC-05</a>`;
    expect(lintWords(html, context)).toEqual([]);
  });
});

describe('the public edition reads on its own', () => {
  it('explains <5 and [c] in a "How to read this pack" box; the board edition has none', () => {
    const box = /<aside id="how-to-read"[\s\S]*?<\/aside>/.exec(packs.public!.html)?.[0] ?? '';
    const text = readableText(box).join(' ');
    expect(text).toContain('How to read this pack');
    expect(text).toContain('<5 Fewer than 5: between 1 and 4.');
    expect(text).toContain('[c] Confidential: withheld to protect confidentiality. A percentage or average based on fewer than 10 crimes or people');
    expect(packs.board!.html).not.toContain('<aside id="how-to-read"');
  });

  it('gives a chart whose every figure is withheld one sentence, not an empty frame', () => {
    const figure = /<figure class="chart" aria-labelledby="chart-contact-28-days-caption">([\s\S]*?)<\/figure>/.exec(packs.public!.html)![1]!;
    expect(figure).not.toContain('<svg');
    expect(readableText(figure).join(' ')).toContain("each month from September 2025 to September 2026: every month's figure is withheld, as too few to show.");
    expect(figure).toContain('<p class="chart-withheld">Every figure in this chart is withheld to protect confidentiality ([c] or &lt;5), so there is nothing to draw');
    expect(/<figure class="chart" aria-labelledby="chart-contact-28-days-caption">[\s\S]*?<\/figure>/.exec(packs.board!.html)![0]).toContain('<svg');
  });

  it('describes a breakdown with withheld groups by the total the scorecard shows, not the sum of the groups shown', () => {
    const caption = (id: string) => readableText(new RegExp(`<figcaption id="chart-${id}-caption">[\\s\\S]*?</figcaption>`).exec(packs.public!.html)![0]).join(' ');
    // 146 crimes (INC-01 in the scorecard); the groups shown add up to 124.
    expect(packs.public!.html).toMatch(/<tr id="score-INC-01">[\s\S]*?<td class="num">146</);
    expect(caption('by-category')).toContain('146 in all, some of them in groups not shown to protect small numbers, against 145 in Q1 2026-27 (April to June 2026).');
    expect(caption('by-category')).toContain('Not shown, to protect small numbers: Denial of service attack, Denial of service attack - extortion, Hacking - extortion and Hacking - PBX/dial through.');
    // Charity's 6 is hidden with the small groups: the audit found it would give them away.
    expect(caption('by-victim-type')).toContain('Not shown, to protect small numbers: Charity, Public sector, Education and Other.');
  });

  it('keeps the categories in their order when some are withheld, and says "not available" as the board edition does', () => {
    const figure = /<figure class="chart" aria-labelledby="chart-by-category-caption">([\s\S]*?)<\/figure>/.exec(packs.public!.html)![1]!;
    const wide = figure.slice(0, figure.indexOf('chart-narrow'));
    const axes = [...wide.matchAll(/<g class="mark-text role-axis-label"[\s\S]*?<\/g>/g)].map((g) =>
      [...g[0].matchAll(/<text[^>]*>([\s\S]*?)<\/text>/g)].map((t) =>
        t[1]!
          .replace(/<tspan[^>]*>/g, ' ')
          .replace(/<\/tspan>/g, '')
          .trim(),
      ),
    );
    const categories = axes.find((labels) => labels[0]!.startsWith('Computer'))!;
    const rows = [...figure.matchAll(/<tr><th scope="row">([^<]*)<\/th>/g)].map((m) => decodeEntities(m[1]!));
    expect(categories.map((c) => c.replace(/\s+/g, ' '))).toEqual(rows.map((r) => r.replace(/\s+/g, ' ')));
    expect(rows.slice(1, 3)).toEqual(['Denial of service attack', 'Denial of service attack - extortion']);
    expect(readableText(packs.public!.html)).not.toContain('n/a');
    expect(readableText(packs.public!.html).join('\n')).toContain('not available');
  });
});
