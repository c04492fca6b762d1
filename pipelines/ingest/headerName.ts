/**
 * How headers are compared: case-insensitive, ignoring spaces, `_ - . ( ) £` and a BOM, so
 * `Crime Reference`, `crime_ref` and `CRIME-REF` agree once aliased. Its own module because
 * both the contracts (aliases, personal-data names) and the header mapping use it.
 */
export function normalizeHeader(header: string): string {
  return header
    .replace(/\uFEFF/g, '')
    .toLowerCase()
    .replace(/[\s_\-.()£]/g, '');
}
