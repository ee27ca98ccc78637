/** The parts of Heat's stack representation the client reads and writes. */
import type { HeatOutput } from '@esi/contracts';

export interface HeatStack {
  readonly id: string;
  readonly name: string;
  /** e.g. CREATE_IN_PROGRESS, UPDATE_COMPLETE, DELETE_FAILED. */
  readonly status: string;
  readonly reason: string;
  /** In the order Heat listed them. */
  readonly outputs: HeatOutput[];
  readonly tags: string[];
  readonly timeoutMins: number | undefined;
  readonly updatedTime: string | undefined;
}

export interface StackSpec {
  readonly name: string;
  /** Rendered HOT text; Heat takes YAML or JSON as a string. */
  readonly template: string;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly timeoutMins?: number;
  readonly tags?: readonly string[];
}

export type StackAction = 'CREATE' | 'UPDATE' | 'DELETE';

export function isSettled(status: string): boolean {
  return status.endsWith('_COMPLETE') || status.endsWith('_FAILED');
}

export function isInProgress(status: string): boolean {
  return status.endsWith('_IN_PROGRESS');
}

interface RawOutput {
  output_key?: unknown;
  output_value?: unknown;
  output_error?: unknown;
  description?: unknown;
}

interface RawStack {
  id?: unknown;
  stack_name?: unknown;
  stack_status?: unknown;
  stack_status_reason?: unknown;
  outputs?: unknown;
  tags?: unknown;
  timeout_mins?: unknown;
  updated_time?: unknown;
}

/** Reads `{"stack": {...}}` from a show response into a HeatStack. */
export function stackFromBody(body: unknown): HeatStack {
  const raw = ((body as { stack?: RawStack } | undefined)?.stack ?? {}) as RawStack;
  const outputs = Array.isArray(raw.outputs) ? (raw.outputs as RawOutput[]).map(outputFromRaw) : [];
  return {
    id: String(raw.id ?? ''),
    name: String(raw.stack_name ?? ''),
    status: String(raw.stack_status ?? ''),
    reason: typeof raw.stack_status_reason === 'string' ? raw.stack_status_reason : '',
    outputs,
    tags: Array.isArray(raw.tags) ? raw.tags.map(String) : typeof raw.tags === 'string' && raw.tags ? raw.tags.split(',') : [],
    timeoutMins: typeof raw.timeout_mins === 'number' ? raw.timeout_mins : undefined,
    updatedTime: typeof raw.updated_time === 'string' ? raw.updated_time : undefined,
  };
}

function outputFromRaw(raw: RawOutput): HeatOutput {
  const output: HeatOutput = {
    output_value: raw.output_value ?? null,
    description: typeof raw.description === 'string' ? raw.description : 'No description given',
    output_key: String(raw.output_key ?? ''),
  };
  if (typeof raw.output_error === 'string') {
    // Rebuilt so output_error sits after output_value, as the embedded engine writes it.
    return { output_value: null, output_error: raw.output_error, description: output.description, output_key: output.output_key };
  }
  return output;
}
