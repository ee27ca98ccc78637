/** esictl: parses the command line, runs one command, maps failures to exit codes. */
import { status, type ServiceError } from '@grpc/grpc-js';
import { intOption, parseCommandLine, UsageError, type Args, type CommandSpec } from './args.js';
import { ConfigError, describeSpec, parseConfig } from '@esi/config';
import { cliSpec } from './cli-env.js';
import { connect } from './connect.js';
import type { Ctx } from './context.js';
import type { Io } from './io.js';
import { build, buildSpec } from './commands/build.js';
import { explain, explainSpec } from './commands/explain.js';
import { history, historySpec } from './commands/history.js';
import { plan, planSpec } from './commands/plan.js';
import { progress, progressSpec } from './commands/progress.js';
import { create, createSpec, get, list, listSpec, oneResourceSpec, remove, retry, update, updateSpec } from './commands/resources.js';
import { replay, replaySpec } from './commands/replay.js';
import { template, templateSpec } from './commands/templates.js';
import { watch, watchSpec } from './commands/watch.js';
import { trace, traceSpec } from './commands/trace.js';
import { errorField } from './error-field.js';
import { EXIT } from './exit-codes.js';
import { VERSION } from './version.js';

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
  replay --catalog DIR [--relations FILE] [--etcd URL] [--state-timeout MS] FILE...
                                         load a catalog (and relations table), replay recorded
                                         /config writes in order, report differences
templates
  template put --file F [--sample F] [--expect-version N]
  template get <id>
  template list [--handler heat_worker|monitoring_worker]

options
  --addr HOST:PORT   api address
  --token T          bearer token
  --tls              use TLS; --ca FILE to verify the server's certificate,
                     --server-name N when it names another host than --addr
  --json             machine-readable output (live views: one JSON document per line)
  --timeout MS       deadline of each call (default 30000)
  --help             this text; after a command, that command's usage only
  --version          esictl's version

environment (a flag wins over its variable)
${describeSpec(cliSpec).join('\n')}

exit codes
  0  done; every resource followed settled without failing
  1  the api refused or failed the call, a resource ended *_FAILED (build --wait, progress,
     watch --until: each named on stderr with its error), a wait ran out, a plan would fail
  2  the command line was wrong (unknown command, unknown option, or one the command does not
     take), or an environment variable did not parse
  3  the api could not be reached, or could not reach etcd or NATS (UNAVAILABLE): worth retrying
`;

type Command = (ctx: Ctx) => Promise<number>;

/** Each command with the options it declares; any other option is a usage error. */
const COMMANDS: Record<string, { run: Command; spec: CommandSpec }> = {
  create: { run: create, spec: createSpec },
  update: { run: update, spec: updateSpec },
  delete: { run: remove, spec: oneResourceSpec },
  retry: { run: retry, spec: oneResourceSpec },
  get: { run: get, spec: oneResourceSpec },
  list: { run: list, spec: listSpec },
  build: { run: build, spec: buildSpec },
  watch: { run: watch, spec: watchSpec },
  progress: { run: progress, spec: progressSpec },
  explain: { run: explain, spec: explainSpec },
  history: { run: history, spec: historySpec },
  plan: { run: plan, spec: planSpec },
  template: { run: template, spec: templateSpec },
  trace: { run: trace, spec: traceSpec },
  replay: { run: replay, spec: replaySpec },
};

export const SPECS = Object.fromEntries(Object.entries(COMMANDS).map(([name, c]) => [name, c.spec]));

/** Runs one esictl invocation; returns the exit code (EXIT, exit-codes.ts). */
export async function run(argv: string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let args: Args;
  let ctx: Ctx | undefined;
  try {
    args = parseCommandLine(argv, SPECS);
    const name = args.positional[0];
    if (args.flags.has('version')) {
      io.out(`esictl ${VERSION}`);
      return EXIT.ok;
    }
    if (args.flags.has('help')) {
      // `esictl plan --help`: that command's lines and the options every command takes.
      io.out(name && name in COMMANDS ? commandHelp(name) : USAGE);
      return EXIT.ok;
    }
    if (!name) {
      io.err(USAGE);
      return EXIT.usage;
    }
    const command = COMMANDS[name];
    if (!command) throw new UsageError(`unknown command "${name}"`);
    const cliEnv = parseConfig(cliSpec, env);
    ctx = { args, io, env: cliEnv, client: connect(args, cliEnv), json: args.flags.has('json'), timeoutMs: intOption(args, 'timeout', 30_000) };
    return await command.run(ctx);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(`esictl: ${err.message}`);
      return EXIT.usage;
    }
    if (err instanceof UsageError) {
      const lines = err.command ? usageOf(err.command) : [];
      io.err(`esictl: ${err.message}\n${lines.length ? `usage:\n${lines.join('\n')}\n` : ''}(esictl --help lists the commands and options)`);
      return EXIT.usage;
    }
    const se = err as Partial<ServiceError>;
    if (typeof se.code === 'number') {
      const field = errorField(se.metadata);
      if (ctx?.json) io.err(JSON.stringify({ error: { code: status[se.code], details: se.details, field: field ?? null } }));
      else io.err(`esictl: ${status[se.code] ?? se.code}: ${se.details}`);
      return se.code === status.UNAVAILABLE ? EXIT.unavailable : EXIT.failed;
    }
    io.err(`esictl: ${(err as Error).message}`);
    return EXIT.failed;
  } finally {
    ctx?.client.close();
  }
}

/** The help of one command: its usage lines, the options every command takes, the exit codes. */
export function commandHelp(name: string): string {
  const common = USAGE.slice(USAGE.indexOf('\noptions\n') + 1);
  return `usage: esictl [options] …\n\n${usageOf(name).join('\n')}\n\n${common}`;
}

/** The lines of USAGE about one command (its continuation lines included). */
export function usageOf(name: string): string[] {
  const lines: string[] = [];
  let inside = false;
  for (const line of USAGE.split('\n')) {
    if (line.startsWith(`  ${name} `) || line === `  ${name}`) inside = true;
    else if (!/^ {10,}\S/.test(line)) inside = false;
    if (inside) lines.push(line);
  }
  return lines;
}
