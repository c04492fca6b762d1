import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../pipelines/cli.ts';
import { fixedClock } from '../../pipelines/lib/clock.ts';
import { parseCommentary, renderMarkdown } from '../../pipelines/packs/commentary.ts';

// Commentary: Markdown rendered inert, blocks keyed and marked public, recorded and verified.

describe('commentary markdown', () => {
  it('renders raw HTML, scripts and javascript: links inert', () => {
    const html = renderMarkdown(
      'Hello <script>alert(1)</script> <b>bold</b> [x](javascript:alert(1)) [y](JaVaScRiPt:alert(2)) [z](&#106;avascript:alert(3)) [ok](https://example.org/a?b=1) [rel](../notes.html) [mail](mailto:a@b.c) ![img](https://example.org/i.png)\n\n<img src=x onerror=alert(1)>',
    );
    expect(html).toBe(
      '<p>Hello &lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt; [x](javascript:alert(1)) [y](JaVaScRiPt:alert(2)) [z](javascript:alert(3)) <a href="https://example.org/a?b=1">ok</a> <a href="../notes.html">rel</a> [mail](mailto:a@b.c) !<a href="https://example.org/i.png">img</a></p>\n<p>&lt;img src=x onerror=alert(1)&gt;</p>\n',
    );
  });
});

describe('commentary blocks', () => {
  it('reads blocks keyed by statement, section and metric, with (public) marks', () => {
    const blocks = parseCommentary("# Q2\n\n## Commissioner's statement (public)\nI welcome it.\n\n## Section: crime\nSteady.\n## Metric: inc-05 (Public)\nRising.\n", 'x.md');
    expect(blocks).toEqual([
      { key: 'statement', public: true, markdown: 'I welcome it.' },
      { key: 'section:crime', public: false, markdown: 'Steady.' },
      { key: 'metric:INC-05', public: true, markdown: 'Rising.' },
    ]);
  });

  it('refuses a heading it does not know, text before the first block and a repeated block, naming the line', () => {
    expect(() => parseCommentary('## Crime\ntext', 'x.md')).toThrow('x.md line 1: "Crime" is not a commentary block');
    expect(() => parseCommentary('stray\n## Section: crime\n', 'x.md')).toThrow('x.md line 1 has text before its first block');
    expect(() => parseCommentary('## Section: crime\na\n## Section: Crime\nb', 'x.md')).toThrow('x.md line 3 starts a second block');
  });
});

describe('commentary in a built pack', () => {
  let dir: string;
  const run = async (...args: string[]) => {
    let stderr = '';
    const code = await main(['--db', join(dir, 'db.duckdb'), ...args], { stdout: () => {}, stderr: (t) => void (stderr += t), clock: fixedClock('2025-10-14T12:00:00Z'), cwd: dir });
    return { code, stderr };
  };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'boardpack-commentary-'));
    writeFileSync(join(dir, 'incidents.csv'), 'Crime Reference,Date Reported,NFIB Code,Victim Type,First Contact Date\r\nC1,02/07/2025,NFIB52A,Individual,03/07/2025\r\nC2,14/10/2025,NFIB52A,Individual,\r\n');
    mkdirSync(join(dir, 'commentary'));
    writeFileSync(
      join(dir, 'commentary', '2025-26-Q2.md'),
      "## Commissioner's statement (public)\nPublic words <script>alert(1)</script> [bad](javascript:alert(1)) [good](https://example.org/)\n\n## Metric: INC-05\nBoard-only <b>note</b> on **contact**.\n",
    );
    expect((await run('ingest', 'incidents.csv')).code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('shows commentary marked as such, inert, only public blocks in the public edition, recorded with its SHA-256; verify fails once it is edited', async () => {
    expect((await run('build', '--period', '2025-26-Q2', '--as-of', '2025-10-14', '--out', 'out')).code).toBe(0);
    expect((await run('build', '--period', '2025-26-Q2', '--as-of', '2025-10-14', '--edition', 'public', '--out', 'out')).code).toBe(0);
    const board = readFileSync(join(dir, 'out', '2025-26-Q2-board', 'index.html'), 'utf8');
    const pub = readFileSync(join(dir, 'out', '2025-26-Q2-public', 'index.html'), 'utf8');
    expect(board).toContain('<aside class="commentary" aria-label="Commissioner&#x27;s statement">');
    expect(board).toContain('<p>Public words &lt;script&gt;alert(1)&lt;/script&gt; [bad](javascript:alert(1)) <a href="https://example.org/">good</a></p>');
    expect(board).toContain('<p>Board-only &lt;b&gt;note&lt;/b&gt; on <strong>contact</strong>.</p>');
    expect(board).not.toMatch(/<script>alert|href="javascript/i);
    expect(pub).toContain('Public words');
    expect(pub).not.toContain('Board-only');
    const bytes = readFileSync(join(dir, 'commentary', '2025-26-Q2.md'));
    const sha = createHash('sha256').update(bytes).digest('hex');
    const manifest = JSON.parse(readFileSync(join(dir, 'out', '2025-26-Q2-public', 'manifest.json'), 'utf8'));
    expect(manifest.commentary).toEqual({ file: '2025-26-Q2.md', sha256: sha, blocks: [{ key: 'statement', public: true }] });
    expect(existsSync(join(dir, 'archive', 'commentary', `${sha}.md`))).toBe(true);

    expect((await run('verify', 'out/2025-26-Q2-board')).code).toBe(0);
    writeFileSync(join(dir, 'commentary', '2025-26-Q2.md'), `${bytes.toString('utf8')}\nAn edit after the pack was built.\n`);
    const edited = await run('verify', 'out/2025-26-Q2-board');
    expect(edited.code).toBe(1);
    expect(edited.stderr).toMatch(/^boardpack: Verification failed: The commentary 2025-26-Q2\.md has been edited since the pack was built \(SHA-256 [0-9a-f]{64}, manifest [0-9a-f]{64}\); rebuild the pack/);

    // The snapshot keeps the commentary its pack showed: a rebuild shows it again, not the edit.
    expect((await run('build', '--period', '2025-26-Q2', '--as-of', '2025-10-14', '--out', 'rebuilt', '--snapshot', manifest.snapshot.id)).code).toBe(0);
    const rebuilt = readFileSync(join(dir, 'rebuilt', '2025-26-Q2-board', 'index.html'), 'utf8');
    expect(rebuilt).toContain('Board-only &lt;b&gt;note&lt;/b&gt;');
    expect(rebuilt).not.toContain('An edit after the pack was built');
    expect(JSON.parse(readFileSync(join(dir, 'rebuilt', '2025-26-Q2-board', 'manifest.json'), 'utf8')).commentary.sha256).toBe(sha);
  });
});
