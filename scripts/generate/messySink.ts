/**
 * A RowSink in front of the CSV file that lets a RowTransform (messy.ts) change
 * rows before they are written, numbering physical lines as it goes: header =
 * line 1, a line break inside a quoted field adds a line, and a record is
 * numbered by its first line, as the pipeline numbers them. Rows before the
 * transform's first candidate pass straight through, unparsed.
 */
import type { RowSink } from './csvWriter.ts';
import type { InjectedDefect } from './messy.ts';

export interface RowTransform {
  /** Whether data row `index` (0-based) could take a defect; false lets it through unparsed. */
  wants(index: number): boolean;
  /** The records to write instead of this one (which starts on physical `line`), or null for unchanged. */
  apply(fields: string[], index: number, line: number): string[][] | null;
  report(): { defects: InjectedDefect[]; missed: string[] };
}

export class TransformingSink implements RowSink {
  private transform: RowTransform | null = null;
  private index = 0;
  private nextLine = 1;

  constructor(
    private readonly file: RowSink,
    private readonly start: (header: readonly string[]) => RowTransform,
  ) {}

  header(names: readonly string[]): void {
    this.file.header(names);
    this.nextLine = 1 + physicalLines(names);
    this.transform = this.start(names);
  }

  line(text: string): void {
    const out = this.changed(() => splitCsvLine(text));
    if (out === null) {
      this.file.line(text);
      this.nextLine += 1 + countLf(text);
    } else {
      this.writeAll(out);
    }
    this.index++;
  }

  record(values: readonly string[]): void {
    const out = this.changed(() => [...values]);
    if (out === null) {
      this.file.record(values);
      this.nextLine += physicalLines(values);
    } else {
      this.writeAll(out);
    }
    this.index++;
  }

  report(): { defects: InjectedDefect[]; missed: string[] } {
    return this.transform?.report() ?? { defects: [], missed: [] };
  }

  private changed(fields: () => string[]): string[][] | null {
    const t = this.transform;
    return t?.wants(this.index) ? t.apply(fields(), this.index, this.nextLine) : null;
  }

  private writeAll(records: readonly string[][]): void {
    for (const r of records) {
      this.file.record(r);
      this.nextLine += physicalLines(r);
    }
  }
}

/** Physical lines a record takes (quoting adds no line breaks, so the raw values tell). */
export function physicalLines(values: readonly string[]): number {
  let n = 1;
  for (const v of values) n += countLf(v);
  return n;
}

function countLf(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Splits one record written by csvField/cell back into raw values (the inverse of quoting). */
export function splitCsvLine(text: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error(`unterminated quoted field in generated row: ${text.slice(0, 80)}`);
        value += text.slice(i, q);
        if (text[q + 1] !== '"') {
          i = q + 1;
          break;
        }
        value += '"';
        i = q + 2;
      }
      fields.push(value);
    } else {
      const comma = text.indexOf(',', i);
      const end = comma < 0 ? text.length : comma;
      fields.push(text.slice(i, end));
      i = end;
    }
    if (i >= text.length) return fields;
    i++; // the comma
  }
}
