import { describe, expect, it } from 'vitest';
import type { Io } from './io.js';
import { run, USAGE } from './run.js';
import { cliSpec } from './cli-env.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (l) => void out.push(l),
    err: (l) => void err.push(l),
    tty: false,
    readStdin: async () => '',
    readFile: () => '',
    onInterrupt: () => () => undefined,
  };
  return { io, out, err };
}

describe('esictl environment', () => {
  it('a bad variable is a usage error naming it, before any call; a secret is not echoed', async () => {
    const c = capture();
    const code = await run(['list', 'ports'], c.io, { ESI_API_ADDR: 'no-port-here', ESI_TOKEN: 'sekrit' });
    expect(code).toBe(2);
    expect(c.err.join('\n')).toContain('ESI_API_ADDR="no-port-here": expected host:port');
    expect(c.err.join('\n')).not.toContain('sekrit');
  });

  it('--help lists every variable the parser reads, with its default', () => {
    for (const field of Object.values(cliSpec)) expect(USAGE).toContain(field.env);
    expect(USAGE).toMatch(/ESI_API_ADDR\s+the api's gRPC address \(--addr\) \(default 127\.0\.0\.1:50051\)/);
  });
});
