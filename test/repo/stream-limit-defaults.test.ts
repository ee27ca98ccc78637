/**
 * The stream retention every service applies at start has one default, whether read
 * from the environment's spec (@esi/config) or used directly (@esi/messaging): they must
 * agree, or two services would each "correct" the streams to their own.
 */
import { describe, expect, it } from 'vitest';
import { commonSpec } from '@esi/config';
import { DEFAULT_STREAM_LIMITS } from '@esi/messaging';

describe('stream limit defaults', () => {
  it('the config spec and the messaging defaults say the same', () => {
    expect({
      maxAgeHours: commonSpec.streamMaxAgeHours.default,
      maxMessages: commonSpec.streamMaxMessages.default,
      maxMegabytes: commonSpec.streamMaxMegabytes.default,
    }).toEqual({ ...DEFAULT_STREAM_LIMITS });
  });
});
