import { describe, expect, it } from 'vitest';
import { redactStatusJson } from './secret-values.js';

const secrets = new Set(['hunter22', 'public-community']);

describe('redactStatusJson', () => {
  it('masks secret-named members and scrubs secret values at any depth, inside JSON text too', () => {
    const monitoring = { items: [{ name: 'ae0', snmp: { community_name: 'public-community' }, status: 'UP' }], note: 'seen with hunter22' };
    const state = { state: { worker_state: 'CREATE_FAILED', heat_outputs: JSON.stringify([{ output_key: 'admin_password', output_value: 'hunter22' }]) }, error: 'auth hunter22' };
    expect(JSON.parse(redactStatusJson(JSON.stringify(monitoring), secrets))).toEqual({ items: [{ name: 'ae0', snmp: { community_name: '***' }, status: 'UP' }], note: 'seen with ***' });
    const out = JSON.parse(redactStatusJson(JSON.stringify(state), secrets)) as typeof state;
    expect(out.error).toBe('auth ***');
    expect(JSON.parse(out.state.heat_outputs)).toEqual([{ output_key: 'admin_password', output_value: '***' }]);
  });

  it('returns text without secrets byte for byte, and scrubs text that is not JSON', () => {
    const text = '{"state": {"worker_state": "CREATE_COMPLETED"}, "version": 1}';
    expect(redactStatusJson(text, secrets)).toBe(text);
    expect(redactStatusJson('', secrets)).toBe('');
    expect(redactStatusJson('not json hunter22', secrets)).toBe('not json ***');
  });
});
