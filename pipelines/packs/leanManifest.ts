import type { Manifest } from './manifest.ts';

/**
 * The public manifest carries the figures, their definitions, the policy and the audit, and
 * hashes for verification: no export file names, archive paths, load times or query paths
 * (the SQL's SHA-256 stays). `boardpack verify` finds the rest from the snapshot ID in the
 * database that built the pack.
 */
export function leanPublicManifest(manifest: Manifest): Manifest {
  const drop = <T extends object>(x: T, keys: string[]) => Object.fromEntries(Object.entries(x).filter(([k]) => !keys.includes(k))) as T;
  return {
    ...manifest,
    inputs: manifest.inputs.map((i) => drop(i, ['file', 'loaded_at'])),
    snapshot: { ...manifest.snapshot, files: manifest.snapshot.files.map((f) => drop(f, ['file', 'loaded_at', 'archive_path'])) },
    metrics: manifest.metrics.map((m) => ({
      ...drop(m, ['sql_path']),
      ...(m.sources ? { sources: m.sources.map((s) => drop(s, ['file'])) } : {}),
    })) as Manifest['metrics'],
  };
}

/** A public manifest read back has no archive paths: true when verify must find its snapshot's files in the database. */
export function isLean(manifest: Manifest): boolean {
  return manifest.snapshot.files.some((f) => f.archive_path === undefined);
}
