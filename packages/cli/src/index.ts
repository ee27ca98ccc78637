export { run, USAGE } from './run.js';
export { parseArgs, UsageError, type Args } from './args.js';
export type { Io } from './io.js';
export { DagTracker, settled } from './dag-view.js';
