#!/usr/bin/env node
// `esictl` as a command (package.json "bin"). In the production image the sources are
// compiled in place (deploy/docker/compile.sh: src/main.js, no .ts left); in the
// repository they are TypeScript and run through tsx, as every service does here.
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const compiled = new URL('../src/main.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
