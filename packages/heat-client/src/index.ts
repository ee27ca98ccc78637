// The public surface of @esi/heat-client: Keystone v3 password sessions, the Heat v1
// stack calls the heat-worker needs, what each Heat error means, and a Heat-compatible
// server for tests.
export {
  KeystoneSession,
  credentialProblems,
  normalizeAuthUrl,
  type KeystoneCredentials,
  type KeystoneOptions,
  type Token,
} from './keystone.js';
export { HeatClient, type HeatClientOptions, type HeatExchange, type StackFilter, type WaitOptions } from './heat-client.js';
export { HttpTransport, parseRetryAfter, type TransportOptions } from './http.js';
export { heatErrorDecision, type HeatDecision } from './heat-error-policy.js';
export { isSettled, isInProgress, type HeatStack, type StackSpec, type StackAction } from './stack-types.js';
export { DEFAULT_RETRY, retryDelayMs, withRetry, type RetryPolicy } from './retry.js';
export {
  OpenStackError,
  KeystoneAuthError,
  EndpointNotFoundError,
  HeatApiError,
  TransportError,
  StackWaitTimeoutError,
  isRetryable,
} from './errors.js';
export { startHeatTestServer, type HeatTestServer, type HeatTestServerOptions } from './test-server/heat-test-server.js';
export { HeatFault } from './test-server/heat-fault.js';
export { ENGINE_MODES } from './test-server/types.js';
export type {
  EngineMode,
  Fault,
  OperationResult,
  RecordedRequest,
  StackOperationInfo,
  StackRequestInfo,
  TestStack,
} from './test-server/types.js';
