/**
 * Creates (or updates) the JetStream streams of the registry. Every service calls it at
 * start, so start order does not matter.
 */
import { RetentionPolicy, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import { STREAMS, type StreamSpec } from '@esi/contracts';

/** Window in which a republished Nats-Msg-Id is dropped. */
export const DUPLICATE_WINDOW_NS = 5 * 60 * 1_000_000_000;

export function streamName(spec: StreamSpec, prefix: string): string {
  return `${prefix}${spec.name}`;
}

/** Subjects are prefixed too when a prefix is set, so test stacks can share one server. */
export function prefixedSubject(subject: string, prefix: string): string {
  return prefix ? `${prefix.toLowerCase()}.${subject}` : subject;
}

export async function ensureStreams(jsm: JetStreamManager, prefix: string): Promise<void> {
  for (const spec of Object.values(STREAMS)) {
    const config = {
      name: streamName(spec, prefix),
      subjects: spec.subjects.map((s) => prefixedSubject(s, prefix)),
      retention: spec.retention === 'workqueue' ? RetentionPolicy.Workqueue : RetentionPolicy.Limits,
      storage: StorageType.File,
      duplicate_window: DUPLICATE_WINDOW_NS,
    };
    try {
      await jsm.streams.info(config.name);
      await jsm.streams.update(config.name, config);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      try {
        await jsm.streams.add(config);
      } catch (addErr) {
        // Another service created it between our info and add.
        if (!/already in use|exists/i.test(String(addErr))) throw addErr;
      }
    }
  }
}

function isNotFound(err: unknown): boolean {
  return /not found/i.test(String((err as Error)?.message ?? err));
}
