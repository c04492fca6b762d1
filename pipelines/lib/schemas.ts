import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { keepCode, KEPT_ROOT, loadKept } from './keptCode.ts';
import { packageRoot } from './paths.ts';
import { UsageError } from './errors.ts';

/**
 * Every file an analyst edits (configuration, dataset contracts, metric metadata, pack
 * definitions, the `boardpack` block of a chart) is checked against its JSON Schema in
 * `schemas/` when it is loaded. The same schemas give an editor completion through the
 * file's `$schema`. A problem becomes one sentence naming the file and the key, with the
 * nearest known key when the key is unknown, and exit code 2.
 */

export type SchemaName = 'config' | 'contract' | 'metric' | 'pack' | 'chart';

type Ajv = import('ajv').default;
let ajv: Ajv | null = null;
const compiled = new Map<SchemaName, ValidateFunction>();
const require = createRequire(import.meta.url);
const AJV_OPTIONS = { allErrors: true, strict: true, allowUnionTypes: true, verbose: true, code: { source: true } };

function validator(name: SchemaName): ValidateFunction {
  const known = compiled.get(name);
  if (known) return known;
  const text = readFileSync(join(packageRoot, 'schemas', `${name}.schema.json`), 'utf8');
  const kept = keptValidatorPath(name, text);
  const validate = loadKept<ValidateFunction>(kept) ?? compileSchema(JSON.parse(text) as { $id?: string }, kept);
  compiled.set(name, validate);
  return validate;
}

/**
 * Compiling a schema loads Ajv and generates its code: about 80 ms, most of `boardpack status`'s
 * own time where a configuration file is read. The generated code is kept (Ajv's standalone
 * code, in the cache folder beside the CLI's bundle, named by a hash of the schema, Ajv's version
 * and options), so later processes load it instead. Where it cannot be written, every process compiles.
 */
function keptValidatorPath(name: SchemaName, schemaText: string): string {
  const version = (require('ajv/package.json') as { version: string }).version;
  const hash = createHash('sha256')
    .update(`${version}\0${JSON.stringify(AJV_OPTIONS)}\0${schemaText}`)
    .digest('hex')
    .slice(0, 16);
  return join(KEPT_ROOT, 'validators', `${name}-${hash}.cjs`);
}

function compileSchema(schema: { $id?: string }, keep: string): ValidateFunction {
  if (ajv === null) {
    // Loaded on first use: commands that read no analyst file start without it.
    const Ajv = require('ajv').default as new (options: object) => Ajv;
    ajv = new Ajv(AJV_OPTIONS);
  }
  // A schema already added under its $id (a compile that failed half way, or a second loader) is reused, not re-added.
  const validate = (schema.$id ? ajv.getSchema(schema.$id) : undefined) ?? ajv.compile(schema);
  try {
    const standaloneCode = require('ajv/dist/standalone').default as (ajv: Ajv, validate: ValidateFunction) => string;
    // Where it cannot be written (a read-only install), the next process compiles again.
    keepCode(keep, standaloneCode(ajv, validate));
  } catch {
    // No standalone code for this schema: the next process compiles again.
  }
  return validate;
}

/**
 * Throws a UsageError (exit 2) naming `file` and the key when `data` does not match the schema;
 * `within` is the key the data sits under in its file (a chart's `boardpack` block).
 */
export function checkAgainstSchema<T>(name: SchemaName, data: unknown, file: string, within = ''): T {
  const validate = validator(name);
  if (validate(data)) return data as T;
  // A mistyped key explains most other errors (a "required" key it was meant to be): name it first.
  const errors = validate.errors ?? [];
  const error = errors.find((e) => e.keyword === 'additionalProperties') ?? errors[0];
  throw new UsageError(describeSchemaError(error, shownPath(file), within));
}

/** A path as an analyst would read it: relative to the project (or else the working folder) when inside it. */
export function shownPath(file: string): string {
  for (const base of [packageRoot, process.cwd()]) {
    const rel = relative(base, file);
    if (rel && !rel.startsWith('..') && !isAbsolute(rel)) return rel;
  }
  return file;
}

export function describeSchemaError(error: ErrorObject | undefined, file: string, within = ''): string {
  if (!error) return `${file} is not valid; compare it with its schema in schemas/.`;
  const inner = keyPath(error.instancePath);
  const at = within && inner ? `${within}.${inner}` : within || inner;
  const where = at ? `"${at}"` : 'the top level';
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty);
      const full = at ? `${at}.${key}` : key;
      const allowed = Object.keys((error.parentSchema as { properties?: object })?.properties ?? {});
      const near = nearest(key, allowed);
      return `${file}: unknown key "${full}"${near ? `; did you mean "${near}"?` : allowed.length ? `; the keys allowed here are ${allowed.join(', ')}.` : '.'}`;
    }
    case 'required':
      return `${file}: ${where} is missing the key "${String(error.params.missingProperty)}"; add it.`;
    case 'enum': {
      const allowed = (error.params.allowedValues as unknown[]).map((v) => String(v));
      const given = JSON.stringify(error.data);
      const near = typeof error.data === 'string' ? nearest(error.data, allowed) : null;
      return `${file}: ${where} is ${given}${near ? `; did you mean "${near}"?` : `; use one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}.`}`;
    }
    case 'const':
      return `${file}: ${where} must be ${JSON.stringify(error.params.allowedValue)}.`;
    case 'type':
      return `${file}: ${where} must be ${article(String(error.params.type))}, not ${JSON.stringify(error.data)}.`;
    case 'pattern':
      return `${file}: ${where} ${describePattern(error)}.`;
    default:
      return `${file}: ${where} ${error.message ?? 'is not valid'}.`;
  }
}

function describePattern(error: ErrorObject): string {
  const hint = (error.parentSchema as { description?: string } | undefined)?.description;
  return hint ? `is not valid: ${hint.replace(/\.$/, '')}` : `must match ${String(error.params.pattern)}`;
}

function article(type: string): string {
  const words = type.split(',').map((t) => (t === 'integer' ? 'a whole number' : t === 'array' ? 'a list' : t === 'object' ? 'an object' : t === 'null' ? 'null' : `a ${t}`));
  return words.join(' or ');
}

/** `/sections/0/charts/1` reads as `sections[0].charts[1]`. */
function keyPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

/** The closest allowed word within a third of its length in edits, for "did you mean". */
export function nearest(word: string, candidates: string[]): string | null {
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== null && bestDistance <= Math.max(2, Math.ceil(word.length / 3)) ? best : null;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}
