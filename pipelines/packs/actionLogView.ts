import { listNames } from '../charts/formatFigures.ts';
import { readableDate } from './format.ts';
import type { Manifest } from './manifest.ts';

/**
 * The action log as the action section shows it: dates as the board reads them, RAG as
 * word and symbol (never colour alone), and the owner column only in the board edition.
 */

const RAG = { Green: { symbol: '✓', cls: 'green' }, Amber: { symbol: '▲', cls: 'amber' }, Red: { symbol: '✕', cls: 'red' } };

const DONE = ['Complete', 'Closed'];

/** 2026-09-30 as "30 September 2026"; a calendar date, so read in UTC with no time-zone shift. */
export { readableDate };

export function actionLogView(manifest: Manifest) {
  const rows = manifest.action_log ?? [];
  const isPublic = manifest.pack.edition === 'public';
  const open = rows.filter((r) => !DONE.includes(r.status)).length;
  return {
    showOwner: !isPublic,
    caption: isPublic
      ? `Published commitments (${listNames([...new Set(rows.map((r) => r.source))])}) open at ${readableDate(manifest.pack.as_of)}, and those completed since ${readableDate(manifest.pack.start)}; overdue first`
      : `Every action open at ${readableDate(manifest.pack.as_of)} (${open}), and those completed since ${readableDate(manifest.pack.start)}; overdue first`,
    rows: rows.map((r) => ({
      reference: r.reference,
      source: r.source,
      description: r.description,
      owner: r.owner_role ?? '',
      raised: readableDate(r.raised_on),
      due: readableDate(r.due_on),
      status: r.completed_on && DONE.includes(r.status) ? `${r.status} ${readableDate(r.completed_on)}` : r.status,
      overdue: r.days_overdue === null ? '–' : String(r.days_overdue),
      rag: r.rag,
      ragSymbol: RAG[r.rag].symbol,
      ragClass: RAG[r.rag].cls,
    })),
  };
}
