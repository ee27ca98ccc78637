export { startStack, type Stack, type StackOptions } from './stack.js';
export { startNats, startEtcd, hasBinary, MissingBinaryError, type RunningServer } from './infra.js';
export { startService, startAllServices, type ServiceProcess } from './services.js';
export { freePort } from './free-port.js';
export { startDeviceSimulator, SIMULATED_DEVICE } from './device-simulator.js';
export {
  resourceClient,
  call,
  callMetadata,
  createResource,
  getResource,
  updateResource,
  deleteResource,
  retryResource,
  putRelations,
  listResources,
  listAll,
  planChange,
  explainResource,
  resourceHistory,
  putTemplate,
  getTemplate,
  listTemplates,
  watchResources,
  type ResourceClient,
  type ClientOptions,
  type CallOpts,
  type WatchHandle,
} from './grpc-client.js';
export { submitBuild, type BuildRequest, type SubmittedResource } from './example-build.js';
export { watchProgress, type ProgressEvent } from './progress.js';
export { REPO_ROOT } from './repo-root.js';
export { startNatsCluster, startEtcdCluster, type Cluster } from './infra-cluster.js';
