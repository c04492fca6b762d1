/**
 * The two kinds of failure the CLI reports, each carrying its exit code from
 * docs/interface.md. Messages are written as one sentence for an analyst: what is
 * wrong and what to do.
 */

/** Bad usage or configuration: exit code 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The work failed (a file rejected whole, a database that cannot be written): exit code 1. */
export class WorkError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'WorkError';
  }
}

/** A whole file was refused; nothing of it was loaded. */
export class FileRejected extends WorkError {
  constructor(
    message: string,
    readonly dataset: string | null = null,
  ) {
    super(message);
    this.name = 'FileRejected';
  }
}

export function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError || error instanceof WorkError) return error.exitCode;
  return 1;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One sentence for any failure: known errors carry their own; anything else is summarised without a stack trace. */
export function describeError(error: unknown): string {
  if (error instanceof UsageError || error instanceof WorkError) return error.message;
  const text = messageOf(error).split('\n')[0] ?? 'unknown error';
  const errno = error as (NodeJS.ErrnoException & { dest?: string }) | null;
  const code = errno?.code;
  // The path actually refused, not the one the command was asked about.
  const where = errno?.path ? ` on ${errno.dest ? `${errno.path} or ${errno.dest}` : errno.path}` : '';
  if (code === 'EACCES' || code === 'EPERM') return `Permission denied${where}; give boardpack's user write access there, or point the configuration at a writable folder.`;
  if (code === 'EROFS') return `The file system is read-only${where}; point the configuration at a writable folder.`;
  if (code === 'ENOSPC' || /No space left on device/i.test(text)) return `The disk is full${where}; free some space and run the command again.`;
  if (code === 'EDQUOT') return `The disk quota is used up${where}; free some space and run the command again.`;
  if (/Corrupt database file|checksum .* does not match/i.test(text)) {
    return 'The database is damaged (a block no longer matches its checksum); restore it from backup or rebuild it from the archive, then run the command again.';
  }
  return `The command failed unexpectedly (${text.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 300)}); run it again with --verbose and report the output if it persists.`;
}
