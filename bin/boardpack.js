#!/usr/bin/env node
// Runs the TypeScript CLI through tsx so a checkout works without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../pipelines/cli.ts');
process.exitCode = await main(process.argv.slice(2));
