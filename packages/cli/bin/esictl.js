#!/usr/bin/env node
// `esictl` as a command (package.json "bin"; the image links it into PATH): the sources
// are TypeScript and run through tsx, as every service does here, so there is no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
