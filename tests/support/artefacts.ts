import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where tests leave files for a developer to look at (screenshots, a golden case's actual output
 * on a mismatch): `BOARDPACK_TEST_ARTEFACTS` when set, else a folder under the system's temporary
 * folder. Never the working tree, so a test run leaves a checkout exactly as it found it.
 */
export const ARTEFACTS = process.env.BOARDPACK_TEST_ARTEFACTS ?? join(tmpdir(), 'boardpack-test-artefacts');

export function artefactDir(...parts: string[]): string {
  const dir = join(ARTEFACTS, ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}
