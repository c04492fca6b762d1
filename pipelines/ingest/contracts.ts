import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../lib/config.ts';
import { UsageError } from '../lib/errors.ts';
import { checkAgainstSchema } from '../lib/schemas.ts';
import { papaparse } from '../lib/cjsPackages.ts';
import { normalizeHeader } from './headerName.ts';

/**
 * Dataset contracts (docs/datasets.md) are declarative data under queries/contracts;
 * this module only reads and checks them, so an analyst changes a contract,
 * an alias or a reference list without touching code.
 */

export const DATASETS = ['incidents', 'volunteers', 'volunteer_hours', 'training', 'actions'] as const;
export type DatasetName = (typeof DATASETS)[number];

export type FieldType = 'text' | 'date' | 'code' | 'enum' | 'money' | 'integer' | 'decimal' | 'boolean' | 'list';
const FIELD_TYPES: readonly FieldType[] = ['text', 'date', 'code', 'enum', 'money', 'integer', 'decimal', 'boolean', 'list'];

export interface FieldSpec {
  name: string;
  required: boolean;
  type: FieldType;
  aliases: string[];
  /** Allowed values of an enum, from the contract or its reference file. */
  values?: string[];
  reference?: 'nfib_codes' | 'areas';
  min?: number;
  max?: number;
  min_exclusive?: number;
}

export type RowRule =
  | { check: 'not_before'; field: string; other: string; reason: string }
  | { check: 'not_after_load_date'; field: string; reason: string }
  | { check: 'required_when'; field: string; when: { field: string; equals: string }; reason: string };

export interface Contract {
  dataset: DatasetName;
  description: string;
  key: string;
  fields: FieldSpec[];
  rules: RowRule[];
}

export interface ReferenceData {
  nfibCodes: { code: string; category: string }[];
  areas: string[];
  outcomes: { code: number; label: string; judicial: boolean }[];
}

export interface Contracts {
  datasets: Record<DatasetName, Contract>;
  personal: { exact: Set<string>; contains: string[] };
  reference: ReferenceData;
}

/** The date that places a record of an event dataset in time; the roster and the tracker have none. */
export const RECORD_DATE: Partial<Record<DatasetName, string>> = { incidents: 'reported_on', volunteer_hours: 'deployed_on', training: 'event_on' };

/** Each dataset's key field. */
export function datasetKeys(contracts: Pick<Contracts, 'datasets'>): Record<string, string> {
  return Object.fromEntries(Object.values(contracts.datasets).map((c) => [c.dataset, c.key]));
}

export function isDatasetName(name: string): name is DatasetName {
  return (DATASETS as readonly string[]).includes(name);
}

export function loadContracts(config: Pick<Config, 'contractsDir' | 'referenceDir' | 'aliases'>): Contracts {
  const reference = loadReference(config.referenceDir);
  const datasets = {} as Record<DatasetName, Contract>;
  for (const name of DATASETS) {
    const contract = readContract(join(config.contractsDir, `${name}.json`), name);
    for (const field of contract.fields) {
      if (field.reference === 'areas') field.values = reference.areas;
      field.aliases = [...field.aliases, ...(config.aliases[name]?.[field.name] ?? [])];
    }
    for (const field of Object.keys(config.aliases[name] ?? {})) {
      if (!contract.fields.some((f) => f.name === field)) {
        throw new UsageError(`Configuration "aliases.${name}.${field}" names no field of ${name}; use one of: ${contract.fields.map((f) => f.name).join(', ')}.`);
      }
    }
    datasets[name] = contract;
  }
  for (const dataset of Object.keys(config.aliases)) {
    if (!isDatasetName(dataset)) throw new UsageError(`Configuration "aliases.${dataset}" names no dataset; use one of: ${DATASETS.join(', ')}.`);
  }
  const personal = JSON.parse(readFileSync(join(config.contractsDir, 'personal.json'), 'utf8')) as { exact: string[]; contains: string[] };
  return {
    datasets,
    personal: { exact: new Set(personal.exact.map(normalizeHeader)), contains: personal.contains.map(normalizeHeader) },
    reference,
  };
}

function readContract(path: string, name: DatasetName): Contract {
  if (!existsSync(path)) throw new UsageError(`The contract ${path} is missing; restore it from the repository.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`The contract ${path} is not valid JSON (${(error as Error).message}); fix the file.`);
  }
  // Keys and types against schemas/contract.schema.json (a mistyped key is named, with a suggestion).
  const contract = checkAgainstSchema<Contract>('contract', parsed, path);
  const problem = (what: string) => new UsageError(`The contract ${path} is invalid: ${what}; fix the file.`);
  if (contract.dataset !== name) throw problem(`"dataset" must be "${name}"`);
  const names = new Set(contract.fields.map((f) => f.name));
  if (!names.has(contract.key)) throw problem(`key "${contract.key}" is not one of its fields`);
  for (const field of contract.fields) {
    field.required = field.required === true;
    field.aliases ??= [];
    if (!FIELD_TYPES.includes(field.type)) throw problem(`field ${field.name} has unknown type "${field.type}"`);
    if (field.type === 'enum' && !field.values && field.reference !== 'areas') throw problem(`enum field ${field.name} needs "values" or "reference": "areas"`);
    if (field.type === 'code' && field.reference !== 'nfib_codes') throw problem(`code field ${field.name} needs "reference": "nfib_codes"`);
  }
  for (const rule of contract.rules) {
    const fields = [rule.field, ...(rule.check === 'not_before' ? [rule.other] : []), ...(rule.check === 'required_when' ? [rule.when.field] : [])];
    for (const f of fields) if (!names.has(f)) throw problem(`rule ${rule.reason} names unknown field ${f}`);
  }
  return contract;
}

/** A reference file's rows, headers and values trimmed; a missing file is an error naming it. */
export function readCsv(path: string): Record<string, string>[] {
  if (!existsSync(path)) throw new UsageError(`The reference file ${path} is missing; restore it from the repository.`);
  const parsed = papaparse().parse<Record<string, string>>(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: 'greedy' });
  return parsed.data.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k.trim(), (v ?? '').trim()])));
}

function loadReference(dir: string): ReferenceData {
  const nfibCodes = readCsv(join(dir, 'nfib_codes.csv')).map((r) => ({ code: normalizeCode(r.code ?? ''), category: r.category ?? '' }));
  const areas = readCsv(join(dir, 'areas.csv')).map((r) => r.area ?? '');
  const outcomes = readCsv(join(dir, 'outcomes.csv')).map((r) => ({
    code: Number(r.code),
    label: r.label ?? '',
    judicial: /^(true|yes|y|1)$/i.test(r.judicial ?? ''),
  }));
  const bad = nfibCodes.find((c) => c.code === '' || c.category === '') ?? null;
  if (bad) throw new UsageError(`${join(dir, 'nfib_codes.csv')} has a row without code or category; fix the file.`);
  if (areas.some((a) => a === '')) throw new UsageError(`${join(dir, 'areas.csv')} has an empty area; fix the file.`);
  if (outcomes.some((o) => !Number.isInteger(o.code))) throw new UsageError(`${join(dir, 'outcomes.csv')} has a non-numeric code; fix the file.`);
  return { nfibCodes, areas, outcomes };
}

/** Codes match whole, ignoring case and spaces: `nfib 52b` is `NFIB52B`. */
export function normalizeCode(code: string): string {
  return code.replace(/\s+/g, '').toUpperCase();
}
