import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync, type Stats } from 'node:fs';
import { kindOf } from '../ingest/ingestFiles.ts';
import { sameForce } from '../ingest/forceOfFile.ts';
import { basename, extname, join } from 'node:path';

/**
 * The inbox folder exports land in overnight. A file is taken once it has stopped changing
 * (it may still be being copied in); after ingest it is moved out, to `processed/` or, when
 * rejected, to `rejected/` with a `.error.txt` beside it saying why. Bytes already loaded
 * are recognised by SHA-256 at ingest, so a file put back is never loaded twice.
 */

export interface InboxListing {
  ready: string[];
  /** Changed too recently: left for the next run. */
  settling: string[];
  /** Entries that are not regular files (links, pipes, devices, folders): set aside unread, each with why. */
  refused: { path: string; error: string }[];
  /** Settled, but not a CSV export: set aside in rejected/ with the reason. */
  unsupported: { path: string; reason: string }[];
  /** Ready files delivered in a force's sub-folder (`inbox/<force>/`), with that force: every row must be its. */
  delivered?: Record<string, string>;
}

/**
 * Only regular files are taken. A symbolic link is never followed (it could point anywhere on
 * the machine, or nowhere), and a pipe or device would block the read: each is set aside with a
 * sentence, and the rest of the inbox still loads.
 */
export function listInbox(inbox: string, now: Date, settleSeconds: number, forces: string[] = []): InboxListing {
  mkdirSync(inbox, { recursive: true });
  const listing: InboxListing = { ready: [], settling: [], refused: [], unsupported: [] };
  listFolder(inbox, listing, now, settleSeconds);
  // A sub-folder named for a force holds that force's exports (a regional hub's inbox).
  for (const name of readdirSync(inbox).sort()) {
    const force = forces.find((f) => sameForce(f, name));
    const path = join(inbox, name);
    if (force === undefined || !lstatSync(path, { throwIfNoEntry: false })?.isDirectory()) continue;
    const before = listing.ready.length;
    listFolder(path, listing, now, settleSeconds);
    for (const file of listing.ready.slice(before)) (listing.delivered ??= {})[file] = force;
  }
  return listing;
}

function listFolder(folder: string, listing: InboxListing, now: Date, settleSeconds: number): void {
  for (const name of readdirSync(folder).sort()) {
    // The inbox's own folders for what was read, and hidden files, are not exports.
    if (name.startsWith('.') || name === 'processed' || name === 'rejected') continue;
    const path = join(folder, name);
    const stats = lstatSync(path, { throwIfNoEntry: false });
    if (!stats) continue; // removed meanwhile
    if (!stats.isFile()) {
      // Another folder is left alone unless it is named like an export; links, pipes and devices are set aside.
      if (stats.isDirectory() && !/\.csv$/i.test(name)) continue;
      listing.refused.push({ path, error: refusal(name, stats) });
      continue;
    }
    const settled = settleSeconds === 0 || now.getTime() - stats.mtimeMs >= settleSeconds * 1000;
    if (!settled) listing.settling.push(path);
    else if (/\.csv$/i.test(name)) listing.ready.push(path);
    else listing.unsupported.push({ path, reason: unsupportedReason(name) });
  }
}

function refusal(name: string, stats: Stats): string {
  if (stats.isSymbolicLink()) {
    return `${name} is a symbolic link, which boardpack does not follow in the inbox; copy the export itself into the inbox.`;
  }
  return `${name} is ${kindOf(stats)}, not a regular file, so it was not read; put the CSV export itself in the inbox.`;
}

/** Why a file in the inbox is not read, and what to do: one sentence. */
export function unsupportedReason(name: string): string {
  if (/\.(xlsx|xlsm|xls|ods|numbers)$/i.test(name)) {
    return `${name} is a spreadsheet workbook, not a CSV export; open it, save the sheet as CSV (UTF-8) and put the .csv file in the inbox.`;
  }
  return `${name} is not a CSV export (only .csv files are read); export the data as CSV and put the .csv file in the inbox.`;
}

/** Moves a file out of the inbox, never over another: a second file of the same name gets a suffix. */
export function setAside(path: string, inbox: string, outcome: 'processed' | 'rejected', error?: string): string {
  const folder = join(inbox, outcome);
  mkdirSync(folder, { recursive: true });
  const name = basename(path);
  let target = join(folder, name);
  for (let n = 2; existsSync(target) || lstatSync(target, { throwIfNoEntry: false }); n++) target = join(folder, `${basename(name, extname(name))}-${n}${extname(name)}`);
  renameSync(path, target);
  if (error) writeFileSync(`${target}.error.txt`, `${error}\n`);
  return target;
}

/** Leftovers of a run that was killed: staged archive copies and half-written pack folders. */
export function removeLeftovers(archiveDir: string, outDir: string, isRunning: (pid: number) => boolean): void {
  const staging = join(archiveDir, 'staging');
  if (existsSync(staging)) {
    for (const name of readdirSync(staging)) {
      const pid = Number(/^(\d+)-/.exec(name)?.[1]);
      if (pid && !isRunning(pid)) rmSync(join(staging, name), { force: true });
    }
  }
  if (existsSync(outDir)) {
    for (const name of readdirSync(outDir)) {
      const pid = /^\..+\.tmp-(\d+)$/.exec(name)?.[1];
      // Another process's temp folder is left alone while that process runs.
      if (pid !== undefined && (Number(pid) === process.pid || !isRunning(Number(pid)))) rmSync(join(outDir, name), { recursive: true, force: true });
    }
  }
}
