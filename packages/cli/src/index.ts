export { run, USAGE } from './run.js';
export { parseCommandLine, UsageError, type Args, type CommandSpec } from './args.js';
export { EXIT } from './exit-codes.js';
export type { Io } from './io.js';
export { DagTracker, settled } from './dag-view.js';
