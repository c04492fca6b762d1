import { chmodSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Files boardpack writes hold police data: the database (and DuckDB's WAL and spill files), the
 * archive, the key and board-edition packs are readable by their owner only, whatever the
 * umask the command was started with. A command runs with umask 077; the old one is restored.
 */

/** The umask the command was started with, while withOwnerOnlyUmask is in force. */
let startedWith: number | null = null;

export function withOwnerOnlyUmask(): () => void {
  try {
    const previous = process.umask(0o077);
    startedWith = previous;
    return () => {
      process.umask(previous);
      startedWith = null;
    };
  } catch {
    // Worker threads cannot change the umask: the explicit chmods below still apply.
    return () => {};
  }
}

/** A folder 0700 and everything in it 0700 (folders) or 0600 (files). */
export function makeOwnerOnly(path: string): void {
  if (!existsSync(path)) return;
  const stats = statSync(path);
  if (stats.isDirectory()) {
    chmodSync(path, 0o700);
    for (const name of readdirSync(path)) makeOwnerOnly(join(path, name));
  } else if (stats.isFile()) chmodSync(path, 0o600);
}

/**
 * A public-edition pack is for publishing: it gets the permissions the command's own umask
 * would have given it (the owner-only umask of the run is for data, not for it).
 */
export function makeAsUmaskWould(path: string): void {
  if (startedWith === null || !existsSync(path)) return;
  const stats = statSync(path);
  if (stats.isDirectory()) {
    chmodSync(path, 0o777 & ~startedWith);
    for (const name of readdirSync(path)) makeAsUmaskWould(join(path, name));
  } else if (stats.isFile()) chmodSync(path, 0o666 & ~startedWith);
}
