import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../pipelines/metrics/catalog.ts';
import { loadRelations } from '../../pipelines/metrics/relations.ts';
import { buildAuditModel } from '../../pipelines/packs/auditModel.ts';
import { auditRanges } from '../../pipelines/packs/intruderAudit.ts';
import { readIssuedPublicPacks } from '../../pipelines/packs/issuedPacks.ts';
import type { Manifest } from '../../pipelines/packs/manifest.ts';
import { runCli } from '../support/cli.ts';

// The sample's four local policing areas as public area packs, issued after the force's own
// public pack into one out folder, as the nightly job builds them.

const ROOT = resolve(import.meta.dirname, '../..');
const AT = '2026-10-14T09:00:00Z';
const PERIOD = ['--period', '2026-27-Q2', '--as-of', '2026-10-14'];
const AREAS = ['Herefordshire', 'Shropshire', 'Telford & Wrekin', 'Worcestershire'];
let dir: string;
/** Public area packs the build refused: what the intruder could have worked out, in its sentence. */
const refused: Record<string, string> = {};

const manifest = (folder: string) => JSON.parse(readFileSync(join(dir, 'out', folder, 'manifest.json'), 'utf8')) as Manifest;
const value = (m: Manifest, id: string) => m.metrics.find((x) => x.id === id)!.value;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'boardpack-areas-'));
  expect((await runCli(dir, AT, ['ingest', join(ROOT, 'fixtures/sample')])).code).toBe(0);
  for (const edition of ['board', 'public']) {
    const run = await runCli(dir, AT, ['build', '--edition', edition, ...PERIOD]);
    expect(run.code, run.stderr).toBe(0);
  }
  for (const area of AREAS) {
    const board = await runCli(dir, AT, ['build', '--area', area.toLowerCase(), ...PERIOD]);
    expect(board.code, board.stderr).toBe(0);
    // A public area pack that would let small numbers be worked out with the packs issued before it is not written.
    const run = await runCli(dir, AT, ['build', '--area', area.toLowerCase(), '--edition', 'public', ...PERIOD]);
    if (run.code !== 0) refused[area] = run.stderr;
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('area packs of the sample', () => {
  it("name their area, and their crimes are the force's with that area", () => {
    const force = manifest('2026-27-Q2-board');
    const areas = AREAS.map((a) => manifest(`2026-27-Q2-area-${a.toLowerCase().replace(' & ', '-and-')}-board`));
    expect(areas.map((m) => m.pack.area)).toEqual(AREAS);
    expect(areas.map((m) => m.pack.force)).toEqual(AREAS.map((a) => `${a}, West Mercia`));
    const sum = areas.reduce((a, m) => a + (value(m, 'INC-01') as number), 0);
    // Crimes with no area, Force-wide or Unknown are the force's only.
    expect(sum).toBeLessThanOrEqual(value(force, 'INC-01') as number);
    expect(areas.map((m) => m.metrics.find((x) => x.id === 'INC-01')!.citation_id)).toEqual(['WM-HER-2026-27-Q2-INC-01', 'WM-SHR-2026-27-Q2-INC-01', 'WM-TEL-2026-27-Q2-INC-01', 'WM-WOR-2026-27-Q2-INC-01']);
  });

  it('gives a rate where the area has a published population, and says so where it has none', () => {
    const shropshire = manifest('2026-27-Q2-area-shropshire-board');
    const crimes = value(shropshire, 'INC-01') as number;
    // queries/reference/population.csv: Shropshire 332,455 (ONS mid-2024).
    expect(shropshire.metrics.find((x) => x.id === 'INC-01')!.rate).toMatchObject({ value: Math.round((crimes * 1e6) / 332455) / 10, population: 332455 });
    expect(manifest('2026-27-Q2-area-worcestershire-board').metrics.find((x) => x.id === 'INC-01')!.rate?.display).toBe('n/a');
    const html = readFileSync(join(dir, 'out', '2026-27-Q2-area-worcestershire-board', 'index.html'), 'utf8');
    expect(html).toContain('rate per 100,000 residents not available');
  });

  it('leave no small count an intruder could narrow, reading every public pack issued together', async () => {
    // The area pack leaves breakdowns to the force's pack, so every area's public pack can be issued.
    expect(refused).toEqual({});
    const packs = readIssuedPublicPacks(join(dir, 'out'));
    expect(packs.map((p) => p.name).sort()).toEqual(['2026-27-Q2-area-herefordshire-public', '2026-27-Q2-area-shropshire-public', '2026-27-Q2-area-telford-and-wrekin-public', '2026-27-Q2-area-worcestershire-public', '2026-27-Q2-public']);
    const relations = loadRelations(loadCatalog(join(ROOT, 'queries')));
    const model = buildAuditModel(packs, relations);
    expect(model.relations.some((r) => r.route === 'areas of a force')).toBe(true);
    const audit = await auditRanges(model, { minCount: 5, minRange: 4 });
    expect(audit.inconsistent).toEqual([]);
    expect(audit.violations).toEqual([]);
  });

  it('cite an area figure by its citation ID, from the area pack, with a link into that pack', async () => {
    const shropshire = manifest('2026-27-Q2-area-shropshire-board');
    writeFileSync(join(dir, 'published.json'), JSON.stringify({ publish_url: { board: 'https://intranet.example.org/packs/' } }));
    const run = await runCli(dir, AT, ['--config', 'published.json', 'cite', 'WM-SHR-2026-27-Q2-INC-01', '--edition', 'board']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(`Crimes reported, Shropshire, West Mercia, Q2 2026-27 (July to September 2026): ${value(shropshire, 'INC-01')}. Data as of 14 October 2026.`);
    expect(lines).toContain('Link: https://intranet.example.org/packs/2026-27-Q2-area-shropshire-board/index.html#WM-SHR-2026-27-Q2-INC-01');
    // An area code the force does not have is named, with the ones it has.
    const unknown = await runCli(dir, AT, ['cite', 'WM-ZZZ-2026-27-Q2-INC-01', '--edition', 'board']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      "boardpack: WM-ZZZ-2026-27-Q2-INC-01 names the area code ZZZ, which is not one of West Mercia's local policing areas (HER Herefordshire, SHR Shropshire, TEL Telford & Wrekin, WOR Worcestershire); check the citation ID.\n",
    );
  });
});
