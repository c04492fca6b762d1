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

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const key = (file: TestSpecification) => relative(this.ctx.config.root, file.moduleId);
    if (sorted.every((file) => this.ctx.cache.getFileTestResults(`${file.project.name}:${key(file)}`))) return sorted;
    const rank = (file: TestSpecification) => {
      const at = LONGEST_FIRST.indexOf(key(file));
      return at < 0 ? LONGEST_FIRST.length : at;
    };
    return sorted
      .map((file, i) => ({ file, i }))
      .sort((a, b) => rank(a.file) - rank(b.file) || a.i - b.i)
      .map(({ file }) => file);
  }
}
