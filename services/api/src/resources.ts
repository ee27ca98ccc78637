/**
 * Writes desired state to /config in the original envelope ({body: <JSON string>,
 * marked_for_deletion, version}) with compare-and-swap, then announces the change.
 * Every change is first prepared (validated against the type's schema, references and
 * the caller's tenant) without writing, so the dry run shares the exact same checks.
 */
import { randomUUID } from 'node:crypto';
import { MSG_ID, configKey, configSubject, goJsonMarshal, stateKey, events, type ConfigValue } from '@esi/contracts';
import type { Publisher } from '@esi/messaging';
import type { Expect, OwnedStore } from '@esi/store';
import type { Logger } from '@esi/telemetry';
import type { CallContext } from './call-context.js';
import { maySee, ownerOf } from './caller.js';
import { AlreadyExistsError, NotFoundError, PermissionDeniedError, ValidationError, VersionConflictError } from './errors.js';
import { parseObject, readConfig, viewOf, type ResourceView } from './resource-reads.js';
import { checkBody, referencesIn } from './schema-check.js';
import type { TypeRegistry, TypeRules } from './type-rules.js';
import { checkId, checkVersion, parseBodyJson } from './validate-body.js';

export type { ResourceView } from './resource-reads.js';

/** A validated change, ready to be written (or previewed by the dry run). */
export interface PreparedChange {
  rules: TypeRules;
  id: string;
  key: string;
  value: ConfigValue;
  body: Record<string, unknown>;
  /** What the commit's transaction requires (the key absent, or at the revision read). */
  expects: Expect[];
  /** The stored value the change replaces (absent for a create). */
  current: ConfigValue | undefined;
  kind: 'create' | 'update' | 'delete' | 'unchanged';
}

export class Resources {
  constructor(
    readonly store: OwnedStore,
    private readonly publisher: Publisher,
    readonly types: TypeRegistry,
    private readonly log: Logger,
  ) {}

  async prepareCreate(ctx: CallContext, type: string, bodyJson: string): Promise<PreparedChange> {
    const rules = this.types.rulesOf(type);
    const body = parseBodyJson(bodyJson);
    if (body.id === undefined) body.id = randomUUID();
    const id = checkId(body.id, 'body_json.id');
    this.claimForCaller(ctx, rules, id, body);
    if (body.status === undefined) body.status = 'PENDING_CREATE';
    checkBody(body, rules.schema);
    await this.checkReferences(ctx, rules, body, undefined);
    const key = configKey(rules.plural, id);
    // Both "absent" conditions are checked by the commit's transaction itself (one round
    // trip, no window between check and write); createConflict names the one that failed.
    // A deleted resource's /state outlives its /config until its owner clears it; a new
    // version 1 under that state would look settled to the planner and never run.
    const value: ConfigValue = { body: goJsonMarshal(body), marked_for_deletion: false, version: 1 };
    const expects: Expect[] = [
      { key, absent: true },
      { key: stateKey(rules.plural, id), absent: true },
    ];
    return { rules, id, key, value, body, expects, current: undefined, kind: 'create' };
  }

  async prepareUpdate(ctx: CallContext, type: string, id: string, bodyJson: string, expectedVersion: number): Promise<PreparedChange> {
    const rules = this.types.rulesOf(type);
    checkId(id, 'id');
    checkVersion(expectedVersion, 'expected_version');
    const patch = parseBodyJson(bodyJson);
    if (patch.id !== undefined && patch.id !== id) throw new ValidationError('body_json.id', 'cannot change');
    const key = configKey(rules.plural, id);
    const current = await this.visible(ctx, rules, id);
    if (current.value.marked_for_deletion) throw new VersionConflictError(`${type} ${id} is being deleted`);
    checkExpected(type, id, current.value.version, expectedVersion);
    const before = parseObject(current.value.body);
    if ('tenant_id' in patch && patch.tenant_id !== before.tenant_id) throw new ValidationError('body_json.tenant_id', 'cannot change');
    // A status the writer sends wins: Gohan's own updates (the port attach of a G1 build)
    // kept PENDING_CREATE; other updates become PENDING_UPDATE.
    const body = { ...before, status: 'PENDING_UPDATE', ...patch };
    checkBody(body, rules.schema);
    await this.checkReferences(ctx, rules, body, before);
    const value: ConfigValue = { body: goJsonMarshal(body), marked_for_deletion: false, version: current.value.version + 1 };
    return { rules, id, key, value, body, expects: [{ key, modRevision: current.modRevision }], current: current.value, kind: 'update' };
  }

  async prepareDelete(ctx: CallContext, type: string, id: string, expectedVersion: number): Promise<PreparedChange> {
    const rules = this.types.rulesOf(type);
    checkId(id, 'id');
    checkVersion(expectedVersion, 'expected_version');
    const key = configKey(rules.plural, id);
    const current = await this.visible(ctx, rules, id);
    const before = parseObject(current.value.body);
    // Deleting twice is not an error: the first mark stands.
    if (current.value.marked_for_deletion) {
      return { rules, id, key, value: current.value, body: before, expects: [{ key, modRevision: current.modRevision }], current: current.value, kind: 'unchanged' };
    }
    checkExpected(type, id, current.value.version, expectedVersion);
    const body = { ...before, status: 'PENDING_DELETE' };
    const value: ConfigValue = { body: goJsonMarshal(body), marked_for_deletion: true, version: current.value.version + 1 };
    return { rules, id, key, value, body, expects: [{ key, modRevision: current.modRevision }], current: current.value, kind: 'delete' };
  }

  async create(ctx: CallContext, type: string, bodyJson: string): Promise<ResourceView> {
    return this.commit(ctx, await this.prepareCreate(ctx, type, bodyJson));
  }

  async update(ctx: CallContext, type: string, id: string, bodyJson: string, expectedVersion: number): Promise<ResourceView> {
    return this.commit(ctx, await this.prepareUpdate(ctx, type, id, bodyJson, expectedVersion));
  }

  async markForDeletion(ctx: CallContext, type: string, id: string, expectedVersion = 0): Promise<ResourceView> {
    return this.commit(ctx, await this.prepareDelete(ctx, type, id, expectedVersion));
  }

  /**
   * Asks the planner to run the failed workflow of the current version again; refused
   * unless the resource's state is <ACTION>_FAILED for that version.
   */
  async retry(ctx: CallContext, type: string, id: string): Promise<ResourceView> {
    const rules = this.types.rulesOf(type);
    checkId(id, 'id');
    const current = await this.visible(ctx, rules, id);
    const raw = await this.store.getString(stateKey(rules.plural, id));
    const state = raw ? (JSON.parse(raw.value) as { version: number; state: { worker_state?: string } }) : undefined;
    if (!state || state.version !== current.value.version || !/_FAILED$/.test(state.state.worker_state ?? '')) {
      throw new VersionConflictError(
        `${type} ${id} version ${current.value.version} has not failed (state: ${state?.state.worker_state ?? 'none'}); nothing to retry`,
      );
    }
    ctx.checkpoint();
    await this.publisher.publish(
      configSubject(type, id),
      events.ResourceChanged.encode({
        resourceType: type,
        resourceId: id,
        version: current.value.version,
        markedForDeletion: current.value.marked_for_deletion,
        acceptedAtMs: Date.now(),
        removed: false,
        retry: true,
      }).finish(),
      // Each request is its own event: a retry asked for twice runs twice (the planner
      // ignores a retry while the workflow is running or after it succeeded).
      `retry:${type}:${id}:${current.value.version}:${randomUUID()}`,
    );
    return viewOf(this.store, type, rules.plural, id, current.value);
  }

  async get(ctx: CallContext, type: string, id: string): Promise<ResourceView> {
    const rules = this.types.rulesOf(type);
    checkId(id, 'id');
    const current = await this.visible(ctx, rules, id);
    return viewOf(this.store, type, rules.plural, id, current.value);
  }

  /** The stored config of a resource the caller may see; NotFoundError otherwise. */
  async visible(ctx: CallContext, rules: TypeRules, id: string): Promise<{ value: ConfigValue; modRevision: string }> {
    const current = await readConfig(this.store, configKey(rules.plural, id));
    if (!current || !maySee(ctx.caller, ownerOf(rules.type, id, parseObject(current.value.body)))) {
      // A resource of another tenant is reported exactly like a missing one.
      throw new NotFoundError(`${rules.type} ${id} not found`);
    }
    return current;
  }

  private async commit(ctx: CallContext, p: PreparedChange): Promise<ResourceView> {
    if (p.kind !== 'unchanged') {
      ctx.checkpoint();
      const ok = await this.store.txn(p.expects, [{ put: p.key, value: JSON.stringify(p.value) }]);
      if (!ok) {
        if (p.kind === 'create') throw await this.createConflict(p);
        throw new VersionConflictError(`${p.rules.type} ${p.id} changed concurrently; retry with the new version`);
      }
      await this.announce(p.rules.type, p.id, p.value);
    }
    // A create's transaction found no /state, so its view has none: only /monitoring is read.
    return viewOf(this.store, p.rules.type, p.rules.plural, p.id, p.value, p.kind === 'create' ? { stateJson: '' } : {});
  }

  /** Why a create's transaction failed: the config exists, or a deleted one's state is still there. */
  private async createConflict(p: PreparedChange): Promise<Error> {
    return (await this.createBlocker(p)) ?? new AlreadyExistsError(`${p.rules.type} ${p.id} already exists`);
  }

  /** The create's conditions checked by reads, for the dry run (which writes nothing). */
  async checkCreatable(p: PreparedChange): Promise<void> {
    const blocker = await this.createBlocker(p);
    if (blocker) throw blocker;
  }

  private async createBlocker(p: PreparedChange): Promise<Error | undefined> {
    const [config, state] = await Promise.all([readConfig(this.store, p.key), this.store.getString(stateKey(p.rules.plural, p.id))]);
    if (config) return new AlreadyExistsError(`${p.rules.type} ${p.id} already exists`);
    if (state) return new VersionConflictError(`${p.rules.type} ${p.id} was deleted and its state is not cleared yet; retry later or use another id`);
    return undefined;
  }

  /** A tenant caller creates only for itself; types without a tenant are the admin's. */
  private claimForCaller(ctx: CallContext, rules: TypeRules, id: string, body: Record<string, unknown>): void {
    const caller = ctx.caller;
    if (caller.kind === 'admin') return;
    if (rules.type === 'tenant' || !('tenant_id' in rules.schema.fields)) {
      throw new PermissionDeniedError(`only an admin may create ${rules.type} resources`);
    }
    if (body.tenant_id === undefined || body.tenant_id === '') body.tenant_id = caller.tenant;
    if (ownerOf(rules.type, id, body) !== caller.tenant) throw new PermissionDeniedError(`tenant ${caller.tenant} may not create resources for another tenant`);
  }

  /** Every reference the change sets must name a live resource the caller may see. */
  private async checkReferences(ctx: CallContext, rules: TypeRules, body: Record<string, unknown>, before: Record<string, unknown> | undefined): Promise<void> {
    const unchanged = new Set(before ? referencesIn(before, rules.schema).map((r) => `${r.type}/${r.id}`) : []);
    const refs = referencesIn(body, rules.schema).filter((ref) => !unchanged.has(`${ref.type}/${ref.id}`));
    // Read together (one round trip), judged in order (the first bad field is reported).
    const targets = await Promise.all(
      refs.map((ref) => {
        const plural = this.types.pluralOf(ref.type);
        const safe = /^[A-Za-z0-9_-]{1,128}$/.test(ref.id);
        return plural && safe ? readConfig(this.store, configKey(plural, ref.id)) : undefined;
      }),
    );
    for (const [i, ref] of refs.entries()) {
      const target = targets[i];
      const owner = target ? ownerOf(ref.type, ref.id, parseObject(target.value.body)) : undefined;
      // Resources without a tenant (shared infrastructure) may be referenced by anyone.
      if (!target || (owner !== undefined && !maySee(ctx.caller, owner))) {
        throw new ValidationError(ref.field, `names ${ref.type} ${JSON.stringify(ref.id.slice(0, 128))}, which does not exist`);
      }
      if (target.value.marked_for_deletion) throw new ValidationError(ref.field, `names ${ref.type} ${ref.id}, which is being deleted`);
    }
  }

  private async announce(type: string, id: string, value: ConfigValue): Promise<void> {
    // The change is already durable in etcd; if this publish is lost the planner's
    // resync still finds it, so a failure here is logged, not returned to the client.
    try {
      await this.publisher.publish(
        configSubject(type, id),
        events.ResourceChanged.encode({
          resourceType: type,
          resourceId: id,
          version: value.version,
          markedForDeletion: value.marked_for_deletion,
          acceptedAtMs: Date.now(),
          removed: false,
          retry: false,
        }).finish(),
        MSG_ID.config(type, id, value.version),
      );
    } catch (err) {
      this.log.error({ err, resource: `${type}:${id}`, version: value.version }, 'change stored but not announced; resync will plan it');
    }
  }
}

function checkExpected(type: string, id: string, actual: number, expected: number): void {
  if (expected && expected !== actual) throw new VersionConflictError(`${type} ${id} is at version ${actual}, not ${expected}`);
}
