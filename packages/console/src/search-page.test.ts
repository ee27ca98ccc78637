/** What a console search matches: id, name or worker state, without regard to case. */
import { expect, it } from 'vitest';
import type { api } from '@esi/contracts';
import { matches } from './search-page.js';

const resource = (id: string, body: unknown, state?: unknown): api.Resource => ({
  resourceType: 'network',
  id,
  version: 1,
  markedForDeletion: false,
  bodyJson: JSON.stringify(body),
  stateJson: state === undefined ? '' : JSON.stringify(state),
  monitoringJson: '',
});

it('matches the id, the name and the worker state, and nothing else', () => {
  const r = resource('net-7F3a', { name: 'Lab Network', tenant_id: 'acme' }, { state: { worker_state: 'CREATE_FAILED' }, version: 1 });
  expect(matches(r, 'f3A')).toBe(true);
  expect(matches(r, 'lab net')).toBe(true);
  expect(matches(r, 'failed')).toBe(true);
  expect(matches(r, 'acme'), 'the tenant has its own filter').toBe(false);
  expect(matches(resource('x', 'not an object'), 'x')).toBe(true);
  expect(matches(resource('x', '{broken'), 'broken')).toBe(false);
});
