import { describe, expect, it } from 'vitest';
import { main } from '../pipelines/cli.ts';
import { fixedClock } from '../pipelines/lib/clock.ts';

// How the command line answers someone finding their way: a bare `boardpack`, a typo in a command or
// an option, and each command's help. None of these touch a database.

async function boardpack(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const said = { out: '', err: '' };
  const code = await main(args, {
    stdout: (t) => void (said.out += t),
    stderr: (t) => void (said.err += t),
    clock: fixedClock('2025-10-14T12:00:00Z'),
    cwd: '/nonexistent-boardpack-cwd',
  });
  return { code, ...said };
}

describe('the command line helps', () => {
  it('no arguments: the help on stderr, exit 2 (bad usage), nothing on stdout', async () => {
    const result = await boardpack();
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toMatch(/^Usage: boardpack \[options\] \[command\]\n/);
    for (const command of ['ingest', 'build', 'cite', 'refresh', 'schedule', 'verify', 'export', 'status']) {
      expect(result.err).toMatch(new RegExp(`\\n  ${command} `));
    }
  });

  it('--help still prints to stdout with exit 0', async () => {
    const result = await boardpack('--help');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^Usage: boardpack/);
    expect(result.err).toBe('');
  });

  it.each([
    ['a misspelt command', ['bulid', '--period', '2025-26-Q2'], "boardpack: Unknown command 'bulid' (did you mean build?); see boardpack --help.\n"],
    ['a misspelt option of a command', ['build', '--perod', '2025-26-Q2'], "boardpack: Unknown option '--perod' (did you mean --period?); see boardpack build --help.\n"],
    ['a misspelt global option', ['--jsn', 'status'], "boardpack: Unknown option '--jsn' (did you mean --json?); see boardpack --help.\n"],
    ['a command nothing resembles', ['zzzzzz'], "boardpack: Unknown command 'zzzzzz'; see boardpack --help.\n"],
  ])('%s: one sentence with the nearest suggestion, exit 2', async (_what, args, message) => {
    const result = await boardpack(...args);
    expect(result.code).toBe(2);
    expect(result.err).toBe(message);
    expect(result.out).toBe('');
  });

  it.each(['ingest', 'build', 'cite', 'refresh', 'schedule', 'verify', 'export', 'status', 'quarantine'])('%s --help lists the global options', async (command) => {
    const result = await boardpack(command, '--help');
    expect(result.code).toBe(0);
    const globals = result.out.split('Global Options:\n')[1] ?? '';
    for (const option of ['--db <path>', '--config <path>', '--json', '--verbose']) expect(globals).toContain(`  ${option} `);
  });
});
