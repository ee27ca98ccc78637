/** `pnpm esictl …`: the command-line client of the ESI api (README.md beside src/). */
import { processIo } from './io.js';
import { run } from './run.js';

process.exitCode = await run(process.argv.slice(2), processIo());
