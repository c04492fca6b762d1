/**
 * Timing and memory of child processes. Every measured step runs in its own process,
 * so each has a clean heap and DuckDB instance and its peak resident memory (RSS) is
 * its own: GNU `/usr/bin/time -v` reports it where installed; otherwise the parent
 * polls the child's high-water mark (VmHWM in /proc/<pid>/status) until it exits.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ChildRun {
  code: number;
  ms: number;
  /** Peak RSS in MiB; null where neither method is available (not Linux). */
  peakMb: number | null;
  /** User plus system CPU time, from /usr/bin/time; on a busy machine a steadier figure than wall time. */
  cpuMs: number | null;
  stdout: string;
  stderr: string;
}

export type RssMethod = 'time' | 'proc' | 'none';

let method: RssMethod | undefined;

/** How peak RSS is measured on this machine. */
export function rssMethod(): RssMethod {
  if (method !== undefined) return method;
  if (existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-v', '-o', '/dev/null', 'true']).status === 0) method = 'time';
  else if (existsSync(`/proc/${process.pid}/status`)) method = 'proc';
  else method = 'none';
  return method;
}

/**
 * `node <bin> args` as runChild runs it, failing with the command's own `boardpack:` sentences
 * (or the end of its stderr) when it exits non-zero. `shown` is the command as the error names it.
 */
export async function runBoardpack(bin: string, args: string[], options: { cwd: string; shown: string[] }): Promise<ChildRun> {
  const child = await runChild(process.execPath, [bin, ...args], { cwd: options.cwd });
  if (child.code !== 0) {
    const said = child.stderr
      .split('\n')
      .filter((l) => l.startsWith('boardpack:'))
      .join(' ');
    throw new Error(`boardpack ${options.shown.join(' ')} exited ${child.code}: ${said || child.stderr.slice(-500)}`);
  }
  return child;
}

export function runChild(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<ChildRun> {
  const how = rssMethod();
  const timeFile = join(tmpdir(), `boardpack-bench-time-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const [cmd, argv] = how === 'time' ? ['/usr/bin/time', ['-v', '-o', timeFile, command, ...args]] : [command, args];
  return new Promise((resolvePromise, reject) => {
    const start = performance.now();
    const child = spawn(cmd, argv, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    let hwmKb = 0;
    const poll = how === 'proc' ? setInterval(() => (hwmKb = Math.max(hwmKb, readHwmKb(child.pid))), 10) : null;
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - start;
      if (poll) clearInterval(poll);
      let peakKb: number | null = how === 'proc' ? hwmKb : null;
      let cpuMs: number | null = null;
      if (how === 'time') {
        const text = existsSync(timeFile) ? readFileSync(timeFile, 'utf8') : '';
        rmSync(timeFile, { force: true });
        const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(text);
        peakKb = match ? Number(match[1]) : null;
        const user = /User time \(seconds\): ([\d.]+)/.exec(text);
        const system = /System time \(seconds\): ([\d.]+)/.exec(text);
        if (user && system) cpuMs = (Number(user[1]) + Number(system[1])) * 1000;
      }
      resolvePromise({
        code: code ?? 1,
        ms,
        peakMb: peakKb === null || peakKb === 0 ? null : peakKb / 1024,
        cpuMs,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

function readHwmKb(pid: number | undefined): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0; // exited between polls
  }
}

export function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The largest of the values present; null when none is. */
export function peak(xs: (number | null)[]): number | null {
  const present = xs.filter((x): x is number => x !== null);
  return present.length ? Math.max(...present) : null;
}
