/**
 * Many holders at once, or one alone: `exclusive` waits for every shared holder to end
 * and lets no new one in until it is done; shared work that arrives meanwhile waits
 * behind it, so an exclusive turn is never starved.
 */
export class SharedGate {
  private active = 0;
  private drained: (() => void) | undefined;
  /** The exclusive turn in progress or waiting (shared work queues behind it). */
  private turn: Promise<void> = Promise.resolve();

  async shared<T>(fn: () => Promise<T>): Promise<T> {
    await this.turn;
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      if (this.active === 0) this.drained?.();
    }
  }

  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.turn.then(async () => {
      if (this.active > 0) await new Promise<void>((resolve) => (this.drained = resolve));
      this.drained = undefined;
      return fn();
    });
    this.turn = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}
