import { FileRejected } from '../lib/errors.ts';
import { DATASETS, type Contract, type Contracts, type DatasetName } from './contracts.ts';
import { FORCE_HEADERS } from './forceOfFile.ts';
import { normalizeHeader } from './headerName.ts';
import { quoteForMessage, showForMessage, summarizeList } from './messages.ts';

/**
 * Matches a file's header row to a dataset contract: which column is which
 * field, which columns hold personal data (dropped), which are unknown (ignored).
 */

export interface MappedColumn {
  field: string;
  index: number;
  header: string;
}

export interface HeaderMapping {
  dataset: DatasetName;
  columns: MappedColumn[];
  /** Personal-data columns, dropped before anything is stored. */
  dropped: string[];
  /** Unknown extra columns, ignored. */
  ignored: string[];
  /** The column naming each row's force, if the export has one (forceOfFile.ts). */
  forceColumn?: number;
}

/** The columns the archive's canonical copy keeps in clear: the mapped fields and the force. */
export function keptColumns(mapping: HeaderMapping): Set<number> {
  return new Set([...mapping.columns.map((c) => c.index), ...(mapping.forceColumn === undefined ? [] : [mapping.forceColumn])]);
}

export { normalizeHeader };

function fieldIndex(contract: Contract): Map<string, string> {
  const byName = new Map<string, string>();
  for (const field of contract.fields) {
    for (const name of [field.name, ...field.aliases]) byName.set(normalizeHeader(name), field.name);
  }
  return byName;
}

function isPersonal(normalized: string, contracts: Contracts): boolean {
  return contracts.personal.exact.has(normalized) || contracts.personal.contains.some((part) => normalized.includes(part));
}

/** The headers that would have matched a field, for error messages. */
export function acceptedHeaders(contract: Contract, field: string): string[] {
  const spec = contract.fields.find((f) => f.name === field);
  return spec ? [spec.name, ...spec.aliases] : [field];
}

export function mapHeaders(fileName: string, headers: string[], contracts: Contracts, dataset?: DatasetName): HeaderMapping {
  const chosen = dataset ?? detectDataset(fileName, headers, contracts);
  const contract = contracts.datasets[chosen];
  const byName = fieldIndex(contract);
  const columns: MappedColumn[] = [];
  const dropped: string[] = [];
  const ignored: string[] = [];
  let forceColumn: number | undefined;
  headers.forEach((header, index) => {
    const normalized = normalizeHeader(header);
    const field = byName.get(normalized);
    if (field !== undefined) {
      const clash = columns.find((c) => c.field === field);
      if (clash) {
        throw new FileRejected(`${fileName} has two columns for ${chosen} field ${field} (${quoteForMessage(clash.header)} and ${quoteForMessage(header)}); nothing was loaded: remove or rename one of them.`, chosen);
      }
      columns.push({ field, index, header });
    } else if (FORCE_HEADERS.includes(normalized)) {
      // Each row's force: checked against the delivery and recorded as the row's force (forceOfFile.ts).
      forceColumn ??= index;
    } else if (normalized === '') {
      ignored.push(`(blank header, column ${index + 1})`);
    } else if (isPersonal(normalized, contracts)) {
      dropped.push(header);
    } else {
      ignored.push(header);
    }
  });
  const missing = contract.fields.filter((f) => f.required && !columns.some((c) => c.field === f.name));
  if (missing.length > 0) {
    const detail = missing.map((f) => `${f.name} (accepted headers: ${acceptedHeaders(contract, f.name).join(', ')})`).join('; ');
    throw new FileRejected(
      `${fileName} looks like ${chosen} but lacks required column${missing.length > 1 ? 's' : ''} ${detail}; nothing was loaded: add the column${missing.length > 1 ? 's' : ''} to the export or add an alias under "aliases" in boardpack.config.json.`,
      chosen,
    );
  }
  return { dataset: chosen, columns, dropped, ignored, ...(forceColumn === undefined ? {} : { forceColumn }) };
}

/** The dataset whose fields match the headers best; ambiguous or unrecognisable headers are an error. */
export function detectDataset(fileName: string, headers: string[], contracts: Contracts): DatasetName {
  const normalized = new Set(headers.map(normalizeHeader));
  const scores = DATASETS.map((name) => {
    const byName = fieldIndex(contracts.datasets[name]);
    const fields = new Set<string>();
    for (const header of normalized) {
      const field = byName.get(header);
      if (field) fields.add(field);
    }
    const required = contracts.datasets[name].fields.filter((f) => f.required && fields.has(f.name)).length;
    return { name, matched: fields.size, required };
  }).sort((a, b) => b.matched - a.matched || b.required - a.required);
  const [best, second] = scores;
  const found = summarizeList(headers.filter((h) => h.trim() !== '').map((h) => showForMessage(h))) || '(none)';
  if (!best || best.matched < 2) {
    throw new FileRejected(`${fileName} is not recognised as any dataset (headers found: ${found}); name it with --dataset ${DATASETS.join('|')} or add aliases in boardpack.config.json.`);
  }
  if (second && second.matched === best.matched && second.required === best.required) {
    throw new FileRejected(`${fileName} could be ${best.name} or ${second.name} (headers found: ${found}); name it with --dataset.`);
  }
  return best.name;
}
