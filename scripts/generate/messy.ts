/**
 * `--messy`: a small, documented, deterministic set of realistic defects, so the
 * pipeline's quarantine and warnings have something to show in a demo.
 *
 * Each defect goes into the first suitable row at or after a set share of the
 * file's rows. The choice depends only on the generated rows and draws no
 * random numbers, so every other row stays byte-identical to a clean run with
 * the same options. Rows are changed before they are written (messySink.ts),
 * which also gives each defect its physical line (header = line 1).
 *
 * Quarantining defects are dropped from a file too small to keep them under
 * 10 % of its rows (the pipeline would reject the whole file), and reported as
 * not injected.
 */
import { dayToDmy, dmyToDay } from './dates.ts';
import { physicalLines, type RowTransform } from './messySink.ts';
import type { DatasetName } from './options.ts';

export interface InjectedDefect {
  /** 1-based physical line (header = line 1). */
  line: number;
  field: string;
  value: string;
  defect: string;
  /** What the pipeline should do with it: a quarantine reason or a warning. */
  expect: string;
}

/** A row being written, addressed by header name. */
export class Row {
  constructor(
    private readonly columns: ReadonlyMap<string, number>,
    readonly fields: string[],
  ) {}

  get(name: string): string {
    const i = this.columns.get(name);
    return i === undefined ? '' : (this.fields[i] ?? '');
  }

  set(name: string, value: string): void {
    const i = this.columns.get(name);
    if (i !== undefined) this.fields[i] = value;
  }
}

interface DefectSpec {
  defect: string;
  /** Header name; WHOLE_ROW for a duplicate. */
  field: string;
  /** Where to start looking, as a share of the file's rows. */
  from: number;
  /** Whether the pipeline quarantines the row (counts towards the 10 % limit). */
  quarantines: boolean;
  expect: string;
  fits(row: Row): boolean;
  /** Changes the row and returns the new value; absent for a duplicate (the row is written twice). */
  apply?(row: Row): string;
}

const WHOLE_ROW = '(whole row)';

/** In scope (not excluded as a fraud code) and on one physical line, so a defect's line is easy to check by eye. */
const plainIncident = (r: Row): boolean => /^NFIB5[23]/.test(r.get('NFIB Code')) && !r.get('Summary').includes('\n');

const DEFECTS: Record<DatasetName, readonly DefectSpec[]> = {
  incidents: [
    {
      defect: 'First Contact Date three days before Date Reported',
      field: 'First Contact Date',
      from: 0.15,
      quarantines: true,
      expect: 'quarantine: contact_before_report',
      fits: (r) => plainIncident(r) && r.get('First Contact Date') !== '' && dmyToDay(r.get('Date Reported')) !== null,
      apply: (r) => set(r, 'First Contact Date', dayToDmy((dmyToDay(r.get('Date Reported')) as number) - 3)),
    },
    {
      defect: 'impossible date: day 31 in a 30-day month',
      field: 'Date Reported',
      from: 0.45,
      quarantines: true,
      expect: 'quarantine: invalid_date',
      fits: (r) => plainIncident(r) && /^\d\d\/(04|06|09|11)\/\d{4}$/.test(r.get('Date Reported')),
      apply: (r) => set(r, 'Date Reported', `31${r.get('Date Reported').slice(2)}`),
    },
    {
      defect: 'Outcome Code outside the Home Office framework (1-22)',
      field: 'Outcome Code',
      from: 0.6,
      quarantines: true,
      expect: 'quarantine: out_of_range',
      fits: (r) => plainIncident(r) && r.get('Outcome Code') !== '',
      apply: (r) => set(r, 'Outcome Code', '23'),
    },
    {
      defect: 'Local Policing Area abbreviated (not a known area)',
      field: 'Local Policing Area',
      from: 0.75,
      quarantines: false,
      expect: 'warning: unknown area, loaded as Unknown',
      fits: (r) => plainIncident(r) && r.get('Local Policing Area') === 'Telford & Wrekin',
      apply: (r) => set(r, 'Local Policing Area', 'Telford'),
    },
    {
      defect: 'exact duplicate of the row above',
      field: WHOLE_ROW,
      from: 0.9,
      quarantines: false,
      expect: 'counted as duplicate (rows_duplicate), loaded once',
      fits: plainIncident,
    },
  ],
  volunteers: [
    {
      defect: 'Status Left with the End Date missing',
      field: 'End Date',
      from: 0.25,
      quarantines: true,
      expect: 'quarantine: left_without_date',
      fits: (r) => r.get('Status') === 'Left' && r.get('End Date') !== '',
      apply: (r) => set(r, 'End Date', ''),
    },
  ],
  volunteer_hours: [
    {
      defect: 'Hours 2.5 keyed without the decimal point',
      field: 'Hours',
      from: 0.3,
      quarantines: true,
      expect: 'quarantine: out_of_range',
      fits: (r) => r.get('Hours') === '2.5',
      apply: (r) => set(r, 'Hours', '25'),
    },
    {
      defect: 'Activity not in the list',
      field: 'Activity',
      from: 0.6,
      quarantines: true,
      expect: 'quarantine: invalid_value',
      fits: (r) => r.get('Activity') === 'Other',
      apply: (r) => set(r, 'Activity', 'Gardening'),
    },
  ],
  training: [],
  actions: [],
};

function set(row: Row, field: string, value: string): string {
  row.set(field, value);
  return value;
}

/** The transform for one file of `total` rows, started with its header; null when the dataset has no defects. */
export function messyTransform(dataset: DatasetName, total: number): ((header: readonly string[]) => RowTransform) | null {
  const specs = DEFECTS[dataset];
  return specs.length === 0 ? null : (header) => new DefectInjector(header, specs, total);
}

class DefectInjector implements RowTransform {
  private readonly columns: Map<string, number>;
  /** Not yet placed, ordered by the row each may start at. */
  private readonly pending: { spec: DefectSpec; from: number }[] = [];
  private readonly defects: InjectedDefect[] = [];
  private readonly missed: string[] = [];

  constructor(header: readonly string[], specs: readonly DefectSpec[], total: number) {
    this.columns = new Map(header.map((h, i) => [h, i]));
    let bad = 0;
    for (const spec of specs) {
      if (spec.field !== WHOLE_ROW && !this.columns.has(spec.field)) {
        this.missed.push(`${spec.defect} (no ${spec.field} column)`);
      } else if (spec.quarantines && (bad + 1) * 10 >= total) {
        this.missed.push(`${spec.defect} (file too small to stay under 10 % bad rows)`);
      } else {
        if (spec.quarantines) bad++;
        this.pending.push({ spec, from: Math.floor(spec.from * total) });
      }
    }
    this.pending.sort((a, b) => a.from - b.from);
  }

  wants(index: number): boolean {
    const first = this.pending[0];
    return first !== undefined && index >= first.from;
  }

  apply(fields: string[], index: number, line: number): string[][] | null {
    const row = new Row(this.columns, fields);
    const k = this.pending.findIndex((p) => p.from <= index && p.spec.fits(row));
    if (k < 0) return null;
    const { spec } = this.pending.splice(k, 1)[0] as { spec: DefectSpec };
    if (spec.apply === undefined) {
      const copyLine = line + physicalLines(fields);
      this.defects.push({ line: copyLine, field: spec.field, value: `copy of line ${line}`, defect: spec.defect, expect: spec.expect });
      return [fields, [...fields]];
    }
    const value = spec.apply(row);
    this.defects.push({ line, field: spec.field, value, defect: spec.defect, expect: spec.expect });
    return [row.fields];
  }

  report(): { defects: InjectedDefect[]; missed: string[] } {
    return { defects: [...this.defects], missed: [...this.missed, ...this.pending.map((p) => `${p.spec.defect} (no suitable row)`)] };
  }
}
