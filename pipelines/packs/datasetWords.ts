/**
 * What each dataset is called where people read it: a pack, a citation, a letter. The
 * identifiers (`volunteer_hours`) are for configuration and code; readers get these words.
 */

const WORDS: Record<string, string> = {
  incidents: 'crime records',
  volunteers: 'volunteer roster',
  volunteer_hours: 'volunteer duty hours',
  training: 'Protect and Prevent events',
  actions: 'board action tracker',
};

/** "crime records" for `incidents`; an unknown dataset (a new contract) is named in words from its identifier. */
export function datasetWords(dataset: string): string {
  return WORDS[dataset] ?? dataset.replace(/_/g, ' ');
}

/** "14 October 2026" for 2026-10-14: dates as a letter writes them. */
export function longDate(date: string): string {
  const [y, m, d] = date.slice(0, 10).split('-').map(Number) as [number, number, number];
  const month = new Date(Date.UTC(y, m - 1, 1)).toLocaleString('en-GB', { month: 'long', timeZone: 'UTC' });
  return `${d} ${month} ${y}`;
}
