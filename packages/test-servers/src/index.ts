export { startNats, startEtcd, hasBinary, MissingBinaryError, ETCD_HISTORY_RETENTION, historyArgs, type EtcdOptions, type RunningServer } from './infra.js';
export { startNatsCluster, startEtcdCluster, type Cluster } from './infra-cluster.js';
export { freePort } from './free-port.js';
export { startProcess, waitForPort, killAllNow, type Managed } from './child-process.js';
export { onStopSignals, type StopState } from './stop-signals.js';
export { processRunning } from './process-running.js';
export { ensureBinaries } from './ensure-binaries.js';
export { pollUntil } from './poll-until.js';
