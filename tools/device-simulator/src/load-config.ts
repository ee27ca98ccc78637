/** Reads a simulator config file (JSON; see examples/lab.json). */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSimulatorConfig, type SimulatorConfig } from './config.js';
import { SimulatorConfigError } from './errors.js';

export const EXAMPLE_CONFIG = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'lab.json');

export function loadSimulatorConfig(file: string): SimulatorConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SimulatorConfigError(`${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return parseSimulatorConfig(raw);
  } catch (err) {
    throw new SimulatorConfigError(`${file}: ${(err as Error).message}`, { cause: err });
  }
}
