/**
 * The command line, parsed strictly: node:util parseArgs refuses unknown options and
 * misplaced values, then each command's declared options are checked, so a flag a
 * command does not take is an error naming it rather than silently ignored.
 */
import { parseArgs as parseArgv } from 'node:util';

export interface Args {
  positional: string[];
  options: Map<string, string>;
  flags: Set<string>;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** The command whose usage lines to print with the error, when known. */
  command?: string;
}

/** An option's kind: a flag, or one that takes a value. */
export type OptionTypes = Record<string, 'boolean' | 'string'>;

/** What a command (or one of its subcommands) accepts. */
export interface CommandSpec {
  options: OptionTypes;
  /** Most positionals after the command's name (a subcommand counts); undefined: any number. */
  maxArgs?: number;
  /** By the first positional after the command's name (`plan create`, `template put`). */
  subcommands?: Record<string, CommandSpec>;
}

/** Options every command takes. */
export const GLOBAL_OPTIONS: OptionTypes = {
  addr: 'string',
  token: 'string',
  tls: 'boolean',
  ca: 'string',
  'server-name': 'string',
  timeout: 'string',
  json: 'boolean',
  help: 'boolean',
  version: 'boolean',
};

/**
 * Parses argv against every option any command declares (so an option's kind is known
 * wherever it appears, before or after the command's name), then checks the options
 * given against the command's own declaration.
 */
export function parseCommandLine(argv: string[], specs: Record<string, CommandSpec>): Args {
  const all = mergeOptions([GLOBAL_OPTIONS, ...Object.values(specs).flatMap(optionSets)]);
  let parsed: ReturnType<typeof parseArgv>;
  try {
    parsed = parseArgv({
      args: argv,
      options: optionConfig(all),
      strict: true,
      allowPositionals: true,
      tokens: true,
    });
  } catch (err) {
    const e = new UsageError(parseErrorText(err as Error & { code?: string }));
    // Read leniently only to tell which command's usage to print with the error.
    const guess = parseArgv({ args: argv, options: optionConfig(all), strict: false, allowPositionals: true }).positionals[0];
    if (guess !== undefined && guess in specs) e.command = guess;
    throw e;
  }
  const out: Args = { positional: parsed.positionals, options: new Map(), flags: new Set() };
  const command = out.positional[0];
  const spec = command === undefined ? undefined : specs[command];
  const sub = spec?.subcommands?.[out.positional[1] ?? ''];
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option') continue;
    const { name } = token;
    if (spec && !(name in GLOBAL_OPTIONS)) {
      // An unknown subcommand is the command's own error; until then any of its options pass.
      const allowed = sub ? sub.options : spec.subcommands ? mergeOptions(optionSets(spec)) : spec.options;
      if (!(name in allowed)) {
        const label = sub ? `${command} ${out.positional[1]}` : command!;
        const takes = Object.keys(allowed).map((o) => `--${o}`);
        const e = new UsageError(`${label} does not take --${name} (${takes.length ? `it takes ${takes.join(', ')}` : 'it takes only the options every command takes'})`);
        e.command = command;
        throw e;
      }
    }
    if (token.value === undefined) out.flags.add(name);
    else out.options.set(name, token.value);
  }
  const maxArgs = sub ? sub.maxArgs : spec?.maxArgs;
  if (maxArgs !== undefined && out.positional.length > maxArgs + 1) {
    const e = new UsageError(`unexpected argument "${out.positional[maxArgs + 1]}" for ${command}`);
    e.command = command;
    throw e;
  }
  return out;
}

function optionConfig(all: OptionTypes): Record<string, { type: 'boolean' | 'string'; short?: string }> {
  return Object.fromEntries(Object.entries(all).map(([name, type]) => [name, name === 'help' ? { type, short: 'h' } : { type }]));
}

function optionSets(spec: CommandSpec): OptionTypes[] {
  return [spec.options, ...Object.values(spec.subcommands ?? {}).flatMap(optionSets)];
}

function mergeOptions(sets: OptionTypes[]): OptionTypes {
  const all: OptionTypes = {};
  for (const set of sets) {
    for (const [name, type] of Object.entries(set)) {
      // One name, one kind: otherwise "--x y" would parse differently per command.
      if (all[name] && all[name] !== type) throw new Error(`option --${name} is declared both as ${all[name]} and as ${type}`);
      all[name] = type;
    }
  }
  return all;
}

/** parseArgs' messages, shortened to what a person needs. */
function parseErrorText(err: Error & { code?: string }): string {
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const name = /'([^']+)'/.exec(err.message)?.[1];
    if (name) return `unknown option ${name}`;
  }
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = /'(--?[\w-]+)/.exec(err.message)?.[1];
    // The code above already said what failed; its wording is only shortened here.
    /* eslint-disable no-restricted-syntax */
    if (name && /does not take an argument/.test(err.message)) return `${name} takes no value`;
    if (name && /argument missing|ambiguous/.test(err.message)) return `${name} needs a value (one starting with "-" as ${name}=VALUE)`;
    /* eslint-enable no-restricted-syntax */
  }
  return err.message;
}

export function intOption(args: Args, name: string, fallback: number): number {
  const raw = args.options.get(name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${name} must be a non-negative integer`);
  return Number(raw);
}

export function need(args: Args, index: number, what: string): string {
  const v = args.positional[index];
  if (!v) {
    const e = new UsageError(`missing ${what}`);
    e.command = args.positional[0];
    throw e;
  }
  return v;
}
