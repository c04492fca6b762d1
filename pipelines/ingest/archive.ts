import { chmodSync, constants, copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The archive keeps, for every loaded export, addressed by the original's SHA-256:
 * - `canonical/aa/<sha>.csv`: what ingest read, without personal data (canonicalCopy.ts);
 *   `verify` recomputes every figure from it; `<sha>.json` beside it records its own SHA-256;
 * - `originals/aa/<sha>.csv.enc`: the original bytes, encrypted (encryptFile.ts), until the
 *   retention period ends.
 * Archives written before this layout kept plain originals at `aa/<sha>.csv`; they are
 * converted file by file (convertArchive.ts). Ingest reads a staged copy, never the
 * original, so the bytes hashed, loaded and kept are the same bytes even if the original is
 * overwritten meanwhile. Everything here is created readable by its owner only.
 */

export interface StagedCopy {
  /** Where ingest reads from. */
  path: string;
  /** Removes the copy (loaded, rejected or already loaded). */
  discard(): void;
}

export interface ArchiveMeta {
  sha256: string;
  canonical_sha256: string;
  dataset: string;
  /** When the encrypted original was deleted at the end of its retention period. */
  original_deleted_at?: string;
}

/** Where plain originals were kept before canonical copies (still read for packs built then). */
export function legacyRelativePath(sha256: string): string {
  return join(sha256.slice(0, 2), `${sha256}.csv`);
}

export function canonicalRelativePath(sha256: string): string {
  return join('canonical', sha256.slice(0, 2), `${sha256}.csv`);
}

export function metaRelativePath(sha256: string): string {
  return join('canonical', sha256.slice(0, 2), `${sha256}.json`);
}

export function originalRelativePath(sha256: string): string {
  return join('originals', sha256.slice(0, 2), `${sha256}.csv.enc`);
}

/** Creates a folder (and its parents) readable by its owner only, whatever the umask. */
export function ownerOnlyDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  chmodSync(path, 0o700);
}

/** Makes the folders for a file under the archive root, owner-only. */
export function archiveFolderFor(archiveRoot: string, relative: string): string {
  ownerOnlyDir(archiveRoot);
  const dir = dirname(join(archiveRoot, relative));
  for (const part of [dirname(dir), dir]) if (part.startsWith(archiveRoot)) ownerOnlyDir(part);
  return join(archiveRoot, relative);
}

export function readMeta(archiveRoot: string, sha256: string): ArchiveMeta | null {
  try {
    return JSON.parse(readFileSync(join(archiveRoot, metaRelativePath(sha256)), 'utf8')) as ArchiveMeta;
  } catch {
    return null;
  }
}

export function writeMeta(archiveRoot: string, meta: ArchiveMeta): void {
  const path = archiveFolderFor(archiveRoot, metaRelativePath(meta.sha256));
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, `${JSON.stringify(meta, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, path);
}

let counter = 0;

export function stageArchiveCopy(archiveRoot: string, source: string): StagedCopy {
  ownerOnlyDir(join(archiveRoot, 'staging'));
  const staged = join(archiveRoot, 'staging', `${process.pid}-${++counter}.csv`);
  // A copy-on-write clone where the file system offers one (btrfs, XFS, APFS): instant; else a plain copy.
  copyFileSync(source, staged, constants.COPYFILE_FICLONE);
  chmodSync(staged, 0o600);
  return {
    path: staged,
    discard() {
      rmSync(staged, { force: true });
    },
  };
}
