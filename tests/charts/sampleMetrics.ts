import type { BreakdownRow, MetricResult, SeriesPoint } from '../../pipelines/metrics/runMetrics.ts';

/**
 * Metric results shaped as runMetrics gives them, for chart tests. `sampleMetrics` holds
 * the figures fixtures/sample gives for 2025-26-Q2 (as of 2025-10-14), INC-05's first
 * month null as it is there; `scaledMetrics` the same shapes at a large force's scale
 * (five-digit counts, four-digit hours) to prove the labels still fit; `emptyMetrics`
 * a period with nothing in it.
 */

const MONTHS = ['2024-09', '2024-10', '2024-11', '2024-12', '2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09'];

export function series(values: (number | null)[], months: string[] = MONTHS.slice(-values.length)): SeriesPoint[] {
  return values.map((value, i) => {
    const period = months[i]!;
    const [y, m] = period.split('-').map(Number) as [number, number];
    const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
    return { period, start: `${period}-01`, end: `${period}-${String(last).padStart(2, '0')}`, value };
  });
}

export function breakdown(rows: [string, number | null, number | null][]): BreakdownRow[] {
  return rows.map(([key, value, previous]) => ({ key, value, previous, year_ago: null }));
}

export function metricResult(id: string, fields: Partial<MetricResult>): MetricResult {
  return {
    id,
    title: id,
    definition: `${id} definition.`,
    unit: 'count',
    decimals: 0,
    direction: 'neutral',
    section: 'crime',
    owner: 'Owner',
    caveats: [],
    value: null,
    previous: null,
    year_ago: null,
    change: null,
    change_pct: null,
    year_change: null,
    year_change_pct: null,
    numerator: null,
    denominator: null,
    previous_denominator: null,
    year_ago_denominator: null,
    target: null,
    tolerance: null,
    rag: null,
    suppressed: false,
    sql_sha256: '',
    definition_sha256: '',
    sql_path: `queries/metrics/${id}.sql`,
    datasets: ['incidents'],
    ...fields,
  };
}

const CATEGORIES = [
  'Computer virus/malware/spyware',
  'Denial of service attack',
  'Denial of service attack - extortion',
  'Hacking - extortion',
  'Hacking - PBX/dial through',
  'Hacking - personal',
  'Hacking - server',
  'Hacking - social media and email',
];
const VICTIMS = ['Individual', 'Business', 'Charity', 'Public sector', 'Education', 'Other'];
const OUTCOMES = ['Judicial (1-8)', 'Evidential difficulties (14-16)', 'Investigation complete, no suspect (18)', 'Filed by NFIB (19)', 'Other outcomes'];
const ACTIVITIES = ['Protect presentation', 'Victim call-back', 'Investigation support', 'Digital forensics', 'Event support', 'Training received', 'Other'];
const AUDIENCES = ['SME', 'Charity', 'Education', 'Older people', 'Public sector', 'General public', 'Large business'];

function zip(keys: string[], values: (number | null)[], previous: (number | null)[]): [string, number | null, number | null][] {
  return keys.map((k, i) => [k, values[i] ?? null, previous[i] ?? null]);
}

export function sampleMetrics(): MetricResult[] {
  return [
    metricResult('INC-01', { value: 139, series: series([0, 55, 46, 48, 36, 59, 51, 49, 50, 40, 46, 53, 40]) }),
    metricResult('INC-02', { value: 139, breakdown: breakdown(zip(CATEGORIES, [14, 4, 1, 12, 3, 25, 14, 66], [21, 5, 2, 11, 3, 21, 12, 64])) }),
    metricResult('INC-05', {
      unit: 'percent',
      decimals: 1,
      direction: 'up',
      target: 90,
      tolerance: 10,
      value: 82.4,
      series: series([null, 89.1, 76.1, 83.3, 75, 81.4, 72.5, 89.8, 82, 75, 80.4, 81.1, 86.5]),
    }),
    metricResult('INC-09', { value: 139, breakdown: breakdown(zip(VICTIMS, [101, 31, 1, 2, 4, 0], [111, 24, 1, 2, 1, 0])) }),
    metricResult('INC-10', { value: 92, breakdown: breakdown(zip(OUTCOMES, [11, 38, 24, 1, 18], [9, 27, 31, 1, 14])) }),
    metricResult('VOL-03', {
      unit: 'percent',
      decimals: 1,
      direction: 'up',
      target: 75,
      tolerance: 10,
      value: 72,
      section: 'volunteers',
      series: series([0, 61.1, 61.1, 63.2, 73.2, 70.7, 64.4, 62.2, 66.7, 57.4, 55.3, 68.8, 52]),
    }),
    metricResult('VOL-08', { unit: 'hours', decimals: 1, value: 880, section: 'volunteers', breakdown: breakdown(zip(ACTIVITIES, [86.5, 37, 165, 199, 191.5, 155, 46], [83, 20, 158, 230.5, 188.5, 171, 50])) }),
    metricResult('TRN-07', { value: 62, section: 'protect', breakdown: breakdown(zip(AUDIENCES, [14, 2, 6, 10, 5, 20, 5], [20, 9, 7, 12, 3, 25, 11])) }),
    metricResult('TRN-06', { value: 1827, section: 'protect', breakdown: breakdown(zip(AUDIENCES, [358, 48, 179, 287, 181, 662, 112], [1114, 402, 198, 368, 44, 395, 184])) }),
  ];
}

/**
 * The sample's shapes with every count and hour scaled up (percentages kept): a hundredfold
 * by default (a large force); ten thousandfold for national data over years (seven-digit counts).
 */
export function scaledMetrics(factor = 100): MetricResult[] {
  const up = (v: number | null) => (v === null ? null : Math.round(v * factor * 10) / 10 + 0.5);
  return sampleMetrics().map((m) =>
    m.unit === 'percent'
      ? m
      : {
          ...m,
          series: m.series?.map((p) => ({ ...p, value: up(p.value) === null ? null : Math.floor(up(p.value)!) })),
          breakdown: m.breakdown?.map((r) => ({ ...r, value: m.decimals ? up(r.value) : Math.floor(up(r.value) ?? 0), previous: m.decimals ? up(r.previous) : Math.floor(up(r.previous) ?? 0) })),
        },
  );
}

/** A period with nothing in it: zeros everywhere, shares null (no base). */
export function emptyMetrics(): MetricResult[] {
  return sampleMetrics().map((m) => ({
    ...m,
    value: m.unit === 'percent' ? null : 0,
    series: m.series?.map((p) => ({ ...p, value: m.unit === 'percent' ? null : 0 })),
    breakdown: m.breakdown?.map((r) => ({ ...r, value: 0, previous: 0 })),
  }));
}
