/** The client the command talks through: address, TLS and token from flags or env. */
import { readFileSync } from 'node:fs';
import { resourceClient, type ResourceClient } from '@esi/client';
import type { Args } from './args.js';
import { UsageError } from './args.js';

export const DEFAULT_ADDR = '127.0.0.1:50051';

export function connect(args: Args, env: NodeJS.ProcessEnv): ResourceClient {
  const addr = args.options.get('addr') ?? env.ESI_API_ADDR ?? DEFAULT_ADDR;
  const token = args.options.get('token') ?? env.ESI_TOKEN ?? '';
  const caFile = args.options.get('ca') ?? env.ESI_API_CA ?? '';
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
