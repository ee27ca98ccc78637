/** Errors the simulator raises; `retryable` says whether trying again can help. */
import { ClassifiedError } from '@esi/errors';

/** The simulator's configuration (file, JSON or HTTP body) is not what it accepts. */
export class SimulatorConfigError extends ClassifiedError {
  readonly retryable = false;
}

/** A request names a device or interface the simulator does not serve. */
export class NotServedError extends ClassifiedError {
  readonly retryable = false;
}

/** The UDP socket of a simulated device could not be bound (port taken, bad address). */
export class BindError extends ClassifiedError {
  readonly retryable = true;
}
