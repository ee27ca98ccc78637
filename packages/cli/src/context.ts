/** What every command gets. */
import type { ResourceClient } from '@esi/client';
import type { Args } from './args.js';
import type { CliEnv } from './cli-env.js';
import type { Io } from './io.js';

export interface Ctx {
  args: Args;
  io: Io;
  client: ResourceClient;
  /** The environment as parsed (cli-env.ts); a flag wins over it. */
  env: CliEnv;
  /** --json: machine-readable output (one document, or one per line for live views). */
  json: boolean;
  /** --timeout: deadline of each unary call, ms. */
  timeoutMs: number;
}

export function printJson(ctx: Ctx, value: unknown): void {
  ctx.io.out(JSON.stringify(value, null, ctx.io.tty ? 2 : undefined));
}
