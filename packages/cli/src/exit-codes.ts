/** esictl's exit codes (documented in README.md beside src/ and in `esictl --help`). */
export const EXIT = {
  /** Done; every resource followed settled without failing. */
  ok: 0,
  /** The api refused or failed the call, a resource ended *_FAILED, a wait ran out, a plan would fail. */
  failed: 1,
  /** The command line was wrong. */
  usage: 2,
  /** gRPC UNAVAILABLE: the api was not reached, or it could not reach etcd or NATS; worth retrying. */
  unavailable: 3,
} as const;
