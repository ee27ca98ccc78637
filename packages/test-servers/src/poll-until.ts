/**
 * Polls `fn` until it answers (anything but undefined) or `timeoutMs` passes: how the
 * tests wait on a condition instead of sleeping a fixed time a busy machine can outlast.
 */
export async function pollUntil<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number, everyMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
