/** Errors the simulator raises; `retryable` says whether trying again can help. */

/** The simulator's configuration (file, JSON or HTTP body) is not what it accepts. */
export class SimulatorConfigError extends Error {
  override readonly name = 'SimulatorConfigError';
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A request names a device or interface the simulator does not serve. */
export class NotServedError extends Error {
  override readonly name = 'NotServedError';
  readonly retryable = false;
}

/** The UDP socket of a simulated device could not be bound (port taken, bad address). */
export class BindError extends Error {
  override readonly name = 'BindError';
  readonly retryable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
