#!/usr/bin/env node
// Runs the TypeScript CLI with no build step to remember. The sources are bundled with
// esbuild into node_modules/.cache/boardpack/ the first time they are run after a change
// (named by a hash of every source file, so a stale bundle is never run), and the bundle
// starts in a third of the time of the sources through tsx's loader hooks: it matters to
// a nightly refresh of a few seconds. Where no bundle can be written (a read-only install),
// the sources run through tsx as before.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

const bundle = await bundledCli().catch(() => null);
const { main } = bundle ? await import(pathToFileURL(bundle).href) : await sourcesThroughTsx();
process.exitCode = await main(args);

async function bundledCli() {
  const sources = join(root, 'pipelines');
  // DuckDB's and Vega's JavaScript is bundled too (below): the lockfile is part of the bundle's name.
  const hash = createHash('sha256')
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .update(readFileSync(join(root, 'package-lock.json')));
  for (const file of readdirSync(sources, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'))
    .sort()) {
    hash.update(`\0${file}\0`).update(readFileSync(join(sources, file)));
  }
  const cache = join(root, 'node_modules', '.cache', 'boardpack');
  const dir = join(cache, `cli-${hash.digest('hex').slice(0, 16)}`);
  const out = join(dir, 'cli.mjs');
  if (statSync(out, { throwIfNoEntry: false })) return out;
  const { build } = await import('esbuild');
  mkdirSync(cache, { recursive: true });
  // Written aside and renamed, so a process starting meanwhile never imports half a bundle.
  const temp = `${dir}.tmp-${process.pid}`;
  // Packages stay packages, but for the JavaScript of DuckDB's API (about 120 CommonJS files), of
  // Vega and Vega-Lite (about 100 ES modules) and of Arrow, which Node would resolve and load one by
  // one: 50 ms of every command that opens a database, 0.3 s of every build. They are imported on
  // first use, so they go into chunks of their own, loaded only then. DuckDB's native binding
  // stays a package, loaded through the require() the banner gives each file.
  const bundled = new Set(['@duckdb/node-api', 'vega', 'vega-lite', 'apache-arrow']);
  const { dependencies, devDependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const external = [...Object.keys({ ...dependencies, ...devDependencies }).filter((name) => !bundled.has(name)), '@duckdb/node-bindings'];
  await build({
    entryPoints: { cli: join(sources, 'cli.ts') },
    outdir: temp,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    external,
    logLevel: 'silent',
    banner: { js: "import { createRequire as __boardpackCreateRequire } from 'node:module';\nconst require = __boardpackCreateRequire(import.meta.url);" },
  });
  renameSync(temp, dir);
  for (const old of readdirSync(cache).filter((f) => /^cli-\w+(\.mjs)?$/.test(f) && join(cache, f) !== dir)) rmSync(join(cache, old), { recursive: true, force: true });
  return out;
}

async function sourcesThroughTsx() {
  // Packages of many ES modules load two to three times slower once tsx's loader hooks are
  // registered, so the ones a command needs are loaded first, unhooked; the TypeScript finds
  // them in the module cache. Commands that never draw or write a pack start without Vega and Arrow.
  const light = new Set(['ingest', 'status', 'quarantine', 'cite', 'export']);
  const command = args.find((arg, i) => !arg.startsWith('-') && args[i - 1] !== '--db' && args[i - 1] !== '--config');
  const packages = ['commander'];
  if (!light.has(command)) packages.push('vega-lite', 'vega', 'apache-arrow', 'handlebars');
  await Promise.all(packages.map((name) => import(name)));
  // DuckDB is CommonJS, and the pipeline require()s it (pipelines/lib/cjsPackages.ts).
  createRequire(import.meta.url)('@duckdb/node-api');
  const { register } = await import('tsx/esm/api');
  register();
  return import('../pipelines/cli.ts');
}
