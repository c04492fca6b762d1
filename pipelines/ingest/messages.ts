/**
 * Export text quoted in messages. Cells and headers are data from outside: in a message they
 * are escaped (a newline, tab or terminal escape becomes visible as \n, \t, \x1b, so one cell
 * can never print several lines or drive the terminal) and cut, and a long list is summarised,
 * so every rejection stays one readable line.
 */

/** Widest header boardpack reads; wider files are refused with this limit named. */
export const MAX_COLUMNS = 1000;

const VALUE_LENGTH = 40;
const LIST_ITEMS = 8;
const LIST_LENGTH = 240;

/** A value escaped and cut to `max` characters, in double quotes. */
export function quoteForMessage(value: string, max = VALUE_LENGTH): string {
  return `"${showForMessage(value, max)}"`;
}

/** A value escaped and cut to `max` characters (a header in a list, say). */
export function showForMessage(value: string, max = VALUE_LENGTH): string {
  const escaped = escapeControls(value);
  const chars = [...escaped];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : escaped;
}

/** Control characters (C0, DEL, C1, line and paragraph separators) shown as escapes. */
export function escapeControls(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (ch) => {
    if (ch === '\n') return '\\n';
    if (ch === '\r') return '\\r';
    if (ch === '\t') return '\\t';
    const code = ch.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Items joined with commas, the first few only when there are many or they run long ("… and 40 more"). */
export function summarizeList(items: string[], maxItems = LIST_ITEMS, maxLength = LIST_LENGTH): string {
  const shown: string[] = [];
  let length = 0;
  for (const item of items) {
    if (shown.length === maxItems || (shown.length > 0 && length + item.length + 2 > maxLength)) break;
    shown.push(item);
    length += item.length + 2;
  }
  const rest = items.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.join(', ');
}
