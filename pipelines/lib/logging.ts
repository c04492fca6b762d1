/**
 * A logger is passed in, never imported as a global, so stages stay quiet in
 * tests and the CLI decides between human lines and JSON lines.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { log: () => {} };

/** One JSON object per line on the given stream (stderr by default, so stdout stays the result). */
export function createJsonLogger(write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  return {
    log: (level, event, fields = {}) => write(`${JSON.stringify({ time: new Date().toISOString(), level, event, ...fields })}\n`),
  };
}
