export { startStack, type Stack, type StackOptions } from './stack.js';
export { startService, startAllServices, type ServiceProcess } from './services.js';
export { startDeviceSimulator, SIMULATED_DEVICE } from './device-simulator.js';
export { REPO_ROOT } from './repo-root.js';
export { compileWorkspace } from './compiled-workspace.js';
