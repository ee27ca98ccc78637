export { Simulator, type SimulatorOptions } from './simulator.js';
export { SimulatedDevice, type DeviceState, type InterfaceState } from './simulated-device.js';
export { parseSimulatorConfig, parseDevice, type SimulatorConfig, type DeviceSpec, type InterfaceSpec } from './config.js';
export { loadSimulatorConfig, EXAMPLE_CONFIG } from './load-config.js';
export { IF_OPER_STATUS, parseIfStatus, ifStatusName, type IfStatusName } from './if-status.js';
export { listDevices, setInterfaceStatus, setResponding, ControlRequestError } from './control-client.js';
export { SimulatorConfigError, NotServedError, BindError } from './errors.js';
