/**
 * Creates (or updates) the JetStream streams of the registry. Every service calls it at
 * start, so start order does not matter.
 */
import { DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import { DEFAULT_STREAM_RETENTION } from '@esi/config';
import { STREAMS, type StreamSpec } from '@esi/contracts';
import { isJetStreamSettling, isStreamNameInUse, isStreamNotFound } from './errors.js';

/** Window in which a republished Nats-Msg-Id is dropped. */
export const DUPLICATE_WINDOW_NS = 5 * 60 * 1_000_000_000;

/**
 * How much a stream keeps. Every stream is capped in age and in message count, so a
 * flood of changes (or a stalled consumer) cannot fill the server's disk; past a cap the
 * oldest messages go (discard old). A byte cap is there too, off by default: nats-server
 * reserves a stream's whole byte cap as file storage when it creates the stream, so a
 * default cap would make every stack claim gigabytes of disk it never uses. What that can cost is bounded: etcd is the record of every
 * change, the planner's resync plans what a dropped config or result event would have,
 * and a dropped work message is dispatched again (docs/guarantees.md); only History
 * reaches back less far.
 */
export interface StreamLimits {
  maxAgeHours: number;
  /** Per stream. */
  maxMessages: number;
  /** Per stream; 0 = none. The server reserves this much file storage for each stream it creates. */
  maxMegabytes: number;
}

/** The retention a service applies when its environment says nothing: the defaults of @esi/config's spec. */
export const DEFAULT_STREAM_LIMITS: StreamLimits = DEFAULT_STREAM_RETENTION;

export function streamName(spec: StreamSpec, prefix: string): string {
  return `${prefix}${spec.name}`;
}

/** Subjects are prefixed too when a prefix is set, so test stacks can share one server. */
export function prefixedSubject(subject: string, prefix: string): string {
  return prefix ? `${prefix.toLowerCase()}.${subject}` : subject;
}

/**
 * Retries a JetStream admin call while the cluster is still electing its leaders (a fresh
 * or degraded cluster answers "no suitable peers", "temporarily unavailable", timeouts).
 * Two minutes: a three-node cluster started beside its services on a busy machine was
 * seen to take more than 30 s to place a stream, and a service that gives up at start
 * only exits to be restarted into the same wait.
 */
export async function whileJetStreamSettles<T>(fn: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isJetStreamSettling(err) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** attempt)));
    }
  }
}

export async function ensureStreams(jsm: JetStreamManager, prefix: string, replicas = 1, limits: StreamLimits = DEFAULT_STREAM_LIMITS): Promise<void> {
  for (const spec of Object.values(STREAMS)) {
    await whileJetStreamSettles(() => ensureStream(jsm, spec, prefix, replicas, limits));
  }
}

async function ensureStream(jsm: JetStreamManager, spec: StreamSpec, prefix: string, replicas: number, limits: StreamLimits): Promise<void> {
  const config = {
    name: streamName(spec, prefix),
    subjects: spec.subjects.map((s) => prefixedSubject(s, prefix)),
    retention: spec.retention === 'workqueue' ? RetentionPolicy.Workqueue : RetentionPolicy.Limits,
    storage: StorageType.File,
    duplicate_window: DUPLICATE_WINDOW_NS,
    num_replicas: replicas,
    max_age: limits.maxAgeHours * 3600 * 1_000_000_000,
    max_msgs: limits.maxMessages,
    max_bytes: limits.maxMegabytes > 0 ? limits.maxMegabytes * 1024 * 1024 : -1,
    discard: DiscardPolicy.Old,
  };
  try {
    await jsm.streams.info(config.name);
    await jsm.streams.update(config.name, config);
  } catch (err) {
    if (!isStreamNotFound(err)) throw err;
    try {
      await jsm.streams.add(config);
    } catch (addErr) {
      // Another service created it between our info and add.
      if (!isStreamNameInUse(addErr)) throw addErr;
    }
  }
}
