// The public surface of @esi/stack-engine: HOT parsing (and how Heat reads YAML), the
// embedded stack engine, its store interface and resource providers.
export { HEAT_YAML_OPTIONS } from './yaml-load.js';
export { parseTemplate, HOT_VERSIONS, type HotTemplate, type ResourceDefinition, type OutputDefinition } from './hot-parser.js';
export {
  resolveParameters,
  coerceParameter,
  type ParameterSchema,
  type ParameterType,
  type ParameterConstraint,
} from './parameters.js';
export { resolveIntrinsics, findReferences, type IntrinsicScope, type References } from './intrinsics.js';
export { topologicalOrder, type DependencyGraph } from './dependencies.js';
export { evaluateOutputs, NO_DESCRIPTION } from './outputs.js';
export {
  StackEngine,
  DEFAULT_TIMEOUT_MINS,
  STATUS_REASONS,
  type StackEngineOptions,
  type StackRequest,
} from './engine.js';
export {
  InMemoryStackStore,
  type StackStore,
  type StoredStack,
  type StackResult,
  type StoredResource,
  type StackStatus,
  type StackAction,
  type ResourceStatus,
  type StackFailure,
} from './store.js';
export type { ResourceProvider, ProviderContext, ResourceState, ExistingResource } from './providers/types.js';
export { ProviderRegistry } from './providers/registry.js';
export { createSimulatedProviders } from './providers/defaults.js';
export { contrailProviders, LOGICAL_INTERFACE_ATTRIBUTE_ERROR } from './providers/contrail.js';
export { vnfProviders } from './providers/vnf.js';
export { genericProvider } from './providers/generic.js';
export { simulatedProvider, type SimulatedType, type SimulationOptions } from './providers/simulated.js';
export {
  StackEngineError,
  TemplateError,
  ParameterError,
  IntrinsicError,
  AttributeUnavailableError,
  DependencyCycleError,
  ProviderError,
  ReplacementRequired,
  StackTimeoutError,
  StackNotFoundError,
  StackConflictError,
  InvalidStackRequestError,
  StackStoreError,
  isRetryable,
} from './errors.js';
