/** What the figures were measured on. */
import { execFileSync } from 'node:child_process';
import { cpus, hostname, totalmem } from 'node:os';
import type { BenchResult } from './report/result.js';

const firstLine = (cmd: string, args: string[]): string => {
  try {
    return execFileSync(cmd, args).toString().split('\n')[0]!.trim();
  } catch {
    return `${cmd}: unknown version`;
  }
};

export function describeMachine(): BenchResult['machine'] {
  return {
    // ESI_BENCH_MACHINE names the machine in the report when its hostname says nothing.
    host: process.env.ESI_BENCH_MACHINE || hostname(),
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    natsServer: `nats-server ${firstLine('nats-server', ['--version']).replace(/^nats-server:\s*/, '')}`,
    etcd: firstLine('etcd', ['--version']),
  };
}
