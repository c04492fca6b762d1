import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Runtime, Spec, ViewOptions } from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { keepCode, KEPT_ROOT } from '../lib/keptCode.ts';

/**
 * The two compilations before a chart is drawn, kept between processes: Vega-Lite's compile of
 * the chart's spec to Vega, and Vega's parse of that to its runtime dataflow. Both depend on the
 * spec alone (the rows are bound later), and the spec changes only when its file, the pack's
 * period or a title does, so the nightly refresh compiled the same nine specs every night: a
 * third of a fresh process's drawing time, and Vega-Lite's import. They are kept as JSON (both
 * are JSON by design: a Vega spec, and the parser's dataflow description) in the cache folder
 * beside the CLI's bundle, as the templates and validators are (lib/keptCode.ts), named by a hash
 * of both libraries' versions and the spec; an edited spec has another hash and is compiled again,
 * and where the versions cannot be read nothing is kept. The chart's description (its figures in
 * words) is left out of the hash and put back after, so new figures do not make a new entry. What
 * Vega-Lite logs (warnings) is kept with its output and given again to each process's logger.
 */

type Logger = NonNullable<ViewOptions['logger']>;

/** Where compiled specs are kept by default; null compiles in this process only. */
export const SPECS_KEPT = join(KEPT_ROOT, 'charts');

/** At most this many kept files; more, and the oldest half go (each is 5-60 kB). */
const MOST_KEPT = 600;

/** The Vega spec Vega-Lite compiles `spec` to; what it logged goes to `logger`, kept or not. */
export async function vegaOf(spec: TopLevelSpec, logger: Logger, keep: string | null = SPECS_KEPT): Promise<Spec> {
  const { description, ...rest } = spec;
  const entry = await kept(keep, 'vega-lite', rest, async () => {
    const logged: Logged = [];
    const { compile } = await import('vega-lite');
    const vega = compile(rest as TopLevelSpec, { logger: collect(logged, logger) }).spec;
    return { vega, logged };
  });
  for (const [level, text] of entry.logged) logger[level](text);
  return description === undefined ? entry.vega : { ...entry.vega, description };
}

/** Vega's runtime dataflow for `spec`, as `vega.parse` gives it. */
export async function runtimeOf(spec: Spec, keep: string | null = SPECS_KEPT): Promise<Runtime> {
  const { description, ...rest } = spec;
  const runtime = await kept(keep, 'vega', rest, async () => {
    const { parse } = await import('vega');
    return parse(rest as Spec);
  });
  // As vega.parse does: the spec's own description, else the default it parsed without one.
  return description ? { ...runtime, description } : runtime;
}

/** The kept output for `input` where there is one; otherwise `make`'s, kept where it can be. */
async function kept<T>(keep: string | null, kind: string, input: unknown, make: () => Promise<T>): Promise<T> {
  const hash = keep === null ? null : hashOf(kind, input);
  if (keep === null || hash === null) return make();
  const name = `${kind}-${hash}.json`;
  const path = join(keep, name);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    // Not kept yet, or unreadable: compiled again below.
  }
  const made = await make();
  if (keepCode(path, JSON.stringify(made))) prune(keep);
  return made;
}

/** Versions of the two libraries, read once: a new version compiles afresh. Null where one cannot be read. */
let versions: string | null | undefined;

/** The hash naming a kept file; null (nothing kept) where the libraries' versions are unknown. */
function hashOf(kind: string, input: unknown): string | null {
  if (versions === undefined) {
    const found = ['vega', 'vega-lite'].map((name) => [name, versionOf(name)] as const);
    versions = found.every(([, version]) => version !== null) ? found.map(([name, version]) => `${name}@${version}`).join(' ') : null;
  }
  if (versions === null) return null;
  return createHash('sha256')
    .update(JSON.stringify([versions, kind, input]))
    .digest('hex')
    .slice(0, 20);
}

const require = createRequire(import.meta.url);

/** The installed package's version, found from where Node resolves it (hoisted or not); null if it cannot be read. */
function versionOf(name: string): string | null {
  try {
    for (let dir = dirname(require.resolve(name)); ; dir = dirname(dir)) {
      const manifest = join(dir, 'package.json');
      if (existsSync(manifest)) {
        const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === name && typeof pkg.version === 'string') return pkg.version;
      }
      if (dirname(dir) === dir) return null;
    }
  } catch {
    return null;
  }
}

/** Keeps the newest half when the folder holds more than `most` kept files (by when they were written). */
export function prune(dir: string, most = MOST_KEPT): void {
  try {
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    if (files.length <= most) return;
    const byAge = files.map((f) => ({ f, at: statSync(join(dir, f)).mtimeMs })).sort((a, b) => a.at - b.at || a.f.localeCompare(b.f));
    for (const { f } of byAge.slice(0, files.length - Math.floor(most / 2))) rmSync(join(dir, f), { force: true });
  } catch {
    // Another process pruned first; nothing is lost but time.
  }
}

/** What Vega-Lite logged while compiling, by level, to be kept and given again. */
type Logged = ['warn' | 'error', string][];

/** A logger that records warnings and errors instead of passing them on; info and debug go on. */
function collect(into: Logged, logger: Logger): Logger {
  const text = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
  const recording: Logger = {
    ...logger,
    level: ((value?: number) => {
      if (value === undefined) return logger.level();
      logger.level(value);
      return recording;
    }) as Logger['level'],
    warn: (...args: unknown[]) => {
      into.push(['warn', text(args)]);
      return recording;
    },
    error: (...args: unknown[]) => {
      into.push(['error', text(args)]);
      return recording;
    },
  };
  return recording;
}
