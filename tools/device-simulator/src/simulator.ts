/**
 * The simulator: every configured device as its own SNMP agent, plus an HTTP control
 * server through which a person or a test changes interface status while it runs.
 */
import type { SimulatorConfig } from './config.js';
import { startControlServer, type ControlServer } from './control-server.js';
import { NotServedError } from './errors.js';
import { SimulatedDevice, type DeviceState, type InterfaceState } from './simulated-device.js';

export interface SimulatorOptions {
  /** TCP port of the control server; 0 (default) picks a free one; null starts none. */
  controlPort?: number | null;
  /** Errors the agents report (unknown community, malformed request, …). */
  onAgentError?: (device: string, err: Error) => void;
}

export class Simulator {
  private control: ControlServer | undefined;

  private constructor(
    readonly host: string,
    private readonly byName: Map<string, SimulatedDevice>,
  ) {}

  static async start(config: SimulatorConfig, opts: SimulatorOptions = {}): Promise<Simulator> {
    const devices = new Map<string, SimulatedDevice>();
    const sim = new Simulator(config.host, devices);
    try {
      for (const spec of config.devices) {
        devices.set(spec.name, await SimulatedDevice.start(spec, config.host, (err) => opts.onAgentError?.(spec.name, err)));
      }
      if (opts.controlPort !== null) sim.control = await startControlServer(sim, config.host, opts.controlPort ?? 0);
      return sim;
    } catch (err) {
      await sim.stop();
      throw err;
    }
  }

  /** Base URL of the control server (undefined when started without one). */
  get controlUrl(): string | undefined {
    return this.control?.url;
  }

  devices(): SimulatedDevice[] {
    return [...this.byName.values()];
  }

  device(name: string): SimulatedDevice {
    const d = this.byName.get(name);
    if (!d) throw new NotServedError(`no device ${name}; devices: ${[...this.byName.keys()].join(', ')}`);
    return d;
  }

  state(): DeviceState[] {
    return this.devices().map((d) => d.state());
  }

  /**
   * Sets an interface's status on one device, or, without a device, on every device
   * that serves the name (there must be one).
   */
  setStatus(interfaceName: string, status: unknown, deviceName?: string): InterfaceState[] {
    if (deviceName !== undefined) return [this.device(deviceName).setStatus(interfaceName, status)];
    const serving = this.devices().filter((d) => d.interface(interfaceName));
    if (serving.length === 0) throw new NotServedError(`no device serves interface ${interfaceName}`);
    return serving.map((d) => d.setStatus(interfaceName, status));
  }

  async stop(): Promise<void> {
    await this.control?.close();
    await Promise.all(this.devices().map((d) => d.close()));
  }
}
