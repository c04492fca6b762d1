import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alongside } from '../../pipelines/lib/alongside.ts';
import { writePack } from '../../pipelines/packs/writePack.ts';
import type { Manifest } from '../../pipelines/packs/manifest.ts';

// A build draws its charts while DuckDB writes the exports into the pack's temp folder (buildPack.ts).

/** A promise settled by hand, and a log of when things happened. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('alongside', () => {
  it('returns the foreground result and the background value, after both', async () => {
    const background = deferred<number>();
    const order: string[] = [];
    const run = alongside(
      background.promise.then((n) => {
        order.push('background');
        return n;
      }),
      async () => {
        order.push('foreground');
        return 'html';
      },
    );
    setTimeout(() => background.resolve(5), 5);
    expect(await run).toEqual(['html', 5]);
    expect(order).toEqual(['foreground', 'background']);
  });

  it('waits for the background to settle before passing on the foreground error', async () => {
    const background = deferred<number>();
    let settled = false;
    const run = alongside(
      background.promise.finally(() => {
        settled = true;
      }),
      async () => {
        throw new Error('chart trend-crimes needs a monthly series');
      },
    );
    let rejectedWhileRunning = false;
    run.catch(() => {
      rejectedWhileRunning = !settled;
    });
    await new Promise((r) => setTimeout(r, 10));
    // The foreground failed 10 ms ago, but the background is still writing: nothing rejected yet.
    expect(settled).toBe(false);
    background.resolve(1);
    await expect(run).rejects.toThrow('chart trend-crimes needs a monthly series');
    expect(rejectedWhileRunning).toBe(false);
  });

  it('prefers the foreground error to the background one, and reports a background failure alone', async () => {
    await expect(alongside(Promise.reject(new Error('disk full')), async () => Promise.reject(new Error('bad chart')))).rejects.toThrow('bad chart');
    // The background rejects before the foreground finishes: handled, not an unhandled rejection.
    await expect(alongside(Promise.reject(new Error('disk full')), () => new Promise((r) => setTimeout(() => r('html'), 10)))).rejects.toThrow('disk full');
  });
});

describe('writePack with a fill that fails', () => {
  const manifest = () => ({ pack: { period: '2025-26-Q2', edition: 'board', name: 'board' } }) as unknown as Manifest;

  it('leaves the earlier pack as it was and no temp folder, once the exports have stopped writing', async () => {
    const out = mkdtempSync(join(tmpdir(), 'boardpack-writepack-'));
    try {
      const earlier = join(out, '2025-26-Q2-board');
      mkdirSync(earlier);
      writeFileSync(join(earlier, 'index.html'), 'the earlier pack');
      const exportsDone = deferred<void>();
      const failed = writePack(out, manifest(), (dir) =>
        alongside(
          // Stands in for DuckDB writing a Parquet export a little later.
          new Promise<void>((r) => setTimeout(r, 20)).then(() => {
            writeFileSync(join(dir, 'incidents.parquet'), 'rows');
            exportsDone.resolve();
          }),
          async () => {
            throw new Error('chart by-category needs metric INC-08');
          },
        ).then(([html]) => ({ html })),
      );
      await expect(failed).rejects.toThrow('chart by-category needs metric INC-08');
      await exportsDone.promise;
      expect(readdirSync(out)).toEqual(['2025-26-Q2-board']);
      expect(readFileSync(join(earlier, 'index.html'), 'utf8')).toBe('the earlier pack');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('lists the exports the fill returns in the manifest, with the HTML hash', async () => {
    const out = mkdtempSync(join(tmpdir(), 'boardpack-writepack-'));
    try {
      const m = manifest();
      const exported = [{ file: 'metrics.csv', format: 'csv' as const, rows: 2, sha256: 'ab' }];
      const path = await writePack(out, m, async () => ({ html: '<p>pack</p>', exports: exported }));
      const written = JSON.parse(readFileSync(join(path, 'manifest.json'), 'utf8'));
      expect(written.exports).toEqual(exported);
      // SHA-256 of "<p>pack</p>", worked out with sha256sum.
      expect(written.html_sha256).toBe('6c90b2120108b15244a7c4b9fd4c10af8c0bb2513ad5aeeff9082de4a099a6b0');
      expect(existsSync(join(path, 'index.html'))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
