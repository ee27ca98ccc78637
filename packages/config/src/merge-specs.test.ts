import { describe, expect, it } from 'vitest';
import { commonSpec, mergeSpecs, parseConfig, parsers } from './index.js';

describe('mergeSpecs', () => {
  it('joins specs whose keys and variables are distinct', () => {
    const spec = mergeSpecs(commonSpec, { port: { env: 'PORT', default: 1, parse: parsers.int(1, 65535) } });
    const config = parseConfig(spec, { PORT: '8080' });
    expect(config.port).toBe(8080);
    expect(config.natsServers).toEqual(['nats://127.0.0.1:4222']);
  });

  it('refuses a key declared twice', () => {
    expect(() => mergeSpecs(commonSpec, { ackWaitSeconds: { env: 'ESI_OTHER_ACK_WAIT', default: 1, parse: parsers.int() } })).toThrow(
      /"ackWaitSeconds" is declared twice/,
    );
  });

  it('refuses one variable read under two keys', () => {
    expect(() => mergeSpecs(commonSpec, { heatAckWait: { env: 'ESI_ACK_WAIT_SECONDS', default: 120, parse: parsers.int() } })).toThrow(
      /ESI_ACK_WAIT_SECONDS is read twice, as "ackWaitSeconds" and as "heatAckWait"/,
    );
  });
});
