/**
 * Strict command lines, without a stack: an unknown option, or one the command does not
 * take, is a usage error naming it (exit 2, with the command's usage); every option the
 * usage text shows for a command is one it accepts; an unreachable api exits 3.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from './args.js';
import { EXIT } from './exit-codes.js';
import type { Io } from './io.js';
import { run, SPECS, USAGE, usageOf } from './run.js';

async function esictl(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    tty: false,
    readStdin: async () => '',
    readFile: () => '{}',
    onInterrupt: () => () => undefined,
  };
  // A closed port: nothing here may reach an api.
  const code = await run(argv, io, { ESI_API_ADDR: '127.0.0.1:9' });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('strict options', () => {
  it.each([
    [['get', 'network', 'n1', '--frob'], 'unknown option --frob'],
    [['--frob', 'get', 'network', 'n1'], 'unknown option --frob'],
    [['get', 'network', 'n1', '-x'], 'unknown option -x'],
    [['get', 'network', 'n1', '--all'], 'get does not take --all (it takes only the options every command takes)'],
    [['build', 'b.json', '--until', 'CREATE_COMPLETED'], 'build does not take --until (it takes --wait, --wait-timeout)'],
    [['progress', 'network', 'n1', '--wait'], 'progress does not take --wait (it takes --interval, --once, --follow)'],
    [['watch', 'network', '--once'], 'watch does not take --once'],
    [['plan', 'delete', 'network', 'n1', '--file', 'x.json'], 'plan delete does not take --file (it takes only the options every command takes)'],
    [['template', 'list', '--file', 'x.json'], 'template list does not take --file (it takes --handler)'],
    [['create', 'network', '--file', 'n.json', '--expect-version', '1'], 'create does not take --expect-version (it takes --file)'],
    [['build', 'b.json', '--wait=yes'], '--wait takes no value'],
    [['create', 'network', '--file'], '--file needs a value'],
    [['list', 'network', '--page-token', '--all'], '--page-token needs a value'],
    [['get', 'network', 'n1', 'n2'], 'unexpected argument "n2" for get'],
    [['explain', 'network'], 'missing resource id'],
    [['frobnicate'], 'unknown command "frobnicate"'],
  ])('esictl %j is a usage error: %s', async (argv, message) => {
    const r = await esictl(...argv);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toContain(`esictl: ${message}`);
    expect(r.out).toBe('');
  });

  it('names the command an unknown option was given to, with its usage', async () => {
    const r = await esictl('progress', 'network', 'n1', '--frob', 'x');
    expect(r.err.split('\n').slice(0, 3)).toEqual(['esictl: unknown option --frob', 'usage:', usageOf('progress')[0]]);
  });

  it("prints the command's own usage lines with its error", async () => {
    const r = await esictl('build', 'b.json', '--follow');
    expect(r.err.split('\n')).toEqual([
      'esictl: build does not take --follow (it takes --wait, --wait-timeout)',
      'usage:',
      ...usageOf('build'),
      '(esictl --help lists the commands and options)',
    ]);
    expect(usageOf('build')[0]).toMatch(/^ {2}build <file> \[--wait\] \[--wait-timeout MS\]$/);
  });

  it('takes options before or after the command, values with = or apart, and "--" ends them', () => {
    const a = parseCommandLine(['--addr', 'h:1', 'list', 'network', '--tenant=t1', '--all', '--json'], SPECS);
    expect([a.positional, Object.fromEntries(a.options), [...a.flags]]).toEqual([['list', 'network'], { addr: 'h:1', tenant: 't1' }, ['all', 'json']]);
    const b = parseCommandLine(['update', 'network', '--file', '-', '--', '--odd-id'], SPECS);
    expect([b.positional, b.options.get('file')]).toEqual([['update', 'network', '--odd-id'], '-']);
  });

  it('accepts every option the usage text shows for a command', async () => {
    const documented = USAGE.split('\n').filter((l) => /^ {2}[a-z]+ /.test(l) && !/^ {2}--/.test(l));
    expect(documented.length).toBeGreaterThan(15);
    for (const line of documented) {
      const [command, ...rest] = line.trim().split(/\s+/);
      const sub = /^[a-z]+$/.test(rest[0] ?? '') ? [rest[0]!] : [];
      const argv = [command!, ...sub];
      for (const m of line.matchAll(/--([a-z-]+)(?: ([^\s[\]-]\S*))?/g)) argv.push(`--${m[1]}`, ...(m[2] ? ['1'] : []));
      expect(() => parseCommandLine(argv, SPECS), line).not.toThrow();
    }
  });

  it('shows every option a command declares on its usage lines', () => {
    for (const [command, spec] of Object.entries(SPECS)) {
      const lines = usageOf(command);
      const parts = spec.subcommands ? Object.entries(spec.subcommands).map(([sub, s]) => [sub, s] as const) : [['', spec] as const];
      for (const [sub, s] of parts) {
        const text = lines.filter((l) => !sub || l.startsWith(`  ${command} ${sub}`)).join(' ');
        for (const option of Object.keys(s.options)) expect(text, `${command} ${sub}`).toContain(`--${option}`);
      }
    }
  });

  it('prints the usage with --help (exit 0) and without a command (exit 2, on stderr)', async () => {
    const help = await esictl('--help');
    expect([help.code, help.out]).toEqual([0, USAGE]);
    expect(help.out).toContain('exit codes');
    const none = await esictl();
    expect([none.code, none.out, none.err]).toEqual([2, '', USAGE]);
  });

  it('prints one command\'s usage with <command> --help, the whole usage for an unknown one', async () => {
    const plan = await esictl('plan', '--help');
    expect(plan.code).toBe(0);
    expect(plan.out).toContain(usageOf('plan').join('\n'));
    expect(plan.out).toContain('--addr HOST:PORT');
    expect(plan.out).not.toContain('template put');
    const sub = await esictl('template', 'put', '--help');
    expect(sub.out).toContain('template put --file F');
    expect((await esictl('frobnicate', '--help')).out).toBe(USAGE);
  });

  it('prints its version with --version', async () => {
    const v = await esictl('--version');
    expect([v.code, v.out]).toEqual([0, 'esictl 0.1.0']);
  });
});

describe('exit codes', () => {
  it('exits 3 when the api cannot be reached', async () => {
    const port = await closedPort();
    const r = await esictl('get', 'network', 'n1', '--addr', `127.0.0.1:${port}`, '--timeout', '5000');
    expect(r.code).toBe(EXIT.unavailable);
    expect(r.err).toMatch(/^esictl: UNAVAILABLE: /);
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
