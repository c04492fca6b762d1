import { formatMonth } from '../charts/formatFigures.ts';
import { readableDate } from './actionLogView.ts';
import type { Manifest } from './manifest.ts';

/**
 * The methodology's notes on the board content of issue 13, in plain words: how a
 * significant change is told from ordinary variation, how old each dataset is, and how
 * the action log is read. Built from the manifest, so the words match the figures.
 */

export interface MethodNote {
  title: string;
  paragraphs: string[];
}

export function methodNotes(manifest: Manifest): MethodNote[] {
  const notes: MethodNote[] = [];
  const spc = manifest.metrics.find((m) => m.spc)?.spc;
  notes.push({
    title: 'Significant change and ordinary variation',
    paragraphs: [
      'Every measure with a monthly figure is put on a statistical process control chart (an XmR chart, as in NHS England\'s "Making Data Count"). Its mean and natural process limits come from a baseline of months before the period: the limits are the mean plus and minus 2.66 times the average change from one month to the next. A month of the period is a significant change, not ordinary variation, when it is above the upper or below the lower limit; when it is part of a run of seven or more months all above, or all below, the mean; or when it is part of six or more rises, or falls, in a row (seven months). Anything else is ordinary variation, however large the change on the previous period looks.',
      spc
        ? `The baseline for this pack runs from ${formatMonth(spc.baseline.from)} to ${formatMonth(spc.baseline.to)}. Months whose figure is provisional are left out. A measure with fewer than 12 baseline months is not judged.`
        : 'There was not enough monthly history before this period (12 months) to judge any measure.',
    ],
  });
  if (manifest.data_dates?.length) {
    notes.push({
      title: 'How recent the data is',
      paragraphs: [
        `The pack is as of ${readableDate(manifest.pack.as_of)}. ${capital(manifest.data_dates.map((d) => `${d.label} ${d.basis === 'records' ? 'run to' : 'was last loaded on'} ${readableDate(d.extract_date)}`).join('; '))}. A dataset whose latest date is more than the allowed age before the as-of date is named on the first page.`,
        'Victim contact within 28 days and the median days to first contact are judged at the as-of date, or at the date the crime export runs to where that is earlier, since a contact made after an export was taken cannot be in it; while any crime in the period is less than 28 days old at that date, the figure is marked provisional.',
      ],
    });
  }
  if (manifest.action_log !== undefined) {
    notes.push({
      title: 'The action log',
      paragraphs: [
        `Every action open on ${readableDate(manifest.pack.as_of)} is listed, and every action completed since ${readableDate(manifest.pack.start)}. Its status is Red when it is open past its due date (days overdue are counted to the as-of date), Amber when it is at risk, or not started and due within 30 days, and Green otherwise; completed actions are Green. Overdue actions come first. The earlier values of open and overdue actions are counted at the end of those periods from the tracker as it stood then.`,
        ...(manifest.pack.edition === 'public' ? ["This edition lists HMICFRS recommendations and areas for improvement and the force's strategy commitments, without owners; the board's own actions are in the board edition."] : []),
      ],
    });
  }
  return notes;
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
