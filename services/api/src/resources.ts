/**
 * Writes desired state to /config in the original envelope ({body: <JSON string>,
 * marked_for_deletion, version}) with compare-and-swap, then announces the change.
 * Every change is first prepared (validated against the type's schema, references and
 * the caller's tenant) without writing, so the dry run shares the exact same checks.
 */
import { randomUUID } from 'node:crypto';
import { MSG_ID, configKey, configSubject, goJsonMarshal, isFailedWorkerState, stateKey, events, type ConfigValue } from '@esi/contracts';
import type { Publisher } from '@esi/messaging';
import { faultPoint } from '@esi/service-runtime';
import type { Expect, OwnedStore } from '@esi/store';
import type { Logger } from '@esi/telemetry';
import type { CallContext } from './call-context.js';
import { maySee, ownerOf } from './caller.js';
import { referencesToCheck, type HopReference } from './hop-references.js';
import { KnownConfigs } from './known-configs.js';
import { MappingFacts } from './mapping-facts.js';
import { redactStatusJson, SecretValues } from './secret-values.js';
import { redactBodyJson } from './redaction.js';
import { mayReference } from './shared-infrastructure.js';
import { AlreadyExistsError, NotFoundError, PermissionDeniedError, ValidationError, VersionConflictError } from './errors.js';
import { parseObject, readConfig, viewOf, viewOfNew, type ResourceView } from './resource-reads.js';
import { checkBody } from './schema-check.js';
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
  /**
   * What the commit's transaction requires: the key absent, or at the revision read, and
   * every config a reference names still at the revision the check judged.
   */
  expects: Expect[];
  /** Referenced configs the check took from the api's kept copies (known-configs.ts). */
  keptReferences: string[];
  /** The stored value the change replaces (absent for a create). */
  current: ConfigValue | undefined;
  kind: 'create' | 'update' | 'delete' | 'unchanged';
}

export class Resources {
  /** What the stored templates follow and which params are secret (tenant checks and redaction). */
  readonly facts: MappingFacts;
  /** The secret values in force, to scrub texts no schema describes (state, monitoring, errors). */
  readonly secrets: SecretValues;
  /** Configs last read or written here, for the reference checks. */
  private readonly known = new KnownConfigs();

  constructor(
    readonly store: OwnedStore,
    private readonly publisher: Publisher,
    readonly types: TypeRegistry,
    private readonly log: Logger,
  ) {
    this.facts = new MappingFacts(store, types);
    this.secrets = new SecretValues(store, types);
  }

  async prepareCreate(ctx: CallContext, type: string, bodyJson: string): Promise<PreparedChange> {
    const rules = this.types.rulesOf(type);
    const body = parseBodyJson(bodyJson);
    if (body.id === undefined) body.id = randomUUID();
    const id = checkId(body.id, 'body_json.id');
    this.claimForCaller(ctx, rules, id, body);
    if (body.status === undefined) body.status = 'PENDING_CREATE';
    checkBody(body, rules.schema);
    const refs = await this.checkReferences(ctx, rules, body, undefined);
    const key = configKey(rules.plural, id);
    // Both "absent" conditions are checked by the commit's transaction itself (one round
    // trip, no window between check and write); createConflict names the one that failed.
    // A deleted resource's /state outlives its /config until its owner clears it; a new
    // version 1 under that state would look settled to the planner and never run.
    const value: ConfigValue = { body: goJsonMarshal(body), marked_for_deletion: false, version: 1 };
    const expects: Expect[] = [{ key, absent: true }, { key: stateKey(rules.plural, id), absent: true }, ...refs.expects];
    return { rules, id, key, value, body, expects, keptReferences: refs.kept, current: undefined, kind: 'create' };
  }

  async prepareUpdate(ctx: CallContext, type: string, id: string, bodyJson: string, expectedVersion: number): Promise<PreparedChange> {
    const rules = this.types.rulesOf(type);
    this.refuseSharedForTenant(ctx, rules, 'change');
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
    const refs = await this.checkReferences(ctx, rules, body, before);
    const value: ConfigValue = { body: goJsonMarshal(body), marked_for_deletion: false, version: current.value.version + 1 };
    const expects: Expect[] = [{ key, modRevision: current.modRevision }, ...refs.expects];
    return { rules, id, key, value, body, expects, keptReferences: refs.kept, current: current.value, kind: 'update' };
  }

  async prepareDelete(ctx: CallContext, type: string, id: string, expectedVersion: number): Promise<PreparedChange> {
    const rules = this.types.rulesOf(type);
    this.refuseSharedForTenant(ctx, rules, 'delete');
    checkId(id, 'id');
    checkVersion(expectedVersion, 'expected_version');
    const key = configKey(rules.plural, id);
    const current = await this.visible(ctx, rules, id);
    const before = parseObject(current.value.body);
    // Deleting twice is not an error: the first mark stands.
    if (current.value.marked_for_deletion) {
      return { rules, id, key, value: current.value, body: before, expects: [{ key, modRevision: current.modRevision }], keptReferences: [], current: current.value, kind: 'unchanged' };
    }
    checkExpected(type, id, current.value.version, expectedVersion);
    const body = { ...before, status: 'PENDING_DELETE' };
    const value: ConfigValue = { body: goJsonMarshal(body), marked_for_deletion: true, version: current.value.version + 1 };
    return { rules, id, key, value, body, expects: [{ key, modRevision: current.modRevision }], keptReferences: [], current: current.value, kind: 'delete' };
  }

  async create(ctx: CallContext, type: string, bodyJson: string): Promise<ResourceView> {
    return this.shown(ctx, await this.prepareAndCommit(ctx, () => this.prepareCreate(ctx, type, bodyJson)));
  }

  async update(ctx: CallContext, type: string, id: string, bodyJson: string, expectedVersion: number): Promise<ResourceView> {
    return this.shown(ctx, await this.prepareAndCommit(ctx, () => this.prepareUpdate(ctx, type, id, bodyJson, expectedVersion)));
  }

  async markForDeletion(ctx: CallContext, type: string, id: string, expectedVersion = 0): Promise<ResourceView> {
    return this.shown(ctx, await this.prepareAndCommit(ctx, () => this.prepareDelete(ctx, type, id, expectedVersion)));
  }

  /**
   * A view as the caller may see it: for tenants, secret fields of the body masked, and
   * state and monitoring values scrubbed as Watch and Explain scrub them (a job's output
   * or error can quote a router's login).
   */
  async shown(ctx: CallContext, view: ResourceView): Promise<ResourceView> {
    if (ctx.caller.kind === 'admin') return view;
    const secrets = await this.secrets.current();
    return {
      ...view,
      bodyJson: redactBodyJson(view.bodyJson, this.types.schemaOf(view.resourceType)),
      stateJson: redactStatusJson(view.stateJson, secrets),
      monitoringJson: redactStatusJson(view.monitoringJson, secrets),
    };
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
    if (!state || state.version !== current.value.version || !isFailedWorkerState(state.state.worker_state)) {
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
        configJson: '',
        configRevision: '',
      }).finish(),
      // Each request is its own event: a retry asked for twice runs twice (the planner
      // ignores a retry while the workflow is running or after it succeeded).
      `retry:${type}:${id}:${current.value.version}:${randomUUID()}`,
    );
    return this.shown(ctx, await viewOf(this.store, type, rules.plural, id, current.value));
  }

  async get(ctx: CallContext, type: string, id: string): Promise<ResourceView> {
    const rules = this.types.rulesOf(type);
    checkId(id, 'id');
    const current = await this.visible(ctx, rules, id);
    return this.shown(ctx, await viewOf(this.store, type, rules.plural, id, current.value));
  }

  /** The stored config of a resource the caller may see; NotFoundError otherwise. */
  async visible(ctx: CallContext, rules: TypeRules, id: string): Promise<{ value: ConfigValue; modRevision: string }> {
    const current = await readConfig(this.store, configKey(rules.plural, id));
    if (!current || !maySee(ctx.caller, ownerOf(rules.type, id, parseObject(current.value.body)))) {
      // A resource of another tenant is reported exactly like a missing one.
      throw new NotFoundError(`${rules.type} ${id} not found`, { type: rules.type, id });
    }
    return current;
  }

  /**
   * Prepares and commits; when the transaction fails and the check had used kept copies
   * of referenced configs, one of them may have been stale: those are forgotten and the
   * change is prepared once more from fresh reads, whose failure is then the answer.
   */
  private async prepareAndCommit(ctx: CallContext, prepare: () => Promise<PreparedChange>): Promise<ResourceView> {
    const first = await prepare();
    if (first.keptReferences.length === 0) return this.commit(ctx, first);
    const view = await this.commit(ctx, first, false);
    if (view) return view;
    for (const key of first.keptReferences) this.known.forget(key);
    return this.commit(ctx, await prepare());
  }

  private async commit(ctx: CallContext, p: PreparedChange): Promise<ResourceView>;
  private async commit(ctx: CallContext, p: PreparedChange, explainFailure: false): Promise<ResourceView | undefined>;
  private async commit(ctx: CallContext, p: PreparedChange, explainFailure = true): Promise<ResourceView | undefined> {
    if (p.kind !== 'unchanged') {
      ctx.checkpoint();
      const json = JSON.stringify(p.value);
      const revision = await this.store.txnAt(p.expects, [{ put: p.key, value: json }]);
      if (revision === undefined) {
        if (!explainFailure) return undefined;
        if (p.kind === 'create') throw await this.createConflict(p);
        throw new VersionConflictError(`${p.rules.type} ${p.id} changed concurrently; retry with the new version`);
      }
      this.known.wrote(p.key, { value: p.value, modRevision: revision });
      faultPoint('after-etcd-write', p.kind);
      await this.announce(p.rules.type, p.id, p.value, { json, revision });
    }
    // A create's transaction found no /state, so its view has none; nor /monitoring: a
    // resource is registered for monitoring by its workflow, which has not run yet (a key
    // there now is a deleted namesake's leftover). An update or delete reads both.
    if (p.kind === 'create') return viewOfNew(p.rules.type, p.id, p.value);
    return viewOf(this.store, p.rules.type, p.rules.plural, p.id, p.value);
  }

  /** Why a create's transaction failed: the config exists, or a deleted one's state is still there. */
  private async createConflict(p: PreparedChange): Promise<Error> {
    const blocker = await this.createBlocker(p);
    if (blocker) return blocker;
    // Neither key is in the way now: a config the change references moved while it was checked.
    return new VersionConflictError(`${p.rules.type} ${p.id}: a resource it references changed while it was checked; retry`);
  }

  /** The create's conditions checked by reads, for the dry run (which writes nothing). */
  async checkCreatable(p: PreparedChange): Promise<void> {
    const blocker = await this.createBlocker(p);
    if (blocker) throw blocker;
  }

  private async createBlocker(p: PreparedChange): Promise<Error | undefined> {
    const [config, state] = await Promise.all([readConfig(this.store, p.key), this.store.getString(stateKey(p.rules.plural, p.id))]);
    if (config) return new AlreadyExistsError(`${p.rules.type} ${p.id} already exists`, { type: p.rules.type, id: p.id });
    if (state) return new VersionConflictError(`${p.rules.type} ${p.id} was deleted and its state is not cleared yet; retry later or use another id`);
    return undefined;
  }

  /** A tenant caller creates only for itself; types without a tenant are the admin's. */
  private claimForCaller(ctx: CallContext, rules: TypeRules, id: string, body: Record<string, unknown>): void {
    const caller = ctx.caller;
    if (caller.kind === 'admin') return;
    if (rules.type === 'tenant' || !('tenant_id' in rules.schema.fields) || rules.schema.shared) {
      throw new PermissionDeniedError(`only an admin may create ${rules.type} resources`);
    }
    if (body.tenant_id === undefined || body.tenant_id === '') body.tenant_id = caller.tenant;
    if (ownerOf(rules.type, id, body) !== caller.tenant) throw new PermissionDeniedError(`tenant ${caller.tenant} may not create resources for another tenant`);
  }

  /** Shared infrastructure is the admin's to change; said before any read, so it reveals no id. */
  private refuseSharedForTenant(ctx: CallContext, rules: TypeRules, what: string): void {
    if (ctx.caller.kind === 'tenant' && rules.schema.shared) throw new PermissionDeniedError(`only an admin may ${what} ${rules.type} resources`);
  }

  /**
   * Every reference the change sets must name a live resource the caller may reference
   * (its own or shared infrastructure): the schema's declared references for everyone and,
   * for a tenant, every field the stored templates follow from this type. A resource the
   * caller may not reference gets the same answer as a missing one.
   */
  private async checkReferences(
    ctx: CallContext,
    rules: TypeRules,
    body: Record<string, unknown>,
    before: Record<string, unknown> | undefined,
  ): Promise<{ expects: Expect[]; kept: string[] }> {
    try {
      return await this.judgeReferences(ctx, rules, body, before, true);
    } catch (err) {
      // A refusal may come from a stale copy: only a fresh read may refuse.
      if (!(err instanceof StaleCopyMayRefuse)) throw err;
      return this.judgeReferences(ctx, rules, body, before, false);
    }
  }

  private async judgeReferences(
    ctx: CallContext,
    rules: TypeRules,
    body: Record<string, unknown>,
    before: Record<string, unknown> | undefined,
    mayUseKept: boolean,
  ): Promise<{ expects: Expect[]; kept: string[] }> {
    const hops = ctx.caller.kind === 'admin' ? [] : (await this.facts.current()).hopsFrom(rules.type);
    const refsOf = (b: Record<string, unknown>): HopReference[] => referencesToCheck(ctx.caller, b, rules.schema, hops);
    const keyOf = (r: HopReference): string => `${r.types.join('|')}/${r.id}`;
    const unchanged = new Set(before ? refsOf(before).map(keyOf) : []);
    const refs = refsOf(body).filter((ref) => !unchanged.has(keyOf(ref)));
    // Read together (one round trip), judged in order (the first bad field is reported).
    const targets = await Promise.all(
      refs.map((ref) =>
        Promise.all(
          ref.types.map(async (type) => {
            const plural = this.types.pluralOf(type);
            const safe = /^[A-Za-z0-9_-]{1,128}$/.test(ref.id);
            if (!plural || !safe) return { kept: false, target: undefined };
            const key = configKey(plural, ref.id);
            const { found, kept } = await this.known.read(this.store, key, mayUseKept);
            const usable = found && mayReference(ctx.caller, this.types, type, ref.id, parseObject(found.value.body));
            return { kept, target: usable ? { type, key, found } : undefined };
          }),
        ),
      ),
    );
    const expects: Expect[] = [];
    const kept: string[] = [];
    for (const [i, ref] of refs.entries()) {
      const seen = targets[i]!;
      const target = seen.find((t) => t.target !== undefined)?.target;
      const named = `${ref.types.join(' or ')} ${JSON.stringify(ref.id.slice(0, 128))}`;
      const refuses = !target || target.found.value.marked_for_deletion;
      if (refuses && seen.some((t) => t.kept)) throw new StaleCopyMayRefuse();
      if (!target) throw new ValidationError(ref.field, `names ${named}, which does not exist`);
      if (target.found.value.marked_for_deletion) throw new ValidationError(ref.field, `names ${target.type} ${ref.id}, which is being deleted`);
      // Judged against this revision: the commit requires it still (no window between).
      if (!expects.some((x) => 'key' in x && x.key === target.key)) expects.push({ key: target.key, modRevision: target.found.modRevision });
      if (seen.find((t) => t.target === target)?.kept && !kept.includes(target.key)) kept.push(target.key);
    }
    return { expects, kept };
  }

  /** `written`: the value as stored and its revision, which the event carries so the planner need not read it back. */
  private async announce(type: string, id: string, value: ConfigValue, written: { json: string; revision: string }): Promise<void> {
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
          configJson: written.json,
          configRevision: written.revision,
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

/** A reference check refused on a kept copy: judged again from fresh reads before refusing. */
class StaleCopyMayRefuse extends Error {}
