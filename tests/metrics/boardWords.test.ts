import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The words of metric and check metadata reach the board: titles, definitions and caveats in
// the pack, check descriptions in its data-quality table. Board members read them, so they
// name no file, path, configuration key or internal name (the house rule for board-facing words).

const QUERIES = resolve(import.meta.dirname, '../../queries');

/** Every board-facing sentence of the metadata files in one folder, with where it came from. */
function sentences(folder: string, keys: string[]): { where: string; text: string }[] {
  const dir = join(QUERIES, folder);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .flatMap((name) => {
      const meta = JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown>;
      return keys.flatMap((key) => {
        const value = meta[key];
        const texts = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
        return texts.map((text, i) => ({ where: `${folder}/${name} ${key}${Array.isArray(value) ? `[${i}]` : ''}`, text: String(text) }));
      });
    });
}

/** What a board member must never meet: why each pattern is here is in its name. */
const FORBIDDEN: Record<string, RegExp> = {
  'a file name': /\b[\w-]+\.(?:md|csv|sql|json|ts|js|hbs|css|html|duckdb|parquet)\b/i,
  'a folder path': /\b(?:queries|pipelines|reports|docs|data|out|tests|fixtures)\//,
  'a configuration key or internal name': /\b[a-z]+_[a-z_]+\b/,
  'code formatting': /`/,
};

describe('board-facing words in metadata', () => {
  const all = [...sentences('metrics', ['title', 'definition', 'caveats']), ...sentences('checks', ['title', 'description'])];

  it('finds the sentences it checks', () => {
    // 27 metrics and 4 checks, each with a title and a definition or description: a wrong folder would pass silently otherwise.
    expect(all.length).toBeGreaterThan(60);
  });

  for (const [what, pattern] of Object.entries(FORBIDDEN)) {
    it(`has no sentence with ${what}`, () => {
      expect(all.filter((s) => pattern.test(s.text)).map((s) => `${s.where}: ${s.text}`)).toEqual([]);
    });
  }

  it('catches each kind of slip (the patterns can fail)', () => {
    expect(FORBIDDEN['a file name']!.test('Categories come from nfib_codes.csv.')).toBe(true);
    expect(FORBIDDEN['a folder path']!.test('see queries/contracts')).toBe(true);
    expect(FORBIDDEN['a configuration key or internal name']!.test('data_quality.max_age_days')).toBe(true);
    expect(FORBIDDEN['code formatting']!.test('the `value` column')).toBe(true);
    expect(Object.values(FORBIDDEN).some((p) => p.test('Victim types are those recorded in the incidents export.'))).toBe(false);
  });
});
