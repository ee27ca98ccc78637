export { runService, stopAll, type ServiceDeps, type ServiceDefinition, type Stop } from './run-service.js';
export { publishJobResult } from './publish-job-result.js';
export { startMetricsServer, type MetricsServer } from './metrics-server.js';
export { faultPoint, firedFaults, parseFaultSpecs, FAULT_POINTS, type FaultSpec, type FaultPointName } from './fault-point.js';
export { ServiceHealth, type Dependency } from './service-health.js';
export { probeEtcd, watchNats, type EtcdProbeOptions } from './dependency-watch.js';
export { startJobWorker, type JobWorkerDeps, type JobWorkerOptions, type JobWorkerService } from './start-job-worker.js';
export { TemplateReader } from './template-reader.js';
