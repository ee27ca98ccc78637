/**
 * How a launcher (`pnpm start`, the bench) answers Ctrl-C and SIGTERM: the first runs its
 * orderly stop and exits with what that returns; a second, a moment later, kills every
 * child at once. One Ctrl-C can arrive twice (the terminal signals the foreground group,
 * and a wrapper such as pnpm or npx may pass it on), so a repeat within a second is the
 * same press, not a second one.
 */
import { killAllNow } from './child-process.js';

const SAME_PRESS_MS = 1_000;

/** Whether a stop has begun, for work that should not start once it has. */
export interface StopState {
  readonly requested: boolean;
}

export function onStopSignals(stop: (signal: NodeJS.Signals) => Promise<number>, say: (line: string) => void): StopState {
  let stopping = 0;
  const handle = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) {
      if (Date.now() - stopping < SAME_PRESS_MS) return;
      say('stopping now (second signal): killing every process');
      killAllNow();
      process.exit(130);
    }
    stopping = Date.now();
    process.exit(await stop(signal));
  };
  process.on('SIGINT', (signal) => void handle(signal));
  process.on('SIGTERM', (signal) => void handle(signal));
  return {
    get requested() {
      return stopping > 0;
    },
  };
}
