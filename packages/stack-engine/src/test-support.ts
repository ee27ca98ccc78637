// Helpers shared by this package's tests only (not exported from index.ts).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProviderContext, ResourceProvider } from './providers/types.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The read-only reference data beside the checkout (never copied into the project). */
export function referenceDir(): string {
  return process.env.ESI_REFERENCE_DIR ?? path.resolve(repoRoot, '../shared/reference');
}

export interface CatalogTemplate {
  readonly id: string;
  readonly handler: string;
  readonly templateFile: string;
  readonly parameterMappings: Record<string, unknown>;
}

/** Every G1 catalog entry whose handler is heat_worker, by id. */
export function heatWorkerTemplates(): CatalogTemplate[] {
  const dir = path.join(referenceDir(), 'templates', 'g1');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const stored = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { body: string };
      const body = JSON.parse(stored.body) as {
        handler: string;
        template_file: string;
        parameter_mappings: Record<string, unknown>;
      };
      return {
        id: file.replace(/\.json$/, ''),
        handler: body.handler,
        templateFile: body.template_file,
        parameterMappings: body.parameter_mappings,
      };
    })
    .filter((t) => t.handler === 'heat_worker');
}

export function catalogTemplate(id: string): CatalogTemplate {
  const found = heatWorkerTemplates().find((t) => t.id === id);
  if (!found) throw new Error(`no heat_worker template ${id} in ${referenceDir()}`);
  return found;
}

export function readScenario(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(referenceDir(), 'scenarios', 'g1-inet', file), 'utf8')) as Record<string, unknown>;
}

export interface Call {
  readonly op: 'create' | 'update' | 'delete';
  readonly resource: string;
  readonly properties?: Record<string, unknown>;
}

/** A provider that records every call in `calls` (shared across providers for ordering checks). */
export function recordingProvider(
  type: string,
  calls: Call[],
  behaviour: {
    delayMs?: number;
    failOn?: (op: Call['op'], resource: string) => Error | undefined;
    inPlace?: boolean;
    signals?: AbortSignal[];
  } = {},
): ResourceProvider {
  let counter = 0;
  const step = async (op: Call['op'], ctx: ProviderContext, properties?: Record<string, unknown>): Promise<void> => {
    calls.push(properties === undefined ? { op, resource: ctx.resourceName } : { op, resource: ctx.resourceName, properties });
    behaviour.signals?.push(ctx.signal);
    if (behaviour.delayMs) await new Promise((r) => setTimeout(r, behaviour.delayMs));
    const error = behaviour.failOn?.(op, ctx.resourceName);
    if (error) throw error;
  };
  const provider: ResourceProvider = {
    type,
    async create(properties, ctx) {
      await step('create', ctx, properties);
      counter += 1;
      return { physicalId: `${ctx.resourceName}-${counter}`, attributes: { ...properties, nested: { deep: [10, 20] } } };
    },
    async delete(_current, ctx) {
      await step('delete', ctx);
    },
  };
  if (behaviour.inPlace === false) return provider;
  return {
    ...provider,
    async update(current, properties, ctx) {
      await step('update', ctx, properties);
      return { physicalId: current.physicalId, attributes: { ...properties, nested: { deep: [10, 20] } } };
    },
  };
}
