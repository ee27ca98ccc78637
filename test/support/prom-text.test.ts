import { describe, expect, it } from 'vitest';
import { parsePromText, seriesNames, seriesUsedBy } from './prom-text.js';

describe('prom-text', () => {
  it('reads samples and the series a TYPE line promises', () => {
    const s = parsePromText(
      ['# HELP a_total x', '# TYPE a_total counter', 'a_total{x="1",y="a b"} 2', '# TYPE h_seconds histogram', '# TYPE g gauge', 'g 3', ''].join('\n'),
    );
    expect(s.samples).toEqual([
      { name: 'a_total', labels: { x: '1', y: 'a b' }, value: 2 },
      { name: 'g', labels: {}, value: 3 },
    ]);
    expect([...seriesNames(s)].sort()).toEqual(['a_total', 'g', 'h_seconds_bucket', 'h_seconds_count', 'h_seconds_sum']);
  });

  it('names the metrics and labels of a query, not its functions, ranges or strings', () => {
    expect(seriesUsedBy('histogram_quantile(0.95, sum by (le, handler) (rate(esi_job_duration_seconds_bucket[$__rate_interval])))')).toEqual({
      metrics: ['esi_job_duration_seconds_bucket'],
      labels: ['le', 'handler'],
    });
    expect(seriesUsedBy('sum(increase(esi_messages_handled_total{outcome="parked",consumer=~"x.*"}[$__range])) / max without (a) (other_total)')).toEqual({
      metrics: ['esi_messages_handled_total', 'other_total'],
      labels: ['outcome', 'consumer', 'a'],
    });
  });
});
