/**
 * What `pnpm start` adds for people looking at the running stack: spans kept in a file
 * (and passed on to OTEL_EXPORTER_OTLP_ENDPOINT when one is given) so `esictl trace`
 * works without a tracing UI, service logs echoed as readable lines, and where the
 * metrics are.
 */
import { join } from 'node:path';
import type { ServiceName } from '@esi/contracts';
import { formatLogLine, levelOf, levelValue } from '@esi/telemetry';
import { startSpanReceiver, type SpanReceiver } from '@esi/trace-view';
import type { Stack } from './stack.js';

/** Starts the span receiver; services then export to it (it forwards to `forwardTo`). */
export function keepTraces(dataDir: string, forwardTo: string | undefined, say: (line: string) => void): Promise<SpanReceiver> {
  return startSpanReceiver({
    file: join(dataDir, 'traces', 'spans.jsonl'),
    forwardTo: forwardTo || undefined,
    onProblem: (message) => say(`traces: ${message}`),
  });
}

/**
 * Echoes service log lines at `level` or above (ESI_LOG_ECHO: a pino level or "off"),
 * formatted for reading; the JSON stays in the log files.
 */
export function logEcho(level: string, write: (line: string) => void): ((service: ServiceName, line: string) => void) | undefined {
  if (level === 'off' || level === 'silent') return undefined;
  const min = levelValue(level);
  const color = Boolean(process.stdout.isTTY);
  return (service, line) => {
    const l = levelOf(line);
    if (l === undefined || l >= min) write(formatLogLine(line, { color, service }));
  };
}

export function describeObservability(stack: Stack, traces: SpanReceiver, forwardTo: string | undefined): string[] {
  const lines = [
    `traces: kept in ${traces.file}${forwardTo ? ` and sent on to ${forwardTo}` : ''}; print one as a tree with: pnpm esictl trace <type> <id>`,
  ];
  const metrics = [...stack.services.values()].filter((s) => s.metricsUrl).map((s) => `${s.name} ${s.metricsUrl}`);
  if (metrics.length > 0) lines.push(`metrics (Prometheus): ${metrics.join(', ')}`);
  return lines;
}
