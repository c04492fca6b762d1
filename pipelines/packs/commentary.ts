import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { WorkError } from '../lib/errors.ts';
import { sha256File } from '../lib/hashing.ts';

/**
 * Analysts' commentary and the Commissioner's statement (issue 13): one Markdown file per
 * period, `<commentary dir>/<period id>.md`, in blocks that start with a level-2 heading:
 *
 *   ## Commissioner's statement (public)
 *   ## Section: crime
 *   ## Metric: INC-05 (public)
 *
 * "(public)" marks a block the public edition may carry; the board edition carries all.
 * Markdown is rendered by markdown-it with raw HTML off, no images (the pack makes no
 * network requests), no headings and links only to http(s) or relative addresses; anything else is
 * shown as text. The file's SHA-256 goes in the manifest and a copy into the archive, so
 * `verify` can tell when the commentary behind a pack has been edited.
 */

export interface CommentaryBlock {
  /** "statement", "section:<key>" or "metric:<ID>". */
  key: string;
  public: boolean;
  markdown: string;
}

export interface Commentary {
  /** The file's name, e.g. "2026-27-Q2.md". */
  file: string;
  sha256: string;
  blocks: CommentaryBlock[];
}

/** What the manifest records: the file and its hash, and which blocks this edition shows. */
export interface CommentaryRecord {
  file: string;
  sha256: string;
  blocks: { key: string; public: boolean }[];
}

const HEADING = /^##[ \t]+(.+?)[ \t]*$/;
const KEY = /^(?:(commissioner's statement)|section:\s*([a-z][a-z0-9-]*)|metric:\s*([A-Z]{3}-\d{2}))(\s*\(public\))?$/i;

/** The period's commentary, or null when there is no file for it. */
export function readCommentary(dir: string, periodId: string): Commentary | null {
  const file = `${periodId}.md`;
  const path = join(dir, file);
  if (!existsSync(path)) return null;
  const text = readFileSync(path, 'utf8');
  // Hashed as bytes, as verify hashes the file.
  return { file, sha256: sha256File(path), blocks: parseCommentary(text, file) };
}

export function parseCommentary(text: string, file: string): CommentaryBlock[] {
  const blocks: CommentaryBlock[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let current: CommentaryBlock | null = null;
  let body: string[] = [];
  const close = () => {
    if (current) blocks.push({ ...current, markdown: body.join('\n').trim() });
  };
  lines.forEach((line, i) => {
    const heading = HEADING.exec(line);
    if (!heading) {
      if (current) body.push(line);
      else if (line.trim() !== '' && !line.startsWith('# ')) {
        throw new WorkError(`${file} line ${i + 1} has text before its first block; start each block with a heading such as "## Commissioner's statement", "## Section: crime" or "## Metric: INC-05".`);
      }
      return;
    }
    const key = KEY.exec(heading[1]!);
    if (!key) throw new WorkError(`${file} line ${i + 1}: "${heading[1]}" is not a commentary block; use "## Commissioner's statement", "## Section: <section>" or "## Metric: <ID>", with "(public)" after it for the public edition.`);
    close();
    current = { key: key[1] ? 'statement' : key[2] ? `section:${key[2].toLowerCase()}` : `metric:${key[3]!.toUpperCase()}`, public: Boolean(key[4]), markdown: '' };
    if (blocks.some((b) => b.key === current!.key)) throw new WorkError(`${file} line ${i + 1} starts a second block for ${heading[1]}; keep one block per section, metric or statement.`);
    body = [];
  });
  close();
  return blocks;
}

/** The blocks an edition carries. */
export function blocksFor(commentary: Commentary | null, edition: 'board' | 'public'): CommentaryBlock[] {
  return (commentary?.blocks ?? []).filter((b) => edition === 'board' || b.public);
}

export function recordOf(commentary: Commentary, edition: 'board' | 'public'): CommentaryRecord {
  return { file: commentary.file, sha256: commentary.sha256, blocks: blocksFor(commentary, edition).map((b) => ({ key: b.key, public: b.public })) };
}

/** Keeps a copy of the commentary in the archive, addressed by its SHA-256 (written to a temp name, then renamed). */
export function archiveCommentary(archiveDir: string, dir: string, commentary: Commentary): void {
  const target = join(archiveDir, 'commentary', `${commentary.sha256}.md`);
  if (existsSync(target)) return;
  mkdirSync(join(archiveDir, 'commentary'), { recursive: true });
  const temp = `${target}.tmp-${process.pid}`;
  writeFileSync(temp, readFileSync(join(dir, commentary.file)));
  renameSync(temp, target);
}

type MarkdownIt = typeof import('markdown-it').default;
let renderer: InstanceType<MarkdownIt> | null = null;

/** Markdown to HTML with raw HTML shown as text, no images, and links only to http(s) or relative addresses. */
export function renderMarkdown(markdown: string): string {
  if (!renderer) {
    // Loaded on first use, as Handlebars is, so commands that render nothing start faster.
    const MarkdownItClass = createRequire(import.meta.url)('markdown-it') as MarkdownIt;
    renderer = new MarkdownItClass({ html: false, linkify: false, typographer: false });
    // No images (no network requests) and no headings (the pack's heading outline is its own).
    renderer.disable(['image', 'heading', 'lheading']);
    renderer.validateLink = (url: string) => {
      const address = url.trim();
      // A scheme is letters then ":" before any "/", "?" or "#": only http and https may have one.
      return /^https?:/i.test(address) || !/^[a-z][a-z0-9+.-]*:/i.test(address);
    };
  }
  return renderer.render(markdown);
}
