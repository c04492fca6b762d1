/**
 * The CSV dialect of an export: which delimiter it uses, and a small lenient
 * parser for its header row and for delimiter detection. Quote is always `"`,
 * doubled inside quoted fields (what Excel writes).
 */

export type Delimiter = ',' | ';' | '\t';
export const DELIMITERS: readonly Delimiter[] = [',', ';', '\t'];

export interface ParsedRecord {
  fields: string[];
  /** Physical line the record starts on, 1-based, relative to the text given. */
  line: number;
}

/**
 * Parses records from text: quoted fields may hold delimiters, doubled quotes and
 * line breaks; a stray quote inside an unquoted field is kept as a character.
 * Blank lines are skipped. Stops after `limit` records.
 */
export function parseRecords(text: string, delimiter: string, limit = Infinity): ParsedRecord[] {
  const records: ParsedRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let fieldTouched = false; // the current field has consumed a character (a quote opens only before any)
  let recordTouched = false; // the record has a delimiter or a visible character
  let line = 1;
  let recordLine = 1;
  const endRecord = () => {
    fields.push(field);
    if (recordTouched) records.push({ fields, line: recordLine });
    fields = [];
    field = '';
    fieldTouched = false;
    recordTouched = false;
  };
  for (let i = 0; i < text.length && records.length < limit; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line++;
        field += ch;
      }
    } else if (ch === '"' && !fieldTouched) {
      quoted = true;
      fieldTouched = true;
      recordTouched = true;
    } else if (ch === delimiter) {
      fields.push(field);
      field = '';
      fieldTouched = false;
      recordTouched = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += ch;
      fieldTouched = true;
      if (ch !== ' ' && ch !== '\t') recordTouched = true;
    }
  }
  if (records.length < limit && (recordTouched || quoted)) endRecord();
  return records;
}

/**
 * Picks the delimiter under which the header has several fields and the next
 * records agree with it most often (a semicolon file may hold `£1,234` values).
 */
export function detectDelimiter(sample: string): Delimiter | null {
  let best: { delimiter: Delimiter; score: number; width: number } | null = null;
  for (const delimiter of DELIMITERS) {
    const records = parseRecords(sample, delimiter, 51);
    const width = records[0]?.fields.length ?? 0;
    if (width < 2) continue;
    // The last record of a sample may be cut short, so it does not vote.
    const body = records.slice(1, records.length > 2 ? -1 : undefined);
    const agreeing = body.filter((r) => r.fields.length === width).length;
    const score = body.length === 0 ? 1 : agreeing / body.length;
    if (!best || score > best.score || (score === best.score && width > best.width)) best = { delimiter, score, width };
  }
  return best?.delimiter ?? null;
}
