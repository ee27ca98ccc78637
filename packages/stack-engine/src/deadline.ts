import { StackTimeoutError } from './errors.js';

/**
 * The time limit of one stack operation. Work raced against it is abandoned (not
 * undone) when it expires; providers see the abort through their context's signal.
 */
export class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly timeoutMins: number,
    private readonly action: string,
  ) {
    // setTimeout fires at once for delays beyond 2^31-1 ms (~24.8 days); clamp to that.
    const ms = Math.min(timeoutMins * 60_000, 2 ** 31 - 1);
    this.timer = setTimeout(() => this.controller.abort(this.error()), ms);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get expired(): boolean {
    return this.controller.signal.aborted;
  }

  /** Settle like `work`, or reject with StackTimeoutError naming `resource` if time runs out first. */
  race<T>(work: Promise<T>, resource: string): Promise<T> {
    const signal = this.controller.signal;
    if (signal.aborted) {
      // Whatever the abandoned work does later must not surface as an unhandled rejection.
      work.catch(() => undefined);
      return Promise.reject(this.error(resource));
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => reject(this.error(resource));
      signal.addEventListener('abort', onAbort, { once: true });
      work.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
  }

  private error(resource?: string): StackTimeoutError {
    const where = resource === undefined ? '' : ` while resource ${resource} was in progress`;
    return new StackTimeoutError(`Stack ${this.action} timed out after ${this.timeoutMins} minute(s)${where}`);
  }
}
