import { constants, copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The archive keeps every loaded export unchanged, addressed by its SHA-256, so a
 * figure can be traced to the exact bytes it came from. Ingest reads the staged
 * copy, never the original, so the bytes hashed, loaded and kept are the same bytes
 * even if the original is overwritten meanwhile.
 */

export interface StagedCopy {
  /** Where ingest reads from. */
  path: string;
  /** Moves the copy to its content address; returns that path relative to the archive root. */
  keep(sha256: string): string;
  /** Removes the copy (the file was rejected or already loaded). */
  discard(): void;
}

export function archiveRelativePath(sha256: string): string {
  return join(sha256.slice(0, 2), `${sha256}.csv`);
}

let counter = 0;

export function stageArchiveCopy(archiveRoot: string, source: string): StagedCopy {
  mkdirSync(join(archiveRoot, 'staging'), { recursive: true });
  const staged = join(archiveRoot, 'staging', `${process.pid}-${++counter}.csv`);
  // A copy-on-write clone where the file system offers one (btrfs, XFS, APFS): instant; else a plain copy.
  copyFileSync(source, staged, constants.COPYFILE_FICLONE);
  return {
    path: staged,
    keep(sha256) {
      const relative = archiveRelativePath(sha256);
      const final = join(archiveRoot, relative);
      if (existsSync(final)) rmSync(staged, { force: true });
      else {
        mkdirSync(join(archiveRoot, sha256.slice(0, 2)), { recursive: true });
        renameSync(staged, final);
      }
      return relative;
    },
    discard() {
      rmSync(staged, { force: true });
    },
  };
}
