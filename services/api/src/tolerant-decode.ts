/**
 * grpc-js answers a request it cannot decode with INTERNAL. A malformed request is the
 * client's error, so each method's decoder is wrapped: an undecodable message becomes a
 * marker the call edge turns into INVALID_ARGUMENT naming "request".
 */
const MALFORMED = Symbol('malformed request');

interface MethodDefinition {
  requestDeserialize: (buf: Buffer) => unknown;
}

export function tolerantService<T extends Record<string, MethodDefinition>>(definition: T): T {
  const out: Record<string, MethodDefinition> = {};
  for (const [name, method] of Object.entries(definition)) {
    out[name] = {
      ...method,
      requestDeserialize: (buf: Buffer) => {
        try {
          return method.requestDeserialize(buf);
        } catch (err) {
          return { [MALFORMED]: (err as Error).message };
        }
      },
    };
  }
  return out as T;
}

/** The decoder's complaint when the request could not be decoded, else undefined. */
export function malformedReason(request: unknown): string | undefined {
  if (request !== null && typeof request === 'object' && MALFORMED in request) return String((request as Record<symbol, unknown>)[MALFORMED]);
  return undefined;
}
