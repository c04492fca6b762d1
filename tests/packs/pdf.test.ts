import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../pipelines/cli.ts';
import { fixedClock } from '../../pipelines/lib/clock.ts';
import { chromiumMissing, chromiumPath } from '../../pipelines/lib/chromium.ts';
import { checkPdf, keepPackPdf, pdfConfigured, printPackPdf } from '../../pipelines/packs/packPdf.ts';

// pack.pdf is kept with its pack and checked: printed when asked for or configured, recorded in
// pdf.json (its SHA-256 and the index.html it renders), checked by verify, and never dropped silently.

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
/** A stand-in for Chromium: the "PDF" is the page's text, so its hash is known. */
const fakePrint = async (html: string, pdf: string) => writeFileSync(pdf, `%PDF of ${readFileSync(html, 'utf8')}`);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'boardpack-pdf-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function packFolder(name: string, html = '<p>pack</p>'): string {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'index.html'), html);
  writeFileSync(join(folder, 'manifest.json'), JSON.stringify({ html_sha256: sha(html) }));
  return folder;
}

describe('the PDF record and its check', () => {
  it('records the PDF and the page it renders; verify finds an appended byte, a missing PDF and a stale one', async () => {
    const folder = packFolder('a');
    const record = await printPackPdf(folder, fakePrint);
    expect(record).toEqual({ file: 'pack.pdf', sha256: sha('%PDF of <p>pack</p>'), printed_from: { file: 'index.html', sha256: sha('<p>pack</p>') } });
    expect(JSON.parse(readFileSync(join(folder, 'pdf.json'), 'utf8'))).toEqual(record);
    const manifest = { html_sha256: sha('<p>pack</p>') };
    expect(checkPdf(folder, manifest)).toEqual([{ file: 'pack.pdf', role: 'pack', status: 'match' }]);

    appendFileSync(join(folder, 'pack.pdf'), '\n');
    expect(checkPdf(folder, manifest)).toEqual([{ file: 'pack.pdf', role: 'pack', status: 'altered', detail: `SHA-256 ${sha('%PDF of <p>pack</p>\n')}, pdf.json ${record.sha256}` }]);

    // Printed from an earlier page than the manifest's.
    expect(checkPdf(folder, { html_sha256: sha('<p>another</p>') })[0]).toMatchObject({ status: 'altered' });
    rmSync(join(folder, 'pack.pdf'));
    expect(checkPdf(folder, manifest)[0]).toMatchObject({ file: 'pack.pdf', status: 'missing' });
  });

  it('a PDF without its record cannot be vouched for; no PDF and no record is nothing to check', () => {
    const folder = packFolder('b');
    expect(checkPdf(folder, {})).toEqual([]);
    writeFileSync(join(folder, 'pack.pdf'), '%PDF');
    expect(checkPdf(folder, {})[0]).toMatchObject({ file: 'pack.pdf', status: 'altered' });
  });

  it('the nightly job reprints a configured PDF after a rebuild or when it does not check, and reports one a rebuild dropped', async () => {
    const folder = packFolder('c');
    expect(await keepPackPdf(folder, 'c', { configured: true, hadPdf: false, rebuilt: true }, fakePrint)).toEqual({ event: 'pdf_written', fields: { pack: 'c', path: join(folder, 'pack.pdf') } });
    // Kept pack, PDF intact: nothing to do.
    expect(await keepPackPdf(folder, 'c', { configured: true, hadPdf: true, rebuilt: false }, fakePrint)).toBeNull();
    appendFileSync(join(folder, 'pack.pdf'), 'x');
    expect((await keepPackPdf(folder, 'c', { configured: true, hadPdf: true, rebuilt: false }, fakePrint))?.event).toBe('pdf_written');
    expect(checkPdf(folder, { html_sha256: sha('<p>pack</p>') })[0]!.status).toBe('match');
    const dropped = await keepPackPdf(folder, 'c', { configured: false, hadPdf: true, rebuilt: true }, fakePrint);
    expect(dropped?.event).toBe('pdf_removed');
    expect(dropped?.fields.notice).toMatch(/^The earlier c pack\.pdf was removed: it showed the previous build; print it again with --pdf/);
    expect(await keepPackPdf(folder, 'c', { configured: false, hadPdf: false, rebuilt: true }, fakePrint)).toBeNull();
  });

  it('a pack is configured for a PDF by period and edition, relative periods resolved', () => {
    const config = {
      packs: [
        { period: 'last-complete-quarter', edition: 'public' as const, pack: 'board', pdf: true },
        { period: 'last-complete-quarter', edition: 'board' as const, pack: 'board' },
      ],
    };
    expect(pdfConfigured(config, '2025-26-Q2', 'public', '2025-10-14')).toBe(true);
    expect(pdfConfigured(config, '2025-26-Q2', 'board', '2025-10-14')).toBe(false);
    expect(pdfConfigured(config, '2025-26-Q1', 'public', '2025-10-14')).toBe(false);
  });
});

const noChromium = chromiumMissing();
describe.skipIf(noChromium !== null && process.env.CI !== 'true')('build and verify with Chromium', () => {
  async function boardpack(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await main(['--db', join(dir, 'db.duckdb'), ...args], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), clock: fixedClock('2025-10-14T12:00:00Z'), cwd: dir });
    return { code, stdout, stderr };
  }

  it('a configured pack is printed by build; verify checks the PDF; a rebuild without it says the PDF was removed', async () => {
    writeFileSync(join(dir, 'incidents.csv'), 'Crime Reference,Date Reported,NFIB Code,Victim Type\r\nC1,02/07/2025,NFIB52A,Individual\r\nC2,15/08/2025,NFIB53A,Business\r\n');
    expect((await boardpack('ingest', 'incidents.csv')).code).toBe(0);
    writeFileSync(join(dir, 'with-pdf.json'), JSON.stringify({ packs: [{ period: '2025-26-Q2', edition: 'board', pdf: true }] }));
    const built = await boardpack('--config', 'with-pdf.json', 'build', '--period', '2025-26-Q2', '--as-of', '2025-10-14');
    expect(built.code).toBe(0);
    const folder = join(dir, 'out', '2025-26-Q2-board');
    expect(built.stdout).toContain(`PDF written: ${folder}/pack.pdf\n`);
    expect(readFileSync(join(folder, 'pack.pdf')).subarray(0, 5).toString()).toBe('%PDF-');

    const verified = await boardpack('verify', folder);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('match    pack file pack.pdf\n');

    appendFileSync(join(folder, 'pack.pdf'), Buffer.from([0]));
    const tampered = await boardpack('verify', folder);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toMatch(/^boardpack: Verification failed: The pack file pack\.pdf has been altered \(SHA-256 [0-9a-f]{64}, pdf\.json [0-9a-f]{64}\); restore it from backup\.\n$/);

    const rebuilt = await boardpack('build', '--period', '2025-26-Q2', '--as-of', '2025-10-14');
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stderr).toContain(
      'boardpack: The earlier 2025-26-Q2-board pack.pdf was removed: it showed the previous build; print it again with --pdf, or set "pdf": true on the pack in the configuration to reprint it at every build.\n',
    );
    expect(existsSync(join(folder, 'pack.pdf'))).toBe(false);
    expect(existsSync(join(folder, 'pdf.json'))).toBe(false);
    expect((await boardpack('verify', folder)).code).toBe(0);
  });

  it('the nightly job prints every configured PDF with one Chromium, and starts none when nothing is printed', async () => {
    const night = join(dir, 'night');
    mkdirSync(join(night, 'inbox'), { recursive: true });
    writeFileSync(join(night, 'inbox', 'incidents.csv'), 'Crime Reference,Date Reported,NFIB Code,Victim Type\r\nC1,02/07/2025,NFIB52A,Individual\r\nC2,15/08/2025,NFIB53A,Business\r\n');
    writeFileSync(
      join(night, 'boardpack.config.json'),
      JSON.stringify({
        inbox: 'inbox',
        inbox_settle_seconds: 0,
        packs: [
          { period: '2025-26-Q2', edition: 'board', pdf: true },
          { period: '2025-26-Q2', edition: 'public', pdf: true },
        ],
      }),
    );
    // Chromium through a script that notes each start.
    const starts = join(night, 'starts.log');
    const wrapper = join(night, 'chromium');
    writeFileSync(wrapper, `#!/bin/sh\necho started >> ${starts}\nexec ${chromiumPath()} "$@"\n`, { mode: 0o755 });
    const refresh = () => main(['--db', join(night, 'db.duckdb'), 'refresh'], { stdout: () => {}, stderr: () => {}, clock: fixedClock('2025-10-14T12:00:00Z'), cwd: night });
    const before = process.env.BOARDPACK_CHROMIUM;
    process.env.BOARDPACK_CHROMIUM = wrapper;
    try {
      expect(await refresh()).toBe(0);
      for (const edition of ['board', 'public'])
        expect(
          readFileSync(join(night, 'out', `2025-26-Q2-${edition}`, 'pack.pdf'))
            .subarray(0, 5)
            .toString(),
        ).toBe('%PDF-');
      expect(readFileSync(starts, 'utf8')).toBe('started\n');
      // The next night: nothing new, both PDFs check, so Chromium is not started at all.
      expect(await refresh()).toBe(0);
      expect(readFileSync(starts, 'utf8')).toBe('started\n');
    } finally {
      if (before === undefined) delete process.env.BOARDPACK_CHROMIUM;
      else process.env.BOARDPACK_CHROMIUM = before;
    }
  });
});
