import { inject } from 'vitest';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { main } from '../../pipelines/cli.ts';
import { chromiumMissing } from '../../pipelines/lib/chromium.ts';
import { fixedClock } from '../../pipelines/lib/clock.ts';
import { printPackPdf } from '../../pipelines/packs/packPdf.ts';
import { printPdfWith } from '../../pipelines/packs/printPdf.ts';
import { connectBrowser } from '../browser/browser.ts';

/**
 * The sample exports run from October 2024 to September 2026: its last quarter, with a year before it to compare,
 * as of the date the data runs to, as `npm start` builds it (`--as-of extract`), with the sample commentary.
 */
export const PERIOD = '2026-27-Q2';
export const AS_OF = '2026-09-30';

/**
 * Both editions of the sample pack, built and printed to PDF once for every test file that reads them (the
 * browser files, tests/packs/words.test.ts), in the folder the global set-up gives: the first file to ask
 * builds them while the others wait.
 * Read them, never change them: a file that needs a changed pack writes a copy in its own folder.
 */
export async function samplePacks(): Promise<Record<'board' | 'public', string>> {
  const dir = inject('samplePacksDir');
  const built = join(dir, 'packs.json');
  const building = join(dir, 'building');
  for (;;) {
    if (existsSync(built)) return JSON.parse(readFileSync(built, 'utf8')) as Record<'board' | 'public', string>;
    try {
      mkdirSync(building);
      break;
    } catch {
      await new Promise((resolveWait) => setTimeout(resolveWait, 100));
    }
  }
  try {
    if (existsSync(built)) return JSON.parse(readFileSync(built, 'utf8')) as Record<'board' | 'public', string>;
    const packs = (await buildSamplePacks(dir, ['board', 'public'])) as Record<'board' | 'public', string>;
    // Printed as \`build --pdf\` prints (tests/packs/pdf.test.ts runs that), in the run's shared Chromium. Without
    // Chromium the browser tests skip themselves, and the other readers of these packs need no PDF.
    if (chromiumMissing() === null) {
      const browser = await connectBrowser();
      try {
        for (const html of Object.values(packs)) await printPackPdf(dirname(html), (from, to) => printPdfWith(browser, from, to));
      } finally {
        await browser.close();
      }
    }
    writeFileSync(built, JSON.stringify(packs));
    return packs;
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
}

/** Ingests fixtures/sample into a fresh database in `dir` and builds Q2 2026-27 in each edition; returns their index.html paths. */
export async function buildSamplePacks(dir: string, editions: ('board' | 'public')[], extra: string[] = []): Promise<Record<string, string>> {
  // Run in `dir`, so the database and its archive of the exports stay in the temp folder.
  let stderr = '';
  const io = { stdout: () => {}, stderr: (t: string) => void (stderr += t), clock: fixedClock(`${AS_OF}T12:00:00Z`), cwd: dir };
  const db = join(dir, 'db.duckdb');
  cpSync(resolve('commentary'), join(dir, 'commentary'), { recursive: true });
  if ((await main(['--db', db, 'ingest', resolve('fixtures/sample')], io)) !== 0) throw new Error(`ingesting fixtures/sample failed: ${stderr}`);
  const packs: Record<string, string> = {};
  for (const edition of editions) {
    const code = await main(['--db', db, 'build', '--period', PERIOD, '--as-of', AS_OF, '--edition', edition, '--out', join(dir, 'out'), ...extra], io);
    if (code !== 0) throw new Error(`building the ${edition} edition failed: ${stderr}`);
    packs[edition] = join(dir, 'out', `${PERIOD}-${edition}`, 'index.html');
  }
  return packs;
}
