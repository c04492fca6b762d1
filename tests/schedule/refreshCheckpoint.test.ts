import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../pipelines/cli.ts';
import { fixedClock } from '../../pipelines/lib/clock.ts';

// A refresh writes the largest export into the database file (a checkpoint on the second
// connection) once it is loaded, while the files after it are checked, and waits for that
// checkpoint before building; its --verbose log says so, in order.

const HEADER = 'Crime Reference,Date Reported,NFIB Code,Victim Type,First Contact Date';
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'boardpack-refresh-checkpoint-'));
  mkdirSync(join(dir, 'inbox'));
  writeFileSync(join(dir, 'boardpack.config.json'), JSON.stringify({ inbox: 'inbox', inbox_settle_seconds: 0, packs: [{ period: 'last-complete-quarter', edition: 'board' }] }));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const incidents = (from: number, count: number) => [HEADER, ...Array.from({ length: count }, (_, i) => `C${from + i},${String((i % 28) + 1).padStart(2, '0')}/08/2025,NFIB52A,Individual,`)].join('\r\n');

async function refreshLog(): Promise<{ code: number; events: { event: string; file?: string; stage?: string; command?: string; after?: string; written?: unknown }[] }> {
  let stderr = '';
  const code = await main(['--verbose', 'refresh'], { stdout: () => {}, stderr: (t) => void (stderr += t), clock: fixedClock('2025-10-14T01:30:00Z'), cwd: dir });
  const events = stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
  return { code, events };
}

describe('the checkpoint after the largest export', () => {
  it('comes after that file is loaded and before the build, while the smaller file after it loads', async () => {
    writeFileSync(join(dir, 'inbox', 'a-large.csv'), incidents(1, 60));
    writeFileSync(join(dir, 'inbox', 'b-small.csv'), incidents(100, 3));
    const { code, events } = await refreshLog();
    expect(code).toBe(0);
    const at = (test: (e: (typeof events)[number]) => boolean) => events.findIndex(test);
    const checkpoints = events.filter((e) => e.event === 'checkpoint');
    expect(checkpoints).toHaveLength(1);
    expect(checkpoints[0]).toMatchObject({ after: 'a-large.csv', written: expect.any(Boolean) });
    const checkpointAt = at((e) => e.event === 'checkpoint');
    expect(checkpointAt).toBeGreaterThan(at((e) => e.event === 'file_loaded' && e.file === 'a-large.csv'));
    expect(checkpointAt).toBeLessThan(at((e) => e.command === 'build'));
    expect(at((e) => e.event === 'file_loaded' && e.file === 'b-small.csv')).toBeGreaterThan(at((e) => e.event === 'file_loaded' && e.file === 'a-large.csv'));
  });

  it('is not taken when the largest export is rejected; the others still load and the pack is built', async () => {
    writeFileSync(join(dir, 'inbox', 'a-large.csv'), ['Name,Colour', ...Array.from({ length: 80 }, (_, i) => `x${i},y`)].join('\r\n'));
    writeFileSync(join(dir, 'inbox', 'b-small.csv'), incidents(100, 3));
    const { code, events } = await refreshLog();
    // A rejected file makes exit 1; the run still built its pack.
    expect(code).toBe(1);
    expect(events.filter((e) => e.event === 'checkpoint')).toEqual([]);
    expect(events.some((e) => e.event === 'file_loaded' && e.file === 'b-small.csv')).toBe(true);
    expect(events.some((e) => e.command === 'build' && e.stage === 'record')).toBe(true);
  });
});
