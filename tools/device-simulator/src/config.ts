/**
 * What the simulator serves: devices, each an SNMP v2c agent on its own UDP port, with
 * named interfaces and their status. Parsed from JSON (a file, the CLI or a test).
 */
import { SimulatorConfigError } from './errors.js';
import { parseIfStatus } from './if-status.js';

export interface InterfaceSpec {
  name: string;
  /** ifOperStatus, 1 (up) … 7; default up. */
  status: number;
}

export interface DeviceSpec {
  name: string;
  /** UDP port; 0 lets the kernel pick a free one. */
  port: number;
  /** Accepted v2c communities; empty accepts any community. */
  communities: string[];
  sysName: string;
  interfaces: InterfaceSpec[];
}

export interface SimulatorConfig {
  /** Address every agent and the control server bind to. */
  host: string;
  devices: DeviceSpec[];
}

export function parseSimulatorConfig(raw: unknown): SimulatorConfig {
  const doc = asObject(raw, 'simulator config');
  const host = doc.host === undefined ? '127.0.0.1' : asString(doc.host, 'host');
  if (!Array.isArray(doc.devices) || doc.devices.length === 0) throw new SimulatorConfigError('simulator config needs a non-empty devices list');
  const devices = doc.devices.map((d, i) => parseDevice(d, i));
  const names = new Set<string>();
  for (const d of devices) {
    if (names.has(d.name)) throw new SimulatorConfigError(`device name ${d.name} appears twice`);
    names.add(d.name);
  }
  return { host, devices };
}

export function parseDevice(raw: unknown, index = 0): DeviceSpec {
  const d = asObject(raw, `devices[${index}]`);
  const name = asString(d.name, `devices[${index}].name`);
  const port = d.port === undefined ? 0 : Number(d.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SimulatorConfigError(`device ${name}: port ${JSON.stringify(d.port)} is not a UDP port`);
  const communities = d.communities === undefined ? [] : asList(d.communities, `device ${name}: communities`).map((c) => asString(c, `device ${name}: community`));
  const sysName = d.sysName === undefined ? name : asString(d.sysName, `device ${name}: sysName`);
  const interfaces = d.interfaces === undefined ? [] : asList(d.interfaces, `device ${name}: interfaces`).map((x) => parseInterface(x, name));
  const seen = new Set<string>();
  for (const itf of interfaces) {
    if (seen.has(itf.name)) throw new SimulatorConfigError(`device ${name}: interface ${itf.name} appears twice`);
    seen.add(itf.name);
  }
  return { name, port, communities, sysName, interfaces };
}

/** An interface is a name (served up) or `{ "name": …, "status": "down" }`. */
function parseInterface(raw: unknown, device: string): InterfaceSpec {
  if (typeof raw === 'string' && raw !== '') return { name: raw, status: 1 };
  const o = asObject(raw, `device ${device}: interface`);
  return { name: asString(o.name, `device ${device}: interface name`), status: o.status === undefined ? 1 : parseIfStatus(o.status) };
}

function asObject(raw: unknown, what: string): Record<string, unknown> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new SimulatorConfigError(`${what} must be an object`);
  return raw as Record<string, unknown>;
}

function asList(raw: unknown, what: string): unknown[] {
  if (!Array.isArray(raw)) throw new SimulatorConfigError(`${what} must be a list`);
  return raw;
}

function asString(raw: unknown, what: string): string {
  if (typeof raw !== 'string' || raw === '') throw new SimulatorConfigError(`${what} must be a non-empty string`);
  return raw;
}
