import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../pipelines/cli.ts';
import { fixedClock } from '../../pipelines/lib/clock.ts';
import { artefactDir } from '../support/artefacts.ts';

// Golden pack outlines: each case builds a pack from exports and compares its outline
// (headings, sections, scorecard rows, charts and their accessibility) with a hand-written
// expected.json; on a mismatch it writes expected-changed.json under the test artefacts folder.

const ROOT = resolve('tests/golden/packs');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'boardpack-golden-pack-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function outline(html: string) {
  const text = (s: string) => s.replace(/<[^>]+>/g, '').trim();
  const chartBlocks = [...html.matchAll(/<section id="([a-z-]+)" class="topic"[\s\S]*?<\/section>/g)].flatMap((section) =>
    [...section[0].matchAll(/<figure class="chart" aria-labelledby="chart-([a-z0-9-]+)-caption">[\s\S]*?<\/figure>/g)].map((f) => {
      const svg = /<svg[^>]*>/.exec(f[0])?.[0] ?? '';
      const id = f[1]!;
      const accessible = /role="img"/.test(svg) && svg.includes(`aria-labelledby="chart-${id}-title chart-${id}-desc"`) && f[0].includes(`<title id="chart-${id}-title">`) && f[0].includes(`<desc id="chart-${id}-desc">`);
      return { id, section: section[1], accessible };
    }),
  );
  return {
    lang: /<html lang="([^"]+)"/.exec(html)?.[1],
    title: text(/<title>([\s\S]*?)<\/title>/.exec(html)?.[1] ?? ''),
    markings: [...html.matchAll(/<p class="marking">([^<]+)<\/p>/g)].map((m) => m[1]),
    h1: text(/<h1[^>]*>([\s\S]*?)<\/h1>/.exec(html)?.[1] ?? ''),
    h2: [...html.matchAll(/<h2[^>]*>([\s\S]*?)<\/h2>/g)].map((m) => text(m[1]!)),
    sections: [...html.matchAll(/<section id="([a-z-]+)"/g)].map((m) => m[1]),
    scorecard: [...html.matchAll(/<tr id="score-([A-Z]{3}-\d{2})"/g)].map((m) => m[1]),
    charts: chartBlocks,
    methodology: [...html.matchAll(/<h3 id="method-([A-Z]{3}-\d{2})"/g)].map((m) => m[1]),
    inputs: [...html.matchAll(/<section id="inputs"[\s\S]*?<\/section>/g)].flatMap((s) => [...s[0].matchAll(/<tr><th scope="row">([^<]+)<\/th>/g)].map((m) => m[1])),
  };
}

describe('golden pack outlines', () => {
  it.each(readdirSync(ROOT).sort())('%s', async (name) => {
    const setup = JSON.parse(readFileSync(join(ROOT, name, 'case.json'), 'utf8')) as { inputs: string; period: string; as_of: string; edition: string };
    // Run in the temporary folder: the command's own files (the archive key) never land in the checkout.
    const io = { stdout: () => {}, stderr: () => {}, clock: fixedClock(`${setup.as_of}T12:00:00Z`), cwd: dir };
    const db = join(dir, `${name}.duckdb`);
    expect(await main(['--db', db, 'ingest', resolve(setup.inputs)], io)).toBe(0);
    expect(await main(['--db', db, 'build', '--period', setup.period, '--as-of', setup.as_of, '--edition', setup.edition, '--out', join(dir, name)], io)).toBe(0);
    const html = readFileSync(join(dir, name, `${setup.period}-${setup.edition}`, 'index.html'), 'utf8');
    const actual = outline(html);
    const expected = JSON.parse(readFileSync(join(ROOT, name, 'expected.json'), 'utf8')) as unknown;
    const changed = join(artefactDir('golden', 'packs', name), 'expected-changed.json');
    if (JSON.stringify(actual) !== JSON.stringify(expected)) writeFileSync(changed, `${JSON.stringify(actual, null, 2)}\n`);
    else rmSync(changed, { force: true });
    expect(actual).toEqual(expected);
  });
});
