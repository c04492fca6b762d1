import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { keepCode, KEPT_ROOT, loadKept } from '../lib/keptCode.ts';

/**
 * The pack's Handlebars templates (reports/templates: layout.hbs and partials/*.hbs) as one
 * render function. Loading Handlebars and compiling the templates took 80-90 ms of every
 * process that renders a pack, most of the render stage. The compiled templates (Handlebars'
 * precompiled specs, the code `compile` would build) are kept in the cache folder beside the
 * CLI's bundle, named by a hash of Handlebars' version and the templates' text, as the schema
 * validators are (lib/schemas.ts); later processes load them with Handlebars' small runtime
 * instead. An edited template has another hash, so it is compiled again. Where nothing can be
 * written (a read-only install), every process compiles, as before.
 */

export type PackTemplate = (view: object) => string;

const require = createRequire(import.meta.url);
type Handlebars = typeof import('handlebars');

/** Where compiled templates are kept by default: beside the bundle and the validators. */
export const TEMPLATES_KEPT = join(KEPT_ROOT, 'templates');

/** Render functions already made in this process (a refresh renders several packs), by folder and text. */
const made = new Map<string, PackTemplate>();

/** The layout with its partials, compiled once per text; `keep` null compiles in this process only. */
export function packTemplate(reportsDir: string, keep: string | null = TEMPLATES_KEPT): PackTemplate {
  const partialsDir = join(reportsDir, 'templates', 'partials');
  const partials = readdirSync(partialsDir)
    .filter((f) => f.endsWith('.hbs'))
    .sort()
    .map((file) => [basename(file, '.hbs'), readFileSync(join(partialsDir, file), 'utf8')] as const);
  const layout = readFileSync(join(reportsDir, 'templates', 'layout.hbs'), 'utf8');
  const version = (require('handlebars/package.json') as { version: string }).version;
  const hash = createHash('sha256')
    .update(JSON.stringify([version, layout, partials]))
    .digest('hex')
    .slice(0, 16);
  const key = `${keep}\0${hash}`;
  const known = made.get(key);
  if (known) return known;
  const kept = keep === null ? null : join(keep, `templates-${hash}.cjs`);
  const template = (kept === null ? null : loadTemplate(kept)) ?? compileAndKeep(layout, partials, kept);
  // One set of templates at a time is enough: a process renders with one reports folder.
  made.clear();
  made.set(key, template);
  return template;
}

interface Specs {
  layout: object;
  partials: Record<string, object>;
}

/** The kept specs through Handlebars' runtime (no compiler); null when absent or unreadable. */
function loadTemplate(path: string): PackTemplate | null {
  const specs = loadKept<Specs>(path);
  if (specs === null) return null;
  try {
    const runtime = (require('handlebars/runtime') as { default: Handlebars }).default.create();
    for (const [name, spec] of Object.entries(specs.partials)) runtime.registerPartial(name, runtime.template(spec as never));
    return runtime.template(specs.layout as never) as PackTemplate;
  } catch {
    return null;
  }
}

/** Compiles the templates here; writes their specs to `kept` for the next process where it can. */
function compileAndKeep(layout: string, partials: (readonly [string, string])[], kept: string | null): PackTemplate {
  const hb = (require('handlebars') as Handlebars).create();
  if (kept) {
    let source: string | null = null;
    try {
      source = `module.exports = {\n  layout: ${hb.precompile(layout)},\n  partials: {\n${partials.map(([name, text]) => `    ${JSON.stringify(name)}: ${hb.precompile(text)},`).join('\n')}\n  },\n};\n`;
    } catch {
      // A template that does not compile: its error is Handlebars' own, at the render below.
    }
    // Where nothing can be kept (a read-only install), compiled here, as before.
    const loaded = source !== null && keepCode(kept, source) ? loadTemplate(kept) : null;
    if (loaded) return loaded;
  }
  for (const [name, text] of partials) hb.registerPartial(name, text);
  return hb.compile(layout) as PackTemplate;
}
