import { WorkError } from '../lib/errors.ts';
import { renderMarkdown, type CommentaryBlock } from './commentary.ts';

/**
 * Commentary blocks as the templates place them: the Commissioner's statement after the
 * executive summary, a section's commentary after its introduction, a metric's beside its
 * figure (a breakdown metric's, which has no figure line, with its section's). A block for
 * a section or metric the pack does not have is refused, not dropped.
 */

export interface CommentaryNote {
  label: string;
  note: string;
  html: string;
}

const ANALYSTS = { label: "Analysts' commentary", note: 'written by the analysts, not computed from the data' };

export function commentaryView(blocks: CommentaryBlock[], sections: string[], metricIds: string[]) {
  for (const b of blocks) {
    const [kind, name] = b.key.split(':') as [string, string | undefined];
    if (kind === 'section' && !sections.includes(name!)) throw new WorkError(`The commentary has a block for section "${name}", which this pack does not have; use one of ${sections.join(', ')}.`);
    if (kind === 'metric' && !metricIds.includes(name!)) throw new WorkError(`The commentary has a block for metric ${name}, which this pack does not have; check the metric ID.`);
  }
  const find = (key: string) => blocks.find((b) => b.key === key);
  const note = (b: CommentaryBlock, who = ANALYSTS, title?: string): CommentaryNote => ({ label: title ? `${who.label} on ${title}` : who.label, note: who.note, html: renderMarkdown(b.markdown) });
  const statement = find('statement');
  return {
    statement: statement ? note(statement, { label: "Commissioner's statement", note: "the Police and Crime Commissioner's own words, not computed from the data" }) : null,
    section(key: string, breakdownIds: string[]): CommentaryNote[] {
      const own = find(`section:${key}`);
      return [...(own ? [note(own)] : []), ...breakdownIds.flatMap((id) => (find(`metric:${id}`) ? [note(find(`metric:${id}`)!, ANALYSTS, id)] : []))];
    },
    metric(id: string): CommentaryNote | null {
      const b = find(`metric:${id}`);
      return b ? note(b) : null;
    },
  };
}
