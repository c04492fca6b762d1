import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../lib/config.ts';
import { sha256File } from '../lib/hashing.ts';
import { parsePeriod } from '../lib/periods.ts';
import { printPdf } from './printPdf.ts';
import type { FileCheck, Manifest } from './manifest.ts';

/**
 * A pack's PDF kept with its pack: printed whenever the pack is built with `--pdf` or is
 * configured with `"pdf": true`, and recorded in `pdf.json` beside the manifest (its SHA-256
 * and the SHA-256 of the index.html it was printed from). The PDF is a rendering of
 * index.html, so it cannot be listed in the manifest that index.html is checked against;
 * `verify` checks it through pdf.json instead. A rebuild replaces the pack folder whole, so
 * a PDF that is not printed again is gone: the build says so in one line.
 */

export const PDF_FILE = 'pack.pdf';
export const PDF_RECORD = 'pdf.json';

export interface PdfRecord {
  file: string;
  sha256: string;
  /** The page it renders: a PDF of an earlier index.html is stale. */
  printed_from: { file: string; sha256: string };
}

/**
 * Whether the configuration asks for this pack's PDF: a `packs` entry of the same pack, area (`*`: any),
 * period and edition with `"pdf": true`. An area pack's entry does not ask for the force pack's PDF.
 */
export function pdfConfigured(config: Pick<Config, 'packs'>, periodId: string, edition: string, asOf: string, which: { pack?: string; area?: string } = {}): boolean {
  const pack = which.pack ?? (which.area !== undefined ? 'area' : 'board');
  const sameArea = (area: string | undefined) => (area === undefined || which.area === undefined ? area === which.area : area.trim() === '*' || area.trim().toLowerCase() === which.area.trim().toLowerCase());
  return config.packs.some((p) => p.pdf === true && p.edition === edition && (p.pack ?? 'board') === pack && sameArea(p.area) && parsePeriod(p.period, asOf).id === periodId);
}

/** Whether the pack folder about to be replaced holds a PDF (the rebuild would drop it). */
export function hasPdf(packDir: string): boolean {
  return existsSync(join(packDir, PDF_FILE));
}

/** Prints the pack to pack.pdf and records it in pdf.json (written aside and renamed). */
export async function printPackPdf(packDir: string, print: (html: string, pdf: string) => Promise<void> = printPdf): Promise<PdfRecord> {
  const html = join(packDir, 'index.html');
  const pdf = join(packDir, PDF_FILE);
  // A failed print must not leave the earlier record vouching for a PDF that is no longer there.
  rmSync(join(packDir, PDF_RECORD), { force: true });
  await print(html, pdf);
  const record: PdfRecord = { file: PDF_FILE, sha256: sha256File(pdf), printed_from: { file: 'index.html', sha256: sha256File(html) } };
  const temp = join(packDir, `.${PDF_RECORD}.tmp-${process.pid}`);
  writeFileSync(temp, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(temp, join(packDir, PDF_RECORD));
  return record;
}

/** The one line a rebuild prints when the earlier pack's PDF is gone and no new one was asked for. */
export function pdfRemovedNotice(packName: string): string {
  return `The earlier ${packName} pack.pdf was removed: it showed the previous build; print it again with --pdf, or set "pdf": true on the pack in the configuration to reprint it at every build.`;
}

/** `verify`: pack.pdf against pdf.json, and pdf.json against the manifest's index.html. Nothing when the pack has no PDF. */
export function checkPdf(packDir: string, manifest: Pick<Manifest, 'html_sha256'> | Manifest): FileCheck[] {
  const pdf = join(packDir, PDF_FILE);
  const recordPath = join(packDir, PDF_RECORD);
  if (!existsSync(recordPath)) {
    return existsSync(pdf) ? [{ file: PDF_FILE, role: 'pack', status: 'altered', detail: `no ${PDF_RECORD} records its SHA-256, so it cannot be checked; print it again with boardpack build --pdf` }] : [];
  }
  let record: PdfRecord;
  try {
    record = JSON.parse(readFileSync(recordPath, 'utf8')) as PdfRecord;
    if (typeof record.sha256 !== 'string' || typeof record.printed_from?.sha256 !== 'string') throw new Error('incomplete');
  } catch {
    return [{ file: PDF_RECORD, role: 'pack', status: 'altered', detail: 'not a readable record of the PDF' }];
  }
  if (!existsSync(pdf)) return [{ file: PDF_FILE, role: 'pack', status: 'missing', detail: pdf }];
  const actual = sha256File(pdf);
  if (actual !== record.sha256) return [{ file: PDF_FILE, role: 'pack', status: 'altered', detail: `SHA-256 ${actual}, ${PDF_RECORD} ${record.sha256}` }];
  if (manifest.html_sha256 && record.printed_from.sha256 !== manifest.html_sha256) {
    return [{ file: PDF_FILE, role: 'pack', status: 'altered', detail: 'printed from another index.html than the one the manifest names' }];
  }
  return [{ file: PDF_FILE, role: 'pack', status: 'match' }];
}

/**
 * The nightly job's PDF step for one configured pack: a configured PDF is printed after a
 * rebuild, or when a kept pack's PDF is missing or does not check; an unconfigured PDF dropped
 * by a rebuild is reported. Returns the event to report, or null when there is nothing to say.
 */
export async function keepPackPdf(
  packDir: string,
  name: string,
  state: { configured: boolean; hadPdf: boolean; rebuilt: boolean },
  print?: (html: string, pdf: string) => Promise<void>,
): Promise<{ event: 'pdf_written' | 'pdf_removed'; fields: Record<string, string> } | null> {
  if (state.configured) {
    if (!state.rebuilt) {
      const manifest = JSON.parse(readFileSync(join(packDir, 'manifest.json'), 'utf8')) as Pick<Manifest, 'html_sha256'>;
      if (checkPdf(packDir, manifest).every((c) => c.status === 'match') && hasPdf(packDir)) return null;
    }
    await printPackPdf(packDir, print);
    return { event: 'pdf_written', fields: { pack: name, path: join(packDir, PDF_FILE) } };
  }
  return state.rebuilt && state.hadPdf ? { event: 'pdf_removed', fields: { pack: name, notice: pdfRemovedNotice(name) } } : null;
}
