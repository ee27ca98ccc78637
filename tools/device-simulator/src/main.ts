/**
 * Runs the simulator standalone:
 *   tsx src/main.ts [--config file.json] [--host 127.0.0.1] [--port UDP] [--control-port TCP]
 * --port overrides the UDP port of the first device (0 = a free one). When every agent
 * and the control server listen, one JSON line with "msg":"ready" gives their ports;
 * the local stack waits for that line. SIGINT/SIGTERM stop it.
 */
import { parseArgs } from 'node:util';
import { SimulatorConfigError } from './errors.js';
import { EXAMPLE_CONFIG, loadSimulatorConfig } from './load-config.js';
import { Simulator } from './simulator.js';

const log = (msg: string, fields: Record<string, unknown> = {}): void => console.log(JSON.stringify({ time: Date.now(), msg, ...fields }));

try {
  const { values } = parseArgs({
    // `pnpm start -- --port 1161` passes the `--` on.
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: {
      config: { type: 'string', default: EXAMPLE_CONFIG },
      host: { type: 'string' },
      port: { type: 'string' },
      'control-port': { type: 'string', default: '0' },
    },
  });
  const config = loadSimulatorConfig(values.config!);
  if (values.host) config.host = values.host;
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SimulatorConfigError(`--port ${values.port} is not a UDP port`);
    config.devices[0]!.port = port;
  }
  const controlPort = Number(values['control-port']);
  const sim = await Simulator.start(config, {
    controlPort,
    // Requests with an unknown community are expected (that is how v2c refuses them).
    onAgentError: (device, err) => log('agent', { device, error: err.message }),
  });
  log('ready', {
    control: sim.controlUrl,
    devices: sim.state().map((d) => ({ name: d.name, host: d.host, port: d.port, interfaces: d.interfaces.length })),
  });
  const stop = async (signal: string): Promise<void> => {
    log('stopping', { signal });
    await sim.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (err) {
  log('failed', { error: (err as Error).message, name: (err as Error).name });
  process.exit(2);
}
