/**
 * Spans kept in a JSON-lines file, one span a line, for machines without a tracing UI.
 * When the file passes `maxBytes` it becomes `<file>.1` (replacing an older one), so a
 * long-running local stack keeps roughly the last two files' worth of traces.
 */
import { appendFile, mkdir, readFile, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TraceSpan } from './span.js';

export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

export class SpanFile {
  /** Appends run one after another, so lines never interleave. */
  private tail: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly maxBytes = DEFAULT_MAX_BYTES,
  ) {}

  append(spans: TraceSpan[]): Promise<void> {
    if (spans.length === 0) return this.tail;
    const text = spans.map((s) => JSON.stringify(s)).join('\n') + '\n';
    this.tail = this.tail.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      const size = await stat(this.path).then((s) => s.size, () => 0);
      if (size > 0 && size + text.length > this.maxBytes) await rename(this.path, `${this.path}.1`);
      await appendFile(this.path, text);
    });
    return this.tail;
  }
}

/** Every span in the file and its rotated predecessor; unreadable lines are skipped. */
export async function readSpanFile(path: string): Promise<TraceSpan[]> {
  const out: TraceSpan[] = [];
  for (const p of [`${path}.1`, path]) {
    const text = await readFile(p, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    });
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        out.push(JSON.parse(line) as TraceSpan);
      } catch {
        // A line cut by a crash mid-write.
      }
    }
  }
  return out;
}
