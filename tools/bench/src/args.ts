/**
 * The bench's command line. Parsed strictly: a full run takes about eight minutes and
 * starts servers of its own, so a mistyped option (or `--help`) must answer at once
 * instead of being ignored and starting one.
 */
import { parseArgs } from 'node:util';

export const USAGE = `usage: pnpm bench [options]

Starts real nats-server and etcd and the five services on loopback, measures the raw
limits and the chain, and writes tools/bench/results/<date>[-quick][-LABEL].{md,json}.

  --quick            the short mode (about 1.5 minutes; full takes about 8)
  --profile          record CPU profiles of the services during the chain phase
  --label NAME       appended to the report's file name
  --scale SIZES      resources present in the scale phase, e.g. 1000,100000; none skips it
  --compare FILE     add a table of this run's headline figures beside FILE's (a .json report)
  --notes FILE       append FILE (hand-written findings) to the report
  --render FILE      only write FILE's .md again from FILE (a .json report); no run
  --keep-data        keep the servers' data and the services' logs
  --tsx              run the services through tsx (as pnpm start does) instead of
                     compiled to JavaScript (as the production image runs them)
  -h, --help         print this and exit`;

export interface BenchArgs {
  quick: boolean;
  profile: boolean;
  label?: string;
  /** undefined: the mode's sizes; []: no scale phase. */
  scaleSizes?: number[];
  compareFile?: string;
  notesFile?: string;
  renderFile?: string;
  keepData: boolean;
  /** Run the services through tsx instead of compiled (the default, as the image runs them). */
  tsx: boolean;
  help: boolean;
}

export class UsageError extends Error {}

export function parseBenchArgs(argv: string[]): BenchArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        quick: { type: 'boolean', default: false },
        profile: { type: 'boolean', default: false },
        label: { type: 'string' },
        scale: { type: 'string' },
        compare: { type: 'string' },
        notes: { type: 'string' },
        render: { type: 'string' },
        'keep-data': { type: 'boolean', default: false },
        tsx: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values;
  if (v.label !== undefined && !/^[A-Za-z0-9._-]+$/.test(v.label)) {
    // It becomes part of a file name under results/.
    throw new UsageError(`--label ${JSON.stringify(v.label)}: use letters, digits, '.', '_' or '-'`);
  }
  return {
    quick: v.quick,
    profile: v.profile,
    label: v.label,
    scaleSizes: v.scale === undefined ? undefined : parseSizes(v.scale),
    compareFile: v.compare,
    notesFile: v.notes,
    renderFile: v.render,
    keepData: v['keep-data'],
    tsx: v.tsx,
    help: v.help,
  };
}

function parseSizes(text: string): number[] {
  if (text === 'none') return [];
  return text.split(',').map((part) => {
    if (!/^[1-9][0-9]*$/.test(part.trim())) {
      throw new UsageError(`--scale ${JSON.stringify(text)}: give sizes as positive whole numbers separated by commas (e.g. 1000,100000), or none`);
    }
    return Number(part.trim());
  });
}
