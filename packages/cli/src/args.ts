/** A small argv parser: positionals, `--name value`, `--name=value` and boolean flags. */
export interface Args {
  positional: string[];
  options: Map<string, string>;
  flags: Set<string>;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Flags that take no value. */
const BOOLEAN = new Set(['json', 'tls', 'current', 'all', 'once', 'follow', 'wait', 'help']);

export function parseArgs(argv: string[]): Args {
  const out: Args = { positional: [], options: new Map(), flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.positional.push(...argv.slice(i + 1));
      break;
    }
    if (a === '-h') {
      out.flags.add('help');
      continue;
    }
    if (!a.startsWith('--') || a === '--') {
      out.positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (BOOLEAN.has(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      out.flags.add(name);
    } else if (eq >= 0) out.options.set(name, a.slice(eq + 1));
    else {
      const v = argv[i + 1];
      if (v === undefined) throw new UsageError(`--${name} needs a value`);
      out.options.set(name, v);
      i++;
    }
  }
  return out;
}

export function intOption(args: Args, name: string, fallback: number): number {
  const raw = args.options.get(name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${name} must be a non-negative integer`);
  return Number(raw);
}

export function need(args: Args, index: number, what: string): string {
  const v = args.positional[index];
  if (!v) throw new UsageError(`missing ${what}`);
  return v;
}
