import { pollUntil } from '@esi/test-servers';

/** pollUntil with the end-to-end tests' defaults: a whole stack may take a minute. */
export const waitFor = <T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 200): Promise<T> => pollUntil(what, fn, timeoutMs, everyMs);
