import fc from 'fast-check';

/** Values and line breaks that CSV exports get wrong, shared by the ingest and scanner properties. */
export const tricky = fc.constantFrom(
  '',
  ' ',
  '"',
  '""',
  ',',
  ';',
  '\t',
  '\n',
  '\r\n',
  '\r',
  '£',
  'é',
  '😀',
  '\u00a0',
  'NFIB52A',
  'nfib 53a',
  'NFIB5A',
  '01/10/2025',
  '31/02/2025',
  '2025-10-01T10:00',
  'Individual',
  'Business',
  '£1,234.50',
  '-5',
  '7',
  '23',
  'x',
);
export const field = fc.oneof(
  fc.string({ maxLength: 6 }),
  tricky,
  fc.array(tricky, { maxLength: 4 }).map((parts) => parts.join('')),
);

/** Physical line breaks in text: LF, CRLF and a lone CR each end one line. */
export function breaks(text: string): number {
  return text.match(/\r\n|\r|\n/g)?.length ?? 0;
}
