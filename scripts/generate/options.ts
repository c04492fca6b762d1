/** Options, results and the shared generation context. */
import type { Calendar } from './dates.ts';
import type { WrittenFile } from './csvWriter.ts';
import type { InjectedDefect } from './messy.ts';

export const DATASETS = ['incidents', 'volunteers', 'volunteer_hours', 'training', 'actions'] as const;
export type DatasetName = (typeof DATASETS)[number];

export interface GenerateOptions {
  out: string;
  seed: number;
  /** ISO yyyy-mm-dd, inclusive. */
  start: string;
  /** ISO yyyy-mm-dd, inclusive; nothing in the exports is dated after it. */
  end: string;
  incidentsPerYear: number;
  /** Exact incident count; overrides incidentsPerYear (benchmarks). */
  incidents?: number;
  eventsPerYear: number;
  volunteers: number;
  /** Datasets to write; all when absent. */
  only?: readonly DatasetName[];
  /** Write the personal-data columns (victim name/email, volunteer name/phone). */
  personal: boolean;
  /** Inject the small documented set of defects (messy.ts); off when absent. */
  messy?: boolean;
}

export interface FileResult extends WrittenFile {
  /** With `messy` only: the defects injected, by physical line. */
  defects?: InjectedDefect[];
  /** With `messy` only: defects planned for this file that found no suitable row. */
  missed?: string[];
}

export const DEFAULTS = {
  seed: 42,
  start: '2024-10-01',
  end: '2026-09-30',
  incidentsPerYear: 2200,
  eventsPerYear: 300,
  volunteers: 65,
} as const;

export const FILE_NAMES: Record<DatasetName, string> = {
  incidents: 'incidents.csv',
  volunteers: 'volunteers.csv',
  volunteer_hours: 'volunteer_hours.csv',
  training: 'training.csv',
  actions: 'actions.csv',
};

export interface Ctx {
  seed: number;
  start: number; // day number (days since 1970-01-01 UTC)
  end: number;
  cal: Calendar;
  personal: boolean;
}

/** Bad options: reported as a message plus usage, not a stack trace. */
export class UsageError extends Error {}
