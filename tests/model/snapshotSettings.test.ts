import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../pipelines/lib/config.ts';
import { queryDirsOf } from '../../pipelines/model/querySet.ts';
import { configForSnapshot, settingsOf } from '../../pipelines/model/snapshot.ts';

// A snapshot keeps every setting that decides a figure, so `verify` and `build --snapshot`
// recompute with the settings the pack was built with, not today's.

const dir = mkdtempSync(join(tmpdir(), 'boardpack-snapshot-settings-'));
/** A folder with no configuration file: every default. */
const plain = mkdtempSync(join(tmpdir(), 'boardpack-snapshot-defaults-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(plain, { recursive: true, force: true });
});

describe('snapshot settings', () => {
  it("keep the statistical process control baseline, so a later change does not alter a pack's signals on verify", () => {
    writeFileSync(join(dir, 'boardpack.config.json'), JSON.stringify({ spc: { baseline_months: 18 } }));
    const built = loadConfig({ cwd: dir });
    const settings = settingsOf(built);
    expect(settings.spc).toEqual({ baseline_months: 18 });
    // Today's configuration went back to the default; the snapshot's 18 months win.
    const today = loadConfig({ cwd: plain });
    expect(today.spc.baselineMonths).toBe(12);
    expect(configForSnapshot(today, settings, queryDirsOf(today)).spc.baselineMonths).toBe(18);
  });

  it('leave the default baseline out, so snapshots taken before it was recorded keep their IDs', () => {
    const settings = settingsOf(loadConfig({ cwd: plain }));
    expect('spc' in settings).toBe(false);
    expect(configForSnapshot(loadConfig({ cwd: plain }), settings, queryDirsOf(loadConfig({ cwd: plain }))).spc.baselineMonths).toBe(12);
  });
});
