import { describe, expect, it } from 'vitest';
import type { MetricResult } from '../../pipelines/metrics/runMetrics.ts';
import { metricResult } from '../charts/sampleMetrics.ts';
import type { MetricSpc } from '../../pipelines/metrics/signals.ts';
import { signalSentences, signalStatus } from '../../pipelines/packs/signalWords.ts';
import { summarize } from '../../pipelines/packs/summarize.ts';
import { formatFigure } from '../../pipelines/packs/format.ts';

// The executive summary leads with targets breached and significant changes, and says
// plainly when nothing changed significantly.

function metric(id: string, extra: Partial<MetricResult> = {}): MetricResult {
  return metricResult(id, {
    title: `Measure ${id}`,
    definition: '',
    owner: '',
    sql_path: '',
    value: 50,
    previous: 49,
    year_ago: 45,
    change: 1,
    change_pct: 2,
    year_change: 5,
    year_change_pct: 11.1,
    ...extra,
  });
}
const quiet: MetricSpc = { baseline: { from: '2025-07', to: '2026-06', months: 12 }, mean: 48.6, upper: 64.5, lower: 32.6, signal: null };
const context = {
  headline: [{ metric: 'INC-01', says: 'cyber-dependent crimes were reported' }],
  periodLabel: 'Q2 2026-27',
  kindWord: 'quarter',
  partial: false,
  warnings: [],
  dataQuality: [],
  covered: { previous: true, year_ago: true },
  show: (m: MetricResult, f: 'value' | 'previous' | 'year_ago') => formatFigure(m[f], m.unit, m.decimals),
};

describe('signals in the summary', () => {
  it('says plainly that nothing changed significantly in a quiet period, and that the headline movement is ordinary variation', () => {
    const sentences = summarize([metric('INC-01', { value: 146, previous: 145, change: 1, change_pct: 0.7, year_ago: 139, year_change: 7, year_change_pct: 5, spc: quiet }), metric('TRN-01', { spc: quiet })], context);
    expect(sentences).toEqual([
      "Nothing changed significantly in Q2 2026-27: every measure's monthly figures stayed within their usual range, with no sustained run or trend (the rules are in the Methodology).",
      '146 cyber-dependent crimes were reported in Q2 2026-27, up 1 (0.7 %) on the 145 of the previous quarter, and up 7 (5.0 %) on the 139 of the same quarter a year earlier. Each month was within its usual range: ordinary variation, not a significant change.',
    ]);
  });

  it('leads with targets breached, then each significant change in words, never a rule code', () => {
    const contact = metric('INC-05', {
      title: 'Victim contact within 28 days',
      unit: 'percent',
      decimals: 1,
      direction: 'up',
      value: 70,
      target: 90,
      rag: 'Red',
      spc: { ...quiet, mean: 82.2, upper: 94.07, lower: 70.33, signal: { months: ['2026-09'], rules: ['beyond_limits'], side: 'low', meaning: 'concern' } },
    });
    const vetting = metric('VOL-07', {
      title: 'Vetting due',
      direction: 'down',
      spc: { ...quiet, mean: 4.3, upper: 6.5, lower: 2.2, signal: { months: ['2026-08', '2026-09'], rules: ['beyond_limits', 'shift'], side: 'high', meaning: 'concern' } },
    });
    const hours = metric('VOL-02', {
      title: 'Volunteer hours',
      unit: 'hours',
      decimals: 1,
      direction: 'neutral',
      spc: { ...quiet, mean: 298.75, upper: 432.23, lower: -5, signal: { months: ['2026-09'], rules: ['trend'], side: 'high', meaning: 'neutral' } },
    });
    const sentences = summarize([contact, vetting, hours], context);
    expect(sentences).toEqual([
      'Victim contact within 28 days was 70.0 % against a target of 90.0 % (Red: more than the tolerance short of target).',
      'Victim contact within 28 days changed significantly (lower, a concern): September 2026 was outside the usual monthly range of 70.33 % to 94.07 %.',
      'Vetting due changed significantly (higher, a concern): August 2026 and September 2026 were outside the usual monthly range of 2.2 to 6.5; and it has been above its average of 4.3 for seven months or more in a row, to September 2026.',
      'Volunteer hours changed significantly (higher): it has risen six months or more in a row, to September 2026.',
    ]);
    expect(sentences.join(' ')).not.toMatch(/beyond_limits|shift|trend\b/);
  });

  it('says when there is not enough history to judge', () => {
    expect(signalSentences([metric('INC-01')], 'Q2 2026-27')).toEqual(['There is not yet enough monthly history (12 months before the period) to tell a significant change from ordinary variation.']);
  });

  it('says nothing of signals in the public edition, whose monthly figures and so limits are not published', () => {
    const sentences = summarize([metric('INC-01', { value: 146, previous: 145, change: 1, change_pct: 0.7, year_ago: 139, year_change: 7, year_change_pct: 5 })], { ...context, signals: false });
    expect(sentences).toEqual(['146 cyber-dependent crimes were reported in Q2 2026-27, up 1 (0.7 %) on the 145 of the previous quarter, and up 7 (5.0 %) on the 139 of the same quarter a year earlier.']);
  });

  it('gives a measure without a target its signal as a status', () => {
    expect(signalStatus(metric('TRN-01', { spc: quiet }))).toEqual({ text: 'No significant change', symbol: '–', cls: 'common' });
    expect(signalStatus(metric('TRN-01', { spc: { ...quiet, signal: { months: ['2026-09'], rules: ['trend'], side: 'low', meaning: 'concern' } } }))).toEqual({ text: 'Significant change: lower', symbol: '↓', cls: 'concern' });
    expect(signalStatus(metric('TRN-01'))).toBeNull();
  });
});
