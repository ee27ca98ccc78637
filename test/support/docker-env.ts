/**
 * Where the Docker tests find their engine and images: DOCKER_HOST (CI's own dockerd,
 * deploy/docker/with-dockerd.sh) and the tags deploy/docker/build-images.sh wrote to
 * images.env. Without both the Docker tests skip, and CI fails on any skip
 * (.ci/check-skips.mjs), so a machine where the engine did not start is seen.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LocalImages {
  nats: string;
  etcd: string;
  prometheus: string;
  orchestrator: string;
}

const cacheDir = process.env.ESI_DOCKER_CACHE ?? '/var/cache/esi-docker';

/** The local image tags, or undefined when build-images.sh has not run. */
export function localImages(): LocalImages | undefined {
  const file = join(cacheDir, 'images.env');
  if (!existsSync(file)) return undefined;
  const env = Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  const pick = (k: string): string => {
    if (!env[k]) throw new Error(`${file} has no ${k}`);
    return env[k];
  };
  return { nats: pick('ESI_NATS_IMAGE'), etcd: pick('ESI_ETCD_IMAGE'), prometheus: pick('ESI_PROMETHEUS_IMAGE'), orchestrator: pick('ESI_ORCHESTRATOR_IMAGE') };
}

/** The image tags as the compose overlay reads them. */
export function imagesEnvFile(): string {
  return join(cacheDir, 'images.env');
}

/** True when an engine answers and the images exist. */
export function dockerReady(): boolean {
  const images = localImages();
  if (!images) return false;
  const res = spawnSync('docker', ['image', 'inspect', images.nats, images.etcd, images.prometheus, images.orchestrator], { stdio: 'ignore', timeout: 20_000 });
  return res.status === 0;
}
