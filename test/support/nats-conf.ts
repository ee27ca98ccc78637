/**
 * The deploy's nats.conf files made runnable by the nats-server on this machine (or the
 * image built from it): `sync_interval` left out when the server predates it (Debian's is
 * 2.9; the upstream images run 2.10), and optionally storage in a folder of the test's
 * and a loopback port of its own with no monitoring port. Writes the file into `dir` and
 * returns its path.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@esi/local-stack';

/** True when the nats-server on PATH is older than 2.10 (no sync_interval). */
export function natsServerBefore210(): boolean {
  const version = /v?(\d+)\.(\d+)/.exec(execFileSync('nats-server', ['--version'], { encoding: 'utf8' }))!;
  return Number(version[1]) === 2 && Number(version[2]) < 10;
}

export function localNatsConf(file: string, dir: string, opts: { storeDir?: string; port?: number } = {}): string {
  let conf = readFileSync(join(REPO_ROOT, file), 'utf8');
  if (opts.storeDir !== undefined) conf = conf.replace('store_dir: /data', `store_dir: ${opts.storeDir}`);
  if (opts.port !== undefined) conf = conf.replace(/^port: 4222$/m, `listen: 127.0.0.1:${opts.port}`).replace(/^http_port: 8222$/m, '');
  if (natsServerBefore210()) conf = conf.replace(/^\s*sync_interval: always\n/m, '');
  const path = join(dir, 'nats.conf');
  writeFileSync(path, conf);
  return path;
}
