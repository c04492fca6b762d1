/** The machine a benchmark ran on, named beside every table of figures. */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  ramGiB: number;
  node: string;
  os: string;
}

export function describeMachine(): Machine {
  return {
    cpu: cpuModel(),
    cores: cpus().length,
    ramGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${type()} ${release()}`,
  };
}

export function machineLine(m: Machine): string {
  return `${m.cores} × ${m.cpu}, ${m.ramGiB} GiB RAM, Node ${m.node.replace(/^v/, '')}, ${m.os}`;
}

/** The 1-minute load average: above the core count, other work shared the machine and the figures are slower than they should be. */
export function loadLine(): string {
  return loadavg()[0]!.toFixed(2);
}

function cpuModel(): string {
  const model = cpus()[0]?.model?.trim();
  if (model) return model;
  try {
    return /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? 'unknown CPU';
  } catch {
    return 'unknown CPU';
  }
}
