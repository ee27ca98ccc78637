/**
 * Log lines reach stdout in batches: one write once 4 KiB wait or 100 ms after the first
 * line of a batch, whichever comes first, and whatever waits when the process exits (a
 * fatal error's exit included). A write per line cost a few percent of each service's
 * CPU under load (a system call for every line).
 *
 * The writes are synchronous, so none is in flight at the exit and the last lines cannot
 * overtake earlier ones. A reader that is slow (the pipe full, EAGAIN) is waited for, as
 * by any synchronous log. A reader that is gone (EPIPE, or any other error) ends the
 * output for good: the lines have nowhere to go, and the service must go on and stop when
 * told. pino's own destination (sonic-boom 4) retried every failed write of a flush
 * forever, 100 ms apart, inside one synchronous call: a service whose launcher was killed
 * hung in its next flush, its ports held and its SIGTERM never handled.
 */
import { writeSync } from 'node:fs';

/** What pino needs of a destination, and the flushes the logger's owners call. */
export interface BatchedWriter {
  write(text: string): void;
  flush(cb?: (err?: Error) => void): void;
  flushSync(): void;
  /** False once a write failed other than by EAGAIN: what follows is dropped. */
  readonly open: boolean;
}

const EAGAIN_PAUSE_MS = 5;
const pause = new Int32Array(new SharedArrayBuffer(4));

export function batchedWriter(fd: number, opts: { minLength?: number; flushAfterMs?: number } = {}): BatchedWriter {
  const minLength = opts.minLength ?? 4096;
  const flushAfterMs = opts.flushAfterMs ?? 100;
  let pending: string[] = [];
  let length = 0;
  let open = true;
  let timer: NodeJS.Timeout | undefined;

  const flushSync = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (length === 0) return;
    let buf = Buffer.from(pending.join(''), 'utf8');
    pending = [];
    length = 0;
    while (open && buf.length > 0) {
      try {
        buf = buf.subarray(writeSync(fd, buf));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
          // A non-blocking pipe that is full: the reader is there, only slow.
          Atomics.wait(pause, 0, 0, EAGAIN_PAUSE_MS);
          continue;
        }
        open = false;
      }
    }
  };

  return {
    write(text) {
      if (!open) return;
      pending.push(text);
      length += text.length;
      if (length >= minLength) flushSync();
      else if (!timer) {
        timer = setTimeout(flushSync, flushAfterMs);
        // A batch waiting must not keep a process alive that has nothing else to do;
        // its exit writes the batch.
        timer.unref();
      }
    },
    flush(cb) {
      flushSync();
      cb?.();
    },
    flushSync,
    get open() {
      return open;
    },
  };
}
