import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { packageRoot } from '../../pipelines/lib/config.ts';
import { parsePeriod } from '../../pipelines/lib/periods.ts';
import { buildModels } from '../../pipelines/model/buildModels.ts';
import { loadCatalog } from '../../pipelines/metrics/catalog.ts';
import { runMetrics } from '../../pipelines/metrics/runMetrics.ts';
import { addActionHistory, publicActionLog, readActionLog, DEFAULT_PUBLIC_SOURCES } from '../../pipelines/packs/actionLog.ts';
import { actionLogView } from '../../pipelines/packs/actionLogView.ts';
import { createTestEnv, csv, type TestEnv } from '../support/env.ts';
import { loadPackDefinition } from '../../pipelines/packs/packDefinition.ts';

// The action log and ACT-01/02's earlier values on a fixture tracker exported twice:
// in June 2025 (loaded 15 June) and in October 2025 (loaded 13 October), where A1's due
// date was moved from 31 May to 31 December and A2 was completed.
// Pack: Q2 2025-26 (1 July to 30 September 2025), as of 14 October 2025.

const HEADER = 'Action ID,Source,Action,Owner,Date Raised,Status,Due Date,Date Completed,Latest Update';
const JUNE = csv(
  HEADER,
  'A1,Board action,Report deployment rate,Head of Cyber Crime Unit,01/03/2025,On track,31/05/2025,,',
  'A2,HMICFRS recommendation,Vet every volunteer,Force Vetting Manager,01/01/2025,Not started,31/05/2025,,',
  'A3,Strategy commitment,Protect volunteer network,Cyber Protect Coordinator,01/02/2025,On track,31/12/2025,,',
);
const OCTOBER = csv(
  HEADER,
  'A1,Board action,Report deployment rate,Head of Cyber Crime Unit,01/03/2025,At risk,31/12/2025,,Moved to December',
  'A2,HMICFRS recommendation,Vet every volunteer,Force Vetting Manager,01/01/2025,Complete,31/05/2025,15/08/2025,Done',
  'A3,Strategy commitment,Protect volunteer network,Cyber Protect Coordinator,01/02/2025,On track,30/09/2025,,',
  'A4,Board action,Brief the board on ransomware,PCC Office,01/08/2025,Not started,01/11/2025,,',
  'A5,HMICFRS area for improvement,Publish Protect calendar,Cyber Protect Coordinator,01/04/2025,Closed,30/06/2025,20/06/2025,',
  'A6,Strategy commitment,Schools programme,Cyber Prevent Lead,01/09/2025,On track,31/03/2026,,',
  'A8,HMICFRS recommendation,"<b>Train</b> call handlers & *triage* [x](javascript:alert(1))",<script>alert(1)</script>,01/05/2025,At risk,15/09/2025,,',
);

let env: TestEnv;
const now = { t: new Date('2025-06-15T12:00:00Z') };
const period = parsePeriod('2025-26-Q2', '2025-10-14');

beforeAll(async () => {
  env = await createTestEnv({ clock: { now: () => new Date(now.t) } });
  expect((await env.ingestText('actions_2025-06.csv', JUNE, { dataset: 'actions' })).status).toBe('loaded');
  now.t = new Date('2025-10-13T12:00:00Z');
  expect((await env.ingestText('actions_2025-10.csv', OCTOBER, { dataset: 'actions' })).status).toBe('loaded');
  await buildModels(env.db, env.config.queriesDir);
});
afterAll(() => env.close());

describe('action log', () => {
  it('lists open actions and those completed since the period began, overdue first, with days overdue and RAG', async () => {
    const log = await readActionLog(env.db, env.config.queriesDir, { asOf: '2025-10-14', since: period.start });
    // A8 due 15/09: 29 days overdue; A3 due 30/09: 14 days. Then open by due date: A4 (Not started, due
    // 01/11, within 30 days: Amber), A1 (At risk: Amber), A6 (Green). Then A2, completed 15/08 (Green).
    // A5 was closed on 20/06, before the period began: not listed.
    expect(log.map((r) => [r.reference, r.days_overdue, r.rag])).toEqual([
      ['A8', 29, 'Red'],
      ['A3', 14, 'Red'],
      ['A4', null, 'Amber'],
      ['A1', null, 'Amber'],
      ['A6', null, 'Green'],
      ['A2', null, 'Green'],
    ]);
    expect(log[0]).toMatchObject({ source: 'HMICFRS recommendation', owner_role: '<script>alert(1)</script>', raised_on: '2025-05-01', due_on: '2025-09-15', status: 'At risk' });
    expect(log[5]).toMatchObject({ status: 'Complete', completed_on: '2025-08-15' });
  });

  it('gives ACT-01 and ACT-02 previous and year-ago values from the tracker as it stood then', async () => {
    const catalog = loadCatalog(env.config.queriesDir).filter((m) => ['ACT-01', 'ACT-02'].includes(m.meta.id));
    const run = await runMetrics(env.db, catalog, { period, asOf: '2025-10-14' });
    await addActionHistory(env.db, run, env.config.queriesDir);
    const [open, overdue] = ['ACT-01', 'ACT-02'].map((id) => run.results.find((m) => m.id === id)!);
    // Now: open A1, A3, A4, A6, A8 = 5; overdue A3, A8 = 2.
    // At 30/06/2025: A1, A2, A3 from the June export (loaded 15/06), the rest from October's:
    // open A1, A2, A3, A8 (A4, A6 not yet raised; A5 completed 20/06) = 4; overdue A1 (due 31/05
    // in June's export, not October's 31/12) and A2 = 2. At 30/09/2024 nothing was raised: 0 and 0.
    expect([open!.value, open!.previous, open!.year_ago, open!.change, open!.change_pct]).toEqual([5, 4, 0, 1, 25]);
    expect([overdue!.value, overdue!.previous, overdue!.year_ago, overdue!.change, overdue!.change_pct]).toEqual([2, 2, 0, 0, 0]);
    expect(open!.year_change_pct).toBeNull();
  });

  it('publishes only the configured sources in the public edition, without owners', async () => {
    const log = await readActionLog(env.db, env.config.queriesDir, { asOf: '2025-10-14', since: period.start });
    const published = publicActionLog(log, DEFAULT_PUBLIC_SOURCES);
    expect(published.map((r) => r.reference)).toEqual(['A8', 'A3', 'A6', 'A2']);
    expect(published.every((r) => !('owner_role' in r))).toBe(true);
    expect(publicActionLog(log, ['Strategy commitment']).map((r) => r.reference)).toEqual(['A3', 'A6']);
  });

  it('renders free text as escaped data and leaves the owner column out of the public edition', async () => {
    const { renderPack } = await import('../../pipelines/packs/renderPack.ts');
    const log = await readActionLog(env.db, env.config.queriesDir, { asOf: '2025-10-14', since: period.start });
    const pack = {
      period: '2025-26-Q2',
      label: 'Q2 2025-26',
      start: '2025-07-01',
      end: '2025-09-30',
      edition: 'board' as const,
      as_of: '2025-10-14',
      generated_at: '2025-10-14T12:00:00Z',
      version: '0.1.0',
      force: 'West Mercia',
      partial: false,
      marking: 'OFFICIAL-SENSITIVE',
    };
    const manifest = {
      pack,
      comparisons: { previous: { id: 'p', start: '', end: '', covered: true }, year_ago: { id: 'y', start: '', end: '', covered: true } },
      inputs: [],
      snapshot: { id: 'x', through_load_id: 2, queries_sha256: 'q', version: '0.1.0', files: [], settings: {} },
      metrics: [],
      data_quality: [],
      warnings: [],
      action_log: log,
    } as never;
    const html = renderPack({ manifest, charts: [], sql: {}, reportsDir: join(packageRoot, 'reports'), definition: loadPackDefinition(join(packageRoot, 'reports', 'packs'), 'board') });
    expect(html).toContain('&lt;b&gt;Train&lt;/b&gt; call handlers &amp; *triage* [x](javascript:alert(1))');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('<th scope="col">Owner</th>');
    expect(actionLogView(manifest).caption).toBe('Every action open at 14 October 2025 (5), and those completed since 1 July 2025; overdue first');
    const publicManifest = { ...(manifest as object), pack: { ...pack, edition: 'public' }, action_log: publicActionLog(log, DEFAULT_PUBLIC_SOURCES) } as never;
    const publicHtml = renderPack({ manifest: publicManifest, charts: [], sql: {}, reportsDir: join(packageRoot, 'reports'), definition: loadPackDefinition(join(packageRoot, 'reports', 'packs'), 'board') });
    expect(publicHtml).not.toContain('<th scope="col">Owner</th>');
    expect(publicHtml).not.toContain('Head of Cyber Crime Unit');
    expect(publicHtml).not.toContain('Brief the board on ransomware');
  });
});
