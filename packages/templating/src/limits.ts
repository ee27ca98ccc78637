/**
 * What one render may cost. The G1 catalog's largest template renders in a few thousand
 * steps and a few KiB, so the defaults leave two orders of magnitude of room while a
 * template written to loop or grow without end stops within a second.
 */
export interface RenderLimits {
  /** Expression and statement evaluations. */
  readonly maxSteps: number;
  /** Wall-clock time, checked every few hundred steps. */
  readonly maxMillis: number;
  /** Characters of output, and of any one string built on the way. */
  readonly maxChars: number;
  /** Elements `range()` may produce. */
  readonly maxRange: number;
}

export const DEFAULT_RENDER_LIMITS: RenderLimits = Object.freeze({
  maxSteps: 500_000,
  maxMillis: 1_000,
  maxChars: 1 << 20,
  maxRange: 10_000,
});
