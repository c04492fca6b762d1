import { accessSync, constants, existsSync, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the test run's temporary folders go. Tests create hundreds of databases, archives and
 * packs, and every DuckDB checkpoint and archive rename syncs to disk: on a memory file system
 * (/dev/shm, where Linux has one with room) the suite spends far less time in the kernel. One
 * folder for the run, removed when it ends; elsewhere, the system's temporary folder as before.
 * Test artefacts (screenshots, golden diffs) stay in the system's temporary folder, so they
 * outlive the run for a developer to look at.
 */
export function testScratch(): { env: Record<string, string>; dir: string | null } {
  const artefacts = process.env.BOARDPACK_TEST_ARTEFACTS ?? join(tmpdir(), 'boardpack-test-artefacts');
  const dir = memoryFolder();
  if (dir === null) return { env: { BOARDPACK_TEST_ARTEFACTS: artefacts }, dir: null };
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  // The global set-ups (tests/support/browserServer.ts) run in this process.
  process.env.TMPDIR = dir;
  return { env: { TMPDIR: dir, BOARDPACK_TEST_ARTEFACTS: artefacts }, dir };
}

/** A new folder on /dev/shm when it is writable and has at least 2 GB free (the largest test needs far less). */
function memoryFolder(): string | null {
  const shm = '/dev/shm';
  try {
    if (!existsSync(shm)) return null;
    accessSync(shm, constants.W_OK);
    const fs = statfsSync(shm);
    if (fs.bavail * fs.bsize < 2 * 1024 ** 3) return null;
    return mkdtempSync(join(shm, 'boardpack-tests-'));
  } catch {
    return null;
  }
}
