/**
 * Makes sure nats-server and etcd are on PATH. As root on Debian it installs them
 * (apt-get); otherwise it says exactly what to install and stops.
 */
import { execFileSync } from 'node:child_process';
import { hasBinary } from './infra.js';

const NEEDED: { binary: string; debianPackage: string }[] = [
  { binary: 'nats-server', debianPackage: 'nats-server' },
  { binary: 'etcd', debianPackage: 'etcd-server' },
];

export function ensureBinaries(needed: { nats: boolean; etcd: boolean }, say: (line: string) => void): void {
  const missing = NEEDED.filter((n) => (n.binary === 'etcd' ? needed.etcd : needed.nats) && !hasBinary(n.binary));
  if (missing.length === 0) return;
  const packages = missing.map((m) => m.debianPackage);
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !hasBinary('apt-get')) {
    throw new Error(
      `missing ${missing.map((m) => m.binary).join(' and ')}: install them (Debian: sudo apt-get install -y ${packages.join(' ')}), ` +
        'or point NATS_URL / ETCD_ENDPOINTS at running servers',
    );
  }
  say(`installing ${packages.join(', ')} with apt-get …`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}
