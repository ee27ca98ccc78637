/** The client the command talks through: address, TLS and token from flags, else the environment (cli-env.ts). */
import { readFileSync } from 'node:fs';
import { resourceClient, type ResourceClient } from '@esi/client';
import type { Args } from './args.js';
import { UsageError } from './args.js';
import type { CliEnv } from './cli-env.js';

export function connect(args: Args, env: CliEnv): ResourceClient {
  const addr = args.options.get('addr') ?? env.apiAddr;
  const token = args.options.get('token') ?? env.token;
  const caFile = args.options.get('ca') ?? env.caFile;
  const tls = args.flags.has('tls') || caFile !== '';
  let ca: Buffer | undefined;
  if (caFile) {
    try {
      ca = readFileSync(caFile);
    } catch (err) {
      throw new UsageError(`cannot read --ca ${caFile}: ${(err as Error).message}`);
    }
  }
  const serverName = args.options.get('server-name');
  return resourceClient(addr, { token: token || undefined, tls: tls ? { ca, serverName } : false });
}
