import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Vitest runs the longest files first by the durations of the last run, but a fresh clone has
 * none, and then it starts the largest files first: the suite's longest file (the nightly job
 * as real processes, about a quarter of the suite's time) could start last and run alone at the
 * end. Without durations, the files known to be long go first; with them, vitest's own order.
 */
const LONGEST_FIRST = [
  'tests/schedule/process.test.ts',
  'tests/browser/accessibility.test.ts',
  'tests/publicSample.test.ts',
  'tests/ingest/property.test.ts',
  'tests/archive/protection.test.ts',
  'tests/refresh.test.ts',
  'tests/evidence.test.ts',
  'tests/packs/pdf.test.ts',
];

/** Other files that start between the first browser file and the next ones (see below). */
const AFTER_FIRST_BROWSER_FILE = 3;

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const key = (file: TestSpecification) => relative(this.ctx.config.root, file.moduleId);
    if (sorted.every((file) => this.ctx.cache.getFileTestResults(`${file.project.name}:${key(file)}`))) return spreadBrowserFiles(sorted);
    const rank = (file: TestSpecification) => {
      const at = LONGEST_FIRST.indexOf(key(file));
      return at < 0 ? LONGEST_FIRST.length : at;
    };
    return spreadBrowserFiles(
      sorted
        .map((file, i) => ({ file, i }))
        .sort((a, b) => rank(a.file) - rank(b.file) || a.i - b.i)
        .map(({ file }) => file),
    );
  }
}

/**
 * The first browser file builds the shared sample packs (several seconds); a browser file (or the
 * words lint, which reads them too) started meanwhile on the other worker only waits for them,
 * holding the worker idle. Its recorded duration then includes the wait, so vitest starts it early
 * again next time. The other readers go after a few other files, by when the packs are built.
 */
function spreadBrowserFiles(files: TestSpecification[]): TestSpecification[] {
  const readsSamplePacks = (file: TestSpecification) => file.moduleId.includes('/tests/browser/') || file.moduleId.endsWith('/tests/packs/words.test.ts');
  const first = files.find(readsSamplePacks);
  if (!first) return files;
  const later = files.filter((file) => readsSamplePacks(file) && file !== first);
  const others = files.filter((file) => !later.includes(file));
  others.splice(Math.min(others.length, others.indexOf(first) + 1 + AFTER_FIRST_BROWSER_FILE), 0, ...later);
  return others;
}
