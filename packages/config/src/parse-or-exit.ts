import { ConfigError } from './errors.js';
import { parseConfig, type Check, type Env, type Spec } from './parse-env.js';

/**
 * The settings of a program's entry point, or exit 2 with what is wrong, each problem
 * on stderr after `prefix` (the message only: problems are written not to show secret
 * values). For launchers; services go through runService, which logs the same as JSON.
 */
export function parseConfigOrExit<C>(spec: Spec<C>, env: Env, prefix: string, checks: readonly Check<C>[] = []): Readonly<C> {
  try {
    return parseConfig(spec, env, checks);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`${prefix} ${err.message}`);
    process.exit(2);
  }
}
