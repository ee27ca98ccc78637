/** esictl: parses the command line, runs one command, maps failures to exit codes. */
import { status, type ServiceError } from '@grpc/grpc-js';
import { intOption, parseArgs, UsageError, type Args } from './args.js';
import { connect } from './connect.js';
import type { Ctx } from './context.js';
import type { Io } from './io.js';
import { build } from './commands/build.js';
import { explain } from './commands/explain.js';
import { history } from './commands/history.js';
import { plan } from './commands/plan.js';
import { progress } from './commands/progress.js';
import { create, get, list, remove, retry, update } from './commands/resources.js';
import { replay } from './commands/replay.js';
import { template } from './commands/templates.js';
import { watch } from './commands/watch.js';
import { trace } from './commands/trace.js';

export const USAGE = `usage: esictl [options] <command> …

resources
  create <type> --file F                 create from a JSON or YAML file (- reads stdin)
  update <type> <id> --file F [--expect-version N]
                                         merge F over the body; refused if the version moved
  delete <type> <id>                     mark for deletion; the key goes at DELETE_COMPLETED
  retry <type> <id>                      run the failed (or parked) workflow of this version again
  get <type> <id>
  list <type> [--tenant T] [--page-size N] [--page-token P] [--all]
  build <file> [--wait] [--wait-timeout MS]
                                         submit a build (packages/catalog/examples) in order;
                                         --wait follows every resource until it settles
following
  watch <type> [<id>] [--current] [--from-revision N] [--until STATE]
                                         config, state and monitoring changes as they happen
  progress <type> <id> [--interval MS] [--once] [--follow]
                                         live view of the resource's job DAG until it settles
  explain <type> <id>                    its jobs, and what each waiting job waits for
  history <type> <id> [--limit N]        its events from the streams, oldest first
  trace <type> <id> [--jaeger URL] [--spans FILE] [--trace-id T]
                                         its latest change's trace as a tree with timings, from
                                         Jaeger (ESI_JAEGER_URL) or pnpm start's span file
previews
  plan create <type> [<id>] --file F     the jobs a create would plan (nothing is written)
  plan update <type> <id> --file F
  plan delete <type> <id>
  plan template [<id>] [--file F] [--sample F]
                                         who uses a template; whether a new body is accepted
conformance
  replay --catalog DIR [--relations FILE] [--etcd URL] FILE...
                                         load a catalog (and relations table), replay recorded
                                         /config writes in order, report differences
templates
  template put --file F [--sample F] [--expect-version N]
  template get <id>
  template list [--handler heat_worker|monitoring_worker]

options
  --addr HOST:PORT   api address (ESI_API_ADDR, default 127.0.0.1:50051)
  --token T          bearer token (ESI_TOKEN)
  --tls              use TLS; --ca FILE (ESI_API_CA) to verify the server's certificate
  --json             machine-readable output (live views: one JSON document per line)
  --timeout MS       deadline of each call (default 30000)
`;

type Command = (ctx: Ctx) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  create,
  update,
  delete: remove,
  retry,
  get,
  list,
  build,
  watch,
  progress,
  explain,
  history,
  plan,
  template,
  trace,
  replay: (ctx) => replay(ctx),
};

/** Runs one esictl invocation; returns the exit code (0 ok, 1 failed, 2 usage). */
export async function run(argv: string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let args: Args;
  let ctx: Ctx | undefined;
  try {
    args = parseArgs(argv);
    const name = args.positional[0];
    if (!name || args.flags.has('help')) {
      io.out(USAGE);
      return name || args.flags.has('help') ? 0 : 2;
    }
    const command = COMMANDS[name];
    if (!command) throw new UsageError(`unknown command "${name}"`);
    ctx = { args, io, client: connect(args, env), json: args.flags.has('json'), timeoutMs: intOption(args, 'timeout', 30_000) };
    return await command(ctx);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`esictl: ${err.message}\n(esictl --help lists the commands)`);
      return 2;
    }
    const se = err as Partial<ServiceError>;
    if (typeof se.code === 'number') {
      const field = se.metadata?.get('esi-field')[0];
      if (ctx?.json) io.err(JSON.stringify({ error: { code: status[se.code], details: se.details, field: field ?? null } }));
      else io.err(`esictl: ${status[se.code] ?? se.code}: ${se.details}`);
      return 1;
    }
    io.err(`esictl: ${(err as Error).message}`);
    return 1;
  } finally {
    ctx?.client.close();
  }
}
