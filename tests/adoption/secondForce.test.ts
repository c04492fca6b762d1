import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Manifest } from '../../pipelines/packs/manifest.ts';
import { type CliRun, runCli } from '../support/cli.ts';

// Another force adopts boardpack by configuration alone: fixtures/second-force holds the
// configuration, reference folder and exports of the fictitious Northshire Police (code NS), whose
// export headers are its own, mapped by "aliases". Nothing of West Mercia may show in its packs.
// Every figure below is counted by hand from fixtures/second-force/exports/crimes.csv.

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'second-force');
const AT = '2026-10-14T12:00:00Z';
const BOARD = 'OFFICIAL-SENSITIVE: BOARD MEMBERS ONLY';
const PUBLIC = 'OFFICIAL: PUBLISHED';
let dir: string;
const built: Record<string, CliRun> = {};

const boardpack = (...args: string[]) => runCli(dir, AT, args);
const manifest = (folder: string): Manifest => JSON.parse(readFileSync(join(dir, 'out', folder, 'manifest.json'), 'utf8')) as Manifest;
const html = (folder: string) => readFileSync(join(dir, 'out', folder, 'index.html'), 'utf8');
const metric = (folder: string, id: string) => manifest(folder).metrics.find((m) => m.id === id)!;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'boardpack-second-force-'));
  cpSync(FIXTURE, dir, { recursive: true });
  built.ingest = await boardpack('--json', 'ingest', 'exports');
  built.board = await boardpack('build', '--period', 'last-complete-quarter');
  built.public = await boardpack('build', '--period', 'last-complete-quarter', '--edition', 'public');
  built.area = await boardpack('build', '--period', 'last-complete-quarter', '--area', 'ambervale');
  built.regional = await boardpack('build', '--period', 'last-complete-quarter', '--pack', 'regional');
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a second force, by configuration alone', () => {
  it("ingests exports whose headers are the force's own, each as its dataset", () => {
    expect(built.ingest!.code).toBe(0);
    const files = (JSON.parse(built.ingest!.stdout) as { files: { file: string; dataset: string; status: string; rows_loaded: number; rows_excluded: number }[] }).files;
    expect(files.map((f) => [f.file, f.dataset, f.status, f.rows_loaded])).toEqual([
      // 18 crimes, one a fraud code (NFIB5A, NS-TEST-0107) and so out of scope.
      ['crimes.csv', 'incidents', 'loaded', 17],
      ['protect-sessions.csv', 'training', 'loaded', 4],
      ['volunteer-register.csv', 'volunteers', 'loaded', 4],
      ['volunteer-shifts.csv', 'volunteer_hours', 'loaded', 5],
    ]);
    expect(files[0]!.rows_excluded).toBe(1);
  });

  it('names the force, its code and its marking in the manifests and citation IDs', () => {
    for (const run of ['board', 'public', 'area', 'regional']) expect(built[run]!.code, built[run]!.stderr).toBe(0);
    expect(manifest('2026-27-Q2-board').pack).toMatchObject({ force: 'Northshire', marking: BOARD, scope: { kind: 'force', forces: ['Northshire'], code: 'NS' } });
    expect(manifest('2026-27-Q2-public').pack).toMatchObject({ force: 'Northshire', marking: PUBLIC });
    expect(metric('2026-27-Q2-board', 'INC-01').citation_id).toBe('NS-2026-27-Q2-INC-01');
    expect(metric('2026-27-Q2-public', 'INC-05').citation_id).toBe('NS-2026-27-Q2-INC-05');
  });

  it('counts the crimes of the quarter as worked out by hand', () => {
    // July to September 2026: NS-TEST-0101..0106 (Ambervale; 0107 is fraud), 0108..0112
    // (Brackenmoor), 0113 (Force-wide) and 0114 (no area): 6 + 5 + 1 + 1 = 13.
    expect(metric('2026-27-Q2-board', 'INC-01').value).toBe(13);
    // Contacted: all but 0104 and 0110, both more than 28 days old at 14 October: 11 of 13.
    expect(metric('2026-27-Q2-board', 'INC-05')).toMatchObject({ value: 84.6, numerator: 11, denominator: 13, target: 85 });
  });

  it("builds an area pack for one of the force's own areas", () => {
    const area = manifest('2026-27-Q2-area-ambervale-board');
    expect(area.pack).toMatchObject({ area: 'Ambervale', force: 'Ambervale, Northshire', marking: BOARD, scope: { kind: 'area', code: 'NS-AMB' } });
    expect(metric('2026-27-Q2-area-ambervale-board', 'INC-01')).toMatchObject({ value: 6, citation_id: 'NS-AMB-2026-27-Q2-INC-01' });
    // The cover names the force's Commissioner, and the area in the pack's title.
    expect(html('2026-27-Q2-area-ambervale-board')).toContain('Northshire Police and Crime Commissioner');
    expect(html('2026-27-Q2-area-ambervale-board')).toContain('Local policing area cyber crime report: Ambervale');
  });

  it("gives the region's rate per 100,000 from the force's own population file", () => {
    const figure = manifest('2026-27-Q2-regional-board').comparison!.figures.find((f) => f.metric === 'INC-01' && f.place === 'Northshire')!;
    // 13 crimes among 412,000 residents: 13 * 100,000 / 412,000 = 3.155..., shown as 3.2.
    expect(figure).toMatchObject({ value: 13, rate: 3.2, rate_display: '3.2' });
  });

  it('shows the marking on the cover and on every page, and no West Mercia wording anywhere', () => {
    for (const [folder, marking] of [
      ['2026-27-Q2-board', BOARD],
      ['2026-27-Q2-public', PUBLIC],
      ['2026-27-Q2-area-ambervale-board', BOARD],
      ['2026-27-Q2-regional-board', BOARD],
    ] as const) {
      const page = html(folder);
      expect(page).toContain(`<dt>Security marking</dt><dd>${marking}</dd>`);
      expect(page.match(/<p class="marking">([^<]+)<\/p>/g)).toEqual([`<p class="marking">${marking}</p>`, `<p class="marking">${marking}</p>`]);
      expect(page).not.toMatch(/West Mercia|Mercia|Shropshire|Herefordshire|Worcestershire|Telford|WM-\d/);
      expect(page).not.toMatch(/OFFICIAL-SENSITIVE<|>OFFICIAL</);
      expect(readFileSync(join(dir, 'out', folder, 'manifest.json'), 'utf8')).not.toMatch(/West Mercia|WM-\d/);
    }
  });

  it("cites a figure with the force's code and marking", async () => {
    const cite = await boardpack('cite', 'NS-2026-27-Q2-INC-01', '--edition', 'board', '--format', 'json');
    expect(cite.code).toBe(0);
    expect(JSON.parse(cite.stdout)).toMatchObject({ citation_id: 'NS-2026-27-Q2-INC-01', figure: { value: 13 }, pack: { marking: BOARD } });
    const missing = await boardpack('cite', 'INC-01');
    expect(missing.stderr).toBe('boardpack: Say which pack: give a citation ID such as NS-2025-26-Q2-INC-01, or --period with the metric ID.\n');
  });

  it('verifies its packs from the archived exports, with the marking the snapshot recorded', async () => {
    for (const folder of ['2026-27-Q2-board', '2026-27-Q2-public', '2026-27-Q2-area-ambervale-board', '2026-27-Q2-regional-board']) {
      const verify = await boardpack('verify', join(dir, 'out', folder));
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    }
    expect(manifest('2026-27-Q2-board').snapshot.settings.markings).toEqual({ board: BOARD, public: PUBLIC });
    // The archived copy verify reloads keeps the Force column in clear (a token there loaded no crime for Northshire).
    const crimes = manifest('2026-27-Q2-board').snapshot.files.find((f) => f.dataset === 'incidents')!;
    const copy = readFileSync(join(dir, 'archive', 'canonical', crimes.sha256.slice(0, 2), `${crimes.sha256}.csv`), 'utf8');
    expect(copy.split('\n')[1]).toBe('"NS-TEST-0001","08/04/2026","NFIB52A","Individual","Ambervale","09/04/2026",,,"Northshire"');
  });

  it('refuses a marking that is empty, in one sentence, exit 2', async () => {
    writeFileSync(join(dir, 'empty-marking.json'), JSON.stringify({ markings: { board: ' ' } }));
    const run = await boardpack('--config', join(dir, 'empty-marking.json'), 'status');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('boardpack: Configuration "markings" must give each edition\'s security marking in words, e.g. {"board": "OFFICIAL-SENSITIVE", "public": "OFFICIAL"}.\n');
  });

  it('builds one area pack per area of its own areas list in a refresh', async () => {
    const refresh = await boardpack('--json', 'refresh');
    expect(refresh.code, refresh.stderr).toBe(0);
    expect(manifest('2026-27-Q2-area-brackenmoor-board').pack.area).toBe('Brackenmoor');
    expect(metric('2026-27-Q2-area-brackenmoor-board', 'INC-01').value).toBe(5);
  });
});
