#!/usr/bin/env node
// Runs the TypeScript CLI through tsx so a checkout works without a build step.
import { register } from 'tsx/esm/api';

// Packages of many ES modules load two to three times slower once tsx's loader hooks are
// registered (every module then makes a round trip to the hooks thread), so the ones a
// command needs are loaded first, unhooked; the TypeScript finds them in the module cache.
// Vega and Arrow draw and write packs; the commands that never do start without them.
const LIGHT_COMMANDS = new Set(['ingest', 'status', 'quarantine', 'cite', 'export']);
const args = process.argv.slice(2);
const command = args.find((arg, i) => !arg.startsWith('-') && args[i - 1] !== '--db' && args[i - 1] !== '--config');
const packages = ['@duckdb/node-api', 'commander'];
if (!LIGHT_COMMANDS.has(command)) packages.push('vega-lite', 'vega', 'apache-arrow', 'handlebars');
await Promise.all(packages.map((name) => import(name)));

register();
const { main } = await import('../pipelines/cli.ts');
process.exitCode = await main(args);
