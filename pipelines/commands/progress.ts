import type { IngestProgress } from '../ingest/ingestFiles.ts';

/**
 * A progress line for long ingests on a terminal: rewritten in place (carriage return), at
 * most a few times a second, ending with rows per second. Files under 8 MB finish too fast
 * to need one; off a terminal or with --json there is none.
 */

const LONG = 8 << 20;

export function createProgressLine(stream: { isTTY?: boolean; write(text: string): unknown }): ((p: IngestProgress) => void) | undefined {
  if (!stream.isTTY) return undefined;
  let shownAt = 0;
  return (p) => {
    if (p.bytes < LONG) return;
    const now = Date.now();
    const done = p.rows !== undefined;
    if (!done && now - shownAt < 250) return;
    shownAt = now;
    const seconds = p.ms / 1000;
    const text = done
      ? `${p.file}: ${p.rows!.toLocaleString('en-GB')} rows in ${seconds.toFixed(1)} s (${Math.round(p.rows! / Math.max(seconds, 0.001)).toLocaleString('en-GB')} rows/s)`
      : p.stage === 'reading'
        ? `${p.file}: reading ${Math.floor((100 * p.bytesRead) / p.bytes)} % (${(p.bytesRead / 1048576 / Math.max(seconds, 0.001)).toFixed(0)} MB/s)`
        : `${p.file}: ${p.stage.replace(' done', '')} done after ${seconds.toFixed(1)} s`;
    stream.write(`\r\x1b[2K${text}${done ? '\n' : ''}`);
  };
}
