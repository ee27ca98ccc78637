/**
 * A whole local stack: nats-server and etcd (started here unless URLs are given), the
 * five services, and the gRPC address. Tests and `pnpm start` both use it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICE_NAMES, type ServiceName } from '@esi/contracts';
import { freePort, startEtcd, startNats, type RunningServer } from '@esi/test-servers';
import { exampleInterfaces, SIMULATED_DEVICE, startDeviceSimulator } from './device-simulator.js';
import { learnInterfacesFromTargets, type SimulatorLearner } from './simulator-learner.js';
import { startAllServices, startService, type LaunchOptions, type ServiceProcess } from './services.js';
import { Supervisor, type SupervisorEvents } from './supervisor.js';

export interface StackOptions {
  /** Where server data and logs go; a new temporary folder when omitted. */
  dataDir?: string;
  natsUrl?: string;
  etcdEndpoints?: string;
  apiAddr?: string;
  /** Extra environment for the services (e.g. OTEL_EXPORTER_OTLP_ENDPOINT). */
  env?: Record<string, string>;
  onLine?: LaunchOptions['onLine'];
  /** Restart services that die on their own, with backoff (pnpm start, fault tests). */
  supervise?: boolean;
  onRestart?: SupervisorEvents['onRestart'];
  /**
   * Start the SNMP device simulator (default true): every device address is mapped to it
   * (ESI_DEVICE_ADDRESS_MAP) and it learns the interfaces the monitoring items name.
   * Without it, devices are probed where they say they are, and the monitoring-worker's
   * default ESI_DEVICE_ALLOW keeps that to loopback.
   */
  deviceSimulator?: boolean;
  /**
   * Serve each service's metrics on this port plus its place in SERVICE_NAMES (api
   * first); default: any free loopback port each, read back from its "ready" line.
   */
  metricsPortBase?: number;
  /** Environment for one service only, over `env` (e.g. the first planner's ESI_PLANNER_PREFERRED). */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Run the services from this compiled copy of the workspace (compileWorkspace) instead of through tsx. */
  compiledRoot?: string;
}

export interface Stack {
  dataDir: string;
  natsUrl: string;
  etcdEndpoints: string;
  apiAddr: string;
  /** The SNMP device simulator: its UDP port and control URL (device-simulator.ts). */
  deviceSimulator?: { snmpPort: number; controlUrl: string };
  services: Map<ServiceName, ServiceProcess>;
  /** Kills a service with SIGKILL and starts it again. */
  restart(name: ServiceName, signal?: NodeJS.Signals): Promise<void>;
  /**
   * Starts one more instance of a service (e.g. a standby planner, or a second planner
   * with other preferred partitions: `env` over the stack's); stopped with the stack.
   */
  startReplica(name: ServiceName, env?: NodeJS.ProcessEnv): Promise<ServiceProcess>;
  stop(): Promise<void>;
  /** Kills nats-server or etcd (when the stack started them) and starts it again in place. */
  restartInfra(which: 'nats' | 'etcd', signal?: NodeJS.Signals): Promise<void>;
  /** Restarts made by the supervisor (0 when not supervising). */
  supervisorRestarts(): number;
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'esi-stack-'));
  /** What this call started, stopped in reverse order. */
  const servers: Pick<RunningServer, 'stop'>[] = [];
  try {
    const natsServer = opts.natsUrl ? undefined : await startNats(dataDir);
    if (natsServer) servers.push(natsServer);
    const etcdServer = opts.etcdEndpoints ? undefined : await startEtcd(dataDir);
    if (etcdServer) servers.push(etcdServer);
    const natsUrl = opts.natsUrl ?? natsServer!.url;
    const etcdEndpoints = opts.etcdEndpoints ?? etcdServer!.url;
    const apiAddr = opts.apiAddr ?? `127.0.0.1:${await freePort()}`;
    let devices: RunningServer | undefined;
    if (opts.deviceSimulator !== false) {
      devices = await startDeviceSimulator(dataDir);
      servers.push(devices);
      // Started before the services, so it sees every target they register.
      const learner: SimulatorLearner = await learnInterfacesFromTargets({
        etcdEndpoints,
        controlUrl: devices.url,
        device: SIMULATED_DEVICE,
        known: exampleInterfaces(),
        // An interface it could not add stays UNKNOWN in /monitoring; say why where the stack's output goes.
        onError: (err) => console.warn(`device simulator: ${err.message}`),
      });
      servers.push(learner);
    }
    const launch: LaunchOptions = {
      env: {
        ...process.env,
        NATS_URL: natsUrl,
        ETCD_ENDPOINTS: etcdEndpoints,
        ESI_API_ADDR: apiAddr,
        // Every device, whatever address its build gave it, is the simulator.
        ...(devices ? { ESI_DEVICE_ADDRESS_MAP: `*=127.0.0.1:${devices.port}` } : {}),
        ESI_METRICS_ADDR: '127.0.0.1:0',
        ...opts.env,
      },
      serviceEnv: Object.fromEntries(
        SERVICE_NAMES.map((n, i) => [n, { ...(opts.metricsPortBase === undefined ? {} : { ESI_METRICS_ADDR: `127.0.0.1:${opts.metricsPortBase + i}` }), ...opts.serviceEnv?.[n] }]),
      ),
      logDir: join(dataDir, 'logs'),
      onLine: opts.onLine,
      ...(opts.compiledRoot ? { compiledRoot: opts.compiledRoot } : {}),
    };
    const services = await startAllServices(launch);
    const replicas: ServiceProcess[] = [];
    const supervisor = opts.supervise ? new Supervisor(services, launch, { onRestart: opts.onRestart }) : undefined;
    return {
      dataDir,
      natsUrl,
      etcdEndpoints,
      apiAddr,
      deviceSimulator: devices && { snmpPort: devices.port, controlUrl: devices.url },
      services,
      async restart(name, signal = 'SIGKILL') {
        supervisor?.expectExit(services.get(name));
        await services.get(name)?.process.stop(signal);
        const next = startService(name, launch);
        services.set(name, next);
        supervisor?.adopt(next);
        await next.ready;
      },
      supervisorRestarts: () => supervisor?.restarts ?? 0,
      async restartInfra(which, signal = 'SIGKILL') {
        const server = which === 'nats' ? natsServer : etcdServer;
        if (!server?.restart) throw new Error(`${which} was not started by this stack`);
        await server.restart(signal);
      },
      async startReplica(name, env) {
        const n = replicas.filter((r) => r.name === name).length + 1;
        const replica = startService(name, env ? { ...launch, serviceEnv: { ...launch.serviceEnv, [name]: { ...launch.serviceEnv?.[name], ...env } }, logName: `${name}-${n}` } : { ...launch, logName: `${name}-${n}` });
        replicas.push(replica);
        await replica.ready;
        return replica;
      },
      async stop() {
        await supervisor?.stop();
        await Promise.all([...services.values(), ...replicas].map((s) => s.process.stop()));
        for (const s of servers.reverse()) await s.stop();
      },
    };
  } catch (err) {
    for (const s of servers.reverse()) await s.stop();
    throw err;
  }
}
