import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fixedClock } from '../../pipelines/lib/clock.ts';
import { silentLogger } from '../../pipelines/lib/logging.ts';
import { parsePeriod } from '../../pipelines/lib/periods.ts';
import type { MetricRun } from '../../pipelines/metrics/runMetrics.ts';
import { buildPack } from '../../pipelines/packs/buildPack.ts';
import type { Manifest } from '../../pipelines/packs/manifest.ts';
import { createTestEnv, type TestEnv } from '../support/env.ts';

// A refresh measures a pack's figures once for both its editions: the public edition starts from
// the board's measured figures (composePack.ts, `measured`), and only where everything that
// decides them is the same. refresh.test.ts verifies both editions of a refresh from scratch.

const AS_OF = '2026-09-30';
let env: TestEnv;
const ctx = () => ({ config: env.config, clock: fixedClock(`${AS_OF}T12:00:00Z`), logger: silentLogger });
const manifest = (path: string) => JSON.parse(readFileSync(join(path, 'manifest.json'), 'utf8')) as Manifest;
const value = (m: Manifest, id: string) => m.metrics.find((x) => x.id === id)?.value;

beforeAll(async () => {
  env = await createTestEnv({ clock: fixedClock(`${AS_OF}T12:00:00Z`) });
  await env.ingest(resolve('fixtures/sample'));
});
afterAll(() => env.close());

describe('figures measured once for both editions', () => {
  it('the public edition starts from the figures the board edition measured, for the same pack, period and date only', async () => {
    const measured = new Map<string, MetricRun>();
    const period = parsePeriod('2026-27-Q2', AS_OF);
    const board = await buildPack(env.db, { period, asOf: AS_OF, edition: 'board', out: join(env.dir, 'out'), measured }, ctx());
    expect(measured.size).toBe(1);
    const attendees = value(manifest(board.path), 'TRN-03');
    expect(attendees).toBeGreaterThan(10);
    // Changed in the kept copy: a public edition built from it shows the change, so it was not measured again.
    const [run] = [...measured.values()] as [MetricRun];
    run.results.find((r) => r.id === 'TRN-03')!.value = 4242;
    const pub = await buildPack(env.db, { period, asOf: AS_OF, edition: 'public', out: join(env.dir, 'out'), measured }, ctx());
    expect(value(manifest(pub.path), 'TRN-03')).toBe(4242);
    // Another period is measured afresh, and kept beside the first.
    const earlier = await buildPack(env.db, { period: parsePeriod('2026-27-Q1', AS_OF), asOf: AS_OF, edition: 'public', out: join(env.dir, 'out'), measured }, ctx());
    expect(value(manifest(earlier.path), 'TRN-03')).not.toBe(4242);
    expect(measured.size).toBe(2);
    // And without the map, the public edition measures for itself.
    const fresh = await buildPack(env.db, { period, asOf: AS_OF, edition: 'public', out: join(env.dir, 'fresh') }, ctx());
    expect(value(manifest(fresh.path), 'TRN-03')).toBe(attendees);
  });
});
