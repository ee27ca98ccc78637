/**
 * WatchResources: a resource's or a type's config, state and monitoring changes as a
 * stream, resumable from an etcd revision. One etcd watcher covers the whole key range
 * from the type's /config keys to its /state keys, so events arrive in revision order
 * across the three slices and "the revision of the last event + 1" is a complete resume
 * point; keys of other slices inside that range are dropped here.
 */
import { KEY_PREFIX, api, configCollectionPrefix, configKey, monitoringKey, stateCollectionPrefix, stateKey } from '@esi/contracts';
import { StoreUnavailableError, scanPrefix, type OwnedStore } from '@esi/store';
import type { Logger } from '@esi/telemetry';
import type { CallContext } from './call-context.js';
import { maySee, ownerOf } from './caller.js';
import { HistoryGoneError, NotFoundError, ValidationError } from './errors.js';
import { parseObject, readConfig } from './resource-reads.js';
import type { TypeRegistry } from './type-rules.js';
import { redactEnvelopeJson } from './redaction.js';
import { redactStatusJson, type SecretValues } from './secret-values.js';
import { checkId } from './validate-body.js';

type Event = api.WatchResourcesResponse;
const Kind = api.WatchEventKind;

export interface WatchDeps {
  store: OwnedStore;
  types: TypeRegistry;
  log: Logger;
  /** Secret values to scrub from a tenant's state and monitoring values. */
  secrets: SecretValues;
}

interface Target {
  kind: api.WatchEventKind;
  /** Exact key (one resource) or prefix (a type). */
  key: string;
  exact: boolean;
}

/**
 * Streams events through `send` until the call ends (ctx.signal) or the watch fails.
 * Resolves when the stream should end normally; rejects with a domain error otherwise.
 */
/** Response header sent once the watch is live: every change after it will be sent. */
export const WATCHING_HEADER = 'esi-watching';

export async function watchResources(
  deps: WatchDeps,
  ctx: CallContext,
  req: api.WatchResourcesRequest,
  send: (e: Event) => void,
  started: (headers: Record<string, string>) => void = () => undefined,
): Promise<void> {
  const rules = deps.types.rulesOf(req.resourceType);
  const id = req.id ? checkId(req.id, 'id') : '';
  if (!Number.isSafeInteger(req.fromRevision) || req.fromRevision < 0) throw new ValidationError('from_revision', 'must be a non-negative integer');
  if (req.includeCurrent && req.fromRevision > 0) throw new ValidationError('include_current', 'only with from_revision 0 (a resumed watch replays instead)');
  const { plural, type } = rules;
  const owners = new Map<string, string | undefined>();

  if (id && ctx.caller.kind === 'tenant') {
    const cfg = await readConfig(deps.store, configKey(plural, id));
    if (!cfg || !maySee(ctx.caller, ownerOf(type, id, parseObject(cfg.value.body)))) throw new NotFoundError(`${type} ${id} not found`, { type, id });
  }

  const targets: Target[] = id
    ? [
        { kind: Kind.WATCH_EVENT_KIND_CONFIG, key: configKey(plural, id), exact: true },
        { kind: Kind.WATCH_EVENT_KIND_STATE, key: stateKey(plural, id), exact: true },
        { kind: Kind.WATCH_EVENT_KIND_MONITORING, key: monitoringKey(plural, id), exact: true },
      ]
    : [
        { kind: Kind.WATCH_EVENT_KIND_CONFIG, key: configCollectionPrefix(plural), exact: false },
        { kind: Kind.WATCH_EVENT_KIND_STATE, key: stateCollectionPrefix(plural), exact: false },
        { kind: Kind.WATCH_EVENT_KIND_MONITORING, key: `${KEY_PREFIX.monitoring}${plural}/`, exact: false },
      ];

  const classify = (key: string): { kind: api.WatchEventKind; id: string } | undefined => {
    for (const t of targets) {
      if (t.exact ? key === t.key : key.startsWith(t.key) && !key.slice(t.key.length).includes('/') && key.length > t.key.length) {
        return { kind: t.kind, id: t.exact ? id : key.slice(t.key.length) };
      }
    }
    return undefined;
  };

  // Who owns a resource decides whether a tenant caller sees its events.
  const visible = async (rid: string, kind: api.WatchEventKind, value: string | undefined): Promise<boolean> => {
    if (ctx.caller.kind === 'admin') return true;
    if (kind === Kind.WATCH_EVENT_KIND_CONFIG && value !== undefined) {
      const body = parseObject(value).body;
      owners.set(rid, ownerOf(type, rid, parseObject(typeof body === 'string' ? body : '{}')));
    }
    if (!owners.has(rid)) {
      const cfg = await readConfig(deps.store, configKey(plural, rid));
      owners.set(rid, cfg ? ownerOf(type, rid, parseObject(cfg.value.body)) : undefined);
    }
    return maySee(ctx.caller, owners.get(rid));
  };

  // A config value carries the body: its secret fields are masked for tenants. State and
  // monitoring values follow no schema but may quote a secret a worker was given (a stack
  // output, an error): secret-named members are masked and known secret values scrubbed.
  const schema = deps.types.schemaOf(type);
  const shown = async (kind: api.WatchEventKind, value: string): Promise<string> => {
    if (ctx.caller.kind === 'admin' || value === '') return value;
    if (kind === Kind.WATCH_EVENT_KIND_CONFIG) return redactEnvelopeJson(value, schema);
    return redactStatusJson(value, await deps.secrets.current());
  };

  let startRevision = req.fromRevision;
  if (req.includeCurrent) {
    const snapshot = await readSnapshot(deps.store, targets);
    for (const item of snapshot.items) {
      const c = classify(item.key);
      if (!c || !(await visible(c.id, c.kind, item.value))) continue;
      send({ revision: snapshot.revision, kind: c.kind, resourceType: type, id: c.id, valueJson: await shown(c.kind, item.value), deleted: false, snapshot: true });
    }
    startRevision = snapshot.revision + 1;
  }
  ctx.checkpoint();

  const range = id
    ? { start: targets[0]!.key, end: `${targets[1]!.key}\u0000` }
    : { start: targets[0]!.key, end: `${targets[1]!.key.slice(0, -1)}0` };
  const builder = deps.store.watch(range, startRevision > 0 ? { startRevision: String(startRevision) } : {});
  const watcher = await builder.create().catch((err: unknown) => {
    throw new StoreUnavailableError(`etcd watch: ${(err as Error).message}`, { cause: err });
  });
  started({ [WATCHING_HEADER]: 'true' });

  // Events are handled one response at a time, in order, even when a visibility lookup
  // has to read etcd in between.
  let chain: Promise<void> = Promise.resolve();
  await new Promise<void>((resolve, reject) => {
    const finish = (err?: Error): void => {
      void watcher.cancel().catch(() => undefined);
      if (err) reject(err);
      else resolve();
    };
    ctx.signal.addEventListener('abort', () => finish(), { once: true });
    watcher.on('error', (err) => {
      // A watch etcd cancels for compaction reaches etcd3 as a cancel reason, which it
      // passes on only as the text of a generic error (no class, no compact revision):
      // this is the one error sorted by its words, and only to choose the answer's code.
      const msg = String((err as Error)?.message ?? err);
      finish(/compact/i.test(msg) ? new HistoryGoneError(`revision ${startRevision} is no longer kept; read the current state and watch from now`) : new StoreUnavailableError(`etcd watch: ${msg}`));
    });
    watcher.on('data', (res) => {
      chain = chain.then(async () => {
        for (const ev of res.events) {
          const key = ev.kv.key.toString();
          const c = classify(key);
          if (!c) continue;
          const deleted = ev.type === 'Delete';
          const value = deleted ? undefined : ev.kv.value.toString();
          if (!(await visible(c.id, c.kind, value))) continue;
          const valueJson = await shown(c.kind, value ?? '');
          if (ctx.signal.aborted) return;
          send({ revision: Number(ev.kv.mod_revision), kind: c.kind, resourceType: type, id: c.id, valueJson, deleted, snapshot: false });
        }
      }).catch((err: unknown) => finish(err as Error));
    });
  });
}

async function readSnapshot(store: OwnedStore, targets: Target[]): Promise<{ revision: number; items: { key: string; value: string }[] }> {
  try {
    const items: { key: string; value: string }[] = [];
    let revision = 0;
    for (const t of targets) {
      const visit = (key: string, value: string): number => items.push({ key, value });
      // Every read after the first is pinned to the first one's revision: one snapshot.
      // A collection is read in pages: past 4 MiB one read fails (the client's limit).
      if (t.exact) {
        const res = await store.range({ key: t.key }, revision ? { revision: String(revision) } : {});
        if (!revision) revision = Number(res.revision);
        for (const kv of res.kvs) visit(kv.key.toString(), kv.value.toString());
      } else {
        revision = Number(await scanPrefix(store, t.key, visit, undefined, revision ? String(revision) : undefined));
      }
    }
    return { revision, items };
  } catch (err) {
    throw new StoreUnavailableError(`etcd: ${(err as Error).message}`, { cause: err });
  }
}
