/**
 * The environment etcd and nats-server start with. Both are Go programs, and Go's
 * scheduler runs Go code on as many threads at once as the machine has cores, keeping
 * idle ones spinning a while for work that may come. Wherever these servers start here
 * (`pnpm start`, the bench, every test) they share the machine with the five Node
 * services, so those threads compete with the services for the same cores while neither
 * server needs more than part of one: at the bench's peak on the 2-core machine etcd used
 * about 45 % of a core and nats-server 25 %.
 *
 * Measured (docs/throughput-plan.md, session 18): with GOMAXPROCS=1 on 2 cores, etcd's
 * and nats-server's CPU per resource fell by about 14 % against the services' in the same
 * runs (four quick runs against five). So they get half the cores, at least one; a
 * GOMAXPROCS already set in the environment is kept.
 */
import { availableParallelism } from 'node:os';

export function goServerEnv(env: NodeJS.ProcessEnv, cores: number = availableParallelism()): NodeJS.ProcessEnv {
  if (env['GOMAXPROCS']?.trim()) return env;
  return { ...env, GOMAXPROCS: String(Math.max(1, Math.floor(cores / 2))) };
}
