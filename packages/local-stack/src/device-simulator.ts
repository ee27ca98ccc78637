/**
 * The SNMP device simulator (tools/device-simulator) as a child process of the local
 * stack. It serves one device on a free loopback UDP port with every interface the
 * example build names, all up; the stack maps every device address to it
 * (ESI_DEVICE_ADDRESS_MAP `*=127.0.0.1:<port>`), so no build, example or replayed, sends
 * SNMP anywhere else, and teaches it the interfaces other builds name
 * (simulator-learner.ts). It accepts any v2c community, so the catalog's community
 * constants need not be repeated here.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadExampleBuild, type BuildRequest } from '@esi/catalog';
import { startProcess, type RunningServer } from '@esi/test-servers';
import { REPO_ROOT } from './repo-root.js';

/** Resource types whose monitoring polls an interface by its `name` (physical_port/logical_port items). */
const INTERFACE_TYPES = new Set(['ese_physical_port', 'ese_logical_port', 'er_physical_interface']);

export function exampleInterfaces(build: BuildRequest[] = loadExampleBuild('internet-gateway')): string[] {
  const names = build.filter((r) => INTERFACE_TYPES.has(r.type)).map((r) => r.body.name);
  return [...new Set(names.filter((n): n is string => typeof n === 'string' && n !== ''))];
}

/** The one device the local stack simulates; every device address maps to it. */
export const SIMULATED_DEVICE = 'lab';

/** `url` is the control server, `port` the SNMP (UDP) port. */
export async function startDeviceSimulator(dataDir: string, interfaces: string[] = exampleInterfaces()): Promise<RunningServer> {
  mkdirSync(join(dataDir, 'logs'), { recursive: true });
  const configFile = join(dataDir, 'device-simulator.json');
  writeFileSync(configFile, JSON.stringify({ host: '127.0.0.1', devices: [{ name: SIMULATED_DEVICE, port: 0, sysName: 'esi-lab', interfaces }] }, null, 2));
  let onReady: (line: string) => void = () => undefined;
  const ready = new Promise<{ control: string; devices: { port: number }[] }>((resolve) => {
    onReady = (line) => {
      if (line.includes('"msg":"ready"')) resolve(JSON.parse(line) as { control: string; devices: { port: number }[] });
    };
  });
  const proc = startProcess(
    'device-simulator',
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'tools', 'device-simulator', 'src', 'main.ts'), '--config', configFile],
    { cwd: REPO_ROOT, logFile: join(dataDir, 'logs', 'device-simulator.log'), onLine: (line) => onReady(line) },
  );
  const failed = new Promise<never>((_, reject) => {
    proc.proc.once('exit', (code) => reject(new Error(`device simulator exited (${code}) before it was ready; see ${proc.logFile}`)));
  });
  failed.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`device simulator not ready after 30 s; see ${proc.logFile}`)), 30_000);
  });
  try {
    const info = await Promise.race([ready, failed, timeout]);
    return { url: info.control, port: info.devices[0]!.port, process: proc, stop: async () => void (await proc.stop()) };
  } catch (err) {
    await proc.stop();
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
