/**
 * GET /metrics speaks two formats from one OpenMetrics registry: OpenMetrics with the
 * trace id of a sampled span beside the bucket it fell in, and the classic text format
 * with the same series and counter names and no exemplars.
 */
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { acceptsOpenMetrics, openMetricsToText, renderMetrics } from './exposition.js';
import { recordJobOutcome } from './metrics.js';
import { initTracing } from './tracing.js';

// Registers the context manager that carries the active span.
initTracing({ serviceName: 'test', otlpEndpoint: '' });

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const inSpan = (flags: number, fn: () => void): void =>
  context.with(trace.setSpanContext(context.active(), { traceId: TRACE, spanId: 'b7ad6b7169203331', traceFlags: flags }), fn);

describe('metrics exposition', () => {
  it('negotiates OpenMetrics from the Accept header Prometheus sends', () => {
    expect(acceptsOpenMetrics('application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1')).toBe(true);
    expect(acceptsOpenMetrics('text/plain;version=0.0.4;q=1,*/*;q=0.1')).toBe(false);
    expect(acceptsOpenMetrics('application/openmetrics-text;q=0')).toBe(false);
    expect(acceptsOpenMetrics('*/*')).toBe(false);
    expect(acceptsOpenMetrics(undefined)).toBe(false);
  });

  it('a job observed inside a sampled span carries its trace id as an exemplar; an unsampled one carries none', async () => {
    inSpan(TraceFlags.SAMPLED, () => recordJobOutcome({ handler: 'heat_worker', action: 'exemplar-test' }, 'succeeded', 0.3));
    inSpan(TraceFlags.NONE, () => recordJobOutcome({ handler: 'heat_worker', action: 'unsampled-test' }, 'succeeded', 0.3));
    const om = await renderMetrics(true);
    expect(om.contentType).toMatch(/^application\/openmetrics-text; version=1\.0\.0/);
    expect(om.body.endsWith('# EOF\n')).toBe(true);
    const bucket = om.body.split('\n').filter((l) => l.startsWith('esi_job_duration_seconds_bucket{') && l.includes('le="0.5"') && l.includes('action="exemplar-test"'));
    expect(bucket).toHaveLength(1);
    expect(bucket[0]).toMatch(new RegExp(` 1 # \\{trace_id="${TRACE}"\\} 0\\.3 \\d+(\\.\\d+)?$`));
    expect(om.body.split('\n').filter((l) => l.includes('unsampled-test') && l.includes(' # {'))).toEqual([]);
    expect(om.body).toContain('# TYPE esi_jobs counter');
    expect(om.body).toMatch(/^esi_jobs_total\{[^}]*action="exemplar-test"[^}]*\} 1$/m);

    const text = await renderMetrics(false);
    expect(text.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text.body).not.toContain(' # {');
    expect(text.body).not.toContain('# EOF');
    expect(text.body).toContain('# TYPE esi_jobs_total counter');
    expect(text.body).toMatch(/^# HELP esi_jobs_total Jobs a worker finished/m);
    expect(text.body).toMatch(/^esi_job_duration_seconds_bucket\{[^}]*le="0\.5"[^}]*action="exemplar-test"[^}]*\} 1$/m);
  });

  it('turns OpenMetrics back into the classic format line by line', () => {
    const om = [
      '# HELP a_things Things.',
      '# TYPE a_things counter',
      'a_things_total{x="1"} 3',
      '# HELP b_seconds Time.',
      '# TYPE b_seconds histogram',
      'b_seconds_bucket{le="1"} 1 # {trace_id="abc"} 0.5 1700000000.1',
      'b_seconds_sum 0.5',
      '# HELP c_total_total Odd.',
      '# TYPE c_total_total counter',
      '# EOF',
      '',
    ].join('\n');
    expect(openMetricsToText(om)).toBe(
      ['# HELP a_things_total Things.', '# TYPE a_things_total counter', 'a_things_total{x="1"} 3', '# HELP b_seconds Time.', '# TYPE b_seconds histogram', 'b_seconds_bucket{le="1"} 1', 'b_seconds_sum 0.5', '# HELP c_total_total Odd.', '# TYPE c_total_total counter', ''].join('\n'),
    );
  });
});
