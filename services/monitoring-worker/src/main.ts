/** monitoring-worker: registers monitoring targets for jobs and polls them. */
import { parsers } from '@esi/config';
import { loadResourceTypes, pluralOf } from '@esi/catalog';
import { runService, startJobWorker, stopAll, TemplateReader } from '@esi/service-runtime';
import { DEFAULT_DEVICE_ALLOW, DeviceAllowList } from './device-allow-list.js';
import { describeDeviceMap, EMPTY_DEVICE_MAP, mapTargetsOutsideAllowList, parseDeviceAddressMap } from './device-address-map.js';
import { Poller } from './poller.js';
import { ItemProbe } from './probe.js';
import { runMonitoringJob } from './run-monitoring-job.js';
import { SnmpProbe } from './snmp-probe.js';

await runService({
  name: 'monitoring-worker',
  spec: {
    pollIntervalMs: { env: 'ESI_POLL_INTERVAL_MS', default: 5_000, parse: parsers.int(100, 3_600_000) },
    pollJitterPct: { env: 'ESI_POLL_JITTER_PCT', default: 10, parse: parsers.int(0, 50) },
    pollConcurrency: { env: 'ESI_POLL_CONCURRENCY', default: 32, parse: parsers.int(1, 1024) },
    concurrency: { env: 'ESI_MONITORING_CONCURRENCY', default: 8, parse: parsers.int(1, 256) },
    snmpPort: { env: 'ESI_SNMP_PORT', default: 161, parse: parsers.int(1, 65535) },
    snmpTimeoutMs: { env: 'ESI_SNMP_TIMEOUT_MS', default: 2_000, parse: parsers.int(10, 60_000) },
    snmpRetries: { env: 'ESI_SNMP_RETRIES', default: 1, parse: parsers.int(0, 5) },
    ifIndexTtlMs: { env: 'ESI_SNMP_IFINDEX_TTL_MS', default: 600_000, parse: parsers.int(0, 86_400_000) },
    deviceAddressMap: {
      env: 'ESI_DEVICE_ADDRESS_MAP',
      default: EMPTY_DEVICE_MAP,
      parse: parseDeviceAddressMap,
      doc: 'device host=probe address, comma separated; * for every other device',
    },
    deviceAllow: {
      env: 'ESI_DEVICE_ALLOW',
      default: DeviceAllowList.parse(DEFAULT_DEVICE_ALLOW),
      parse: (raw) => DeviceAllowList.parse(raw),
      doc: 'CIDRs, IPs and host names SNMP may be sent to after mapping',
    },
  },
  checks: [(c) => mapTargetsOutsideAllowList(c.deviceAddressMap, c.deviceAllow)],
  async start({ messaging, store, publisher, log, tracer, config }) {
    loadResourceTypes();
    const templates = new TemplateReader(store);
    const snmp = new SnmpProbe({
      defaultPort: config.snmpPort,
      timeoutMs: config.snmpTimeoutMs,
      retries: config.snmpRetries,
      ifIndexTtlMs: config.ifIndexTtlMs,
      log,
      addressMap: config.deviceAddressMap,
      allow: config.deviceAllow,
    });
    const poller = new Poller({
      store,
      publisher,
      probe: new ItemProbe(snmp),
      log,
      intervalMs: config.pollIntervalMs,
      jitter: config.pollJitterPct / 100,
      concurrency: config.pollConcurrency,
    });
    const consumer = await startJobWorker(
      { messaging, publisher, tracer, log, prefix: config.streamPrefix },
      {
        service: 'monitoring-worker',
        handle: (d) =>
          runMonitoringJob(d, { store, templates, publisher, log, pluralOf, holdsNoTargets: (plural, id) => poller.holdsNoTargets(plural, id) }),
        concurrency: config.concurrency,
        ackWaitSeconds: config.ackWaitSeconds,
      },
    );
    poller.start();
    log.info(
      {
        snmpPort: config.snmpPort,
        pollIntervalMs: config.pollIntervalMs,
        deviceAddressMap: describeDeviceMap(config.deviceAddressMap),
        deviceAllow: config.deviceAllow.text,
      },
      'poller started',
    );
    return stopAll(consumer.stop, () => poller.stop());
  },
});
