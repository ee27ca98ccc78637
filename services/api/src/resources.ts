/**
 * Writes desired state to /config in the original envelope ({body: <JSON string>,
 * marked_for_deletion, version}) with compare-and-swap, then announces the change.
 */
import { randomUUID } from 'node:crypto';
import {
  configCollectionPrefix,
  MSG_ID,
  configKey,
  configSubject,
  goJsonMarshal,
  monitoringKey,
  stateKey,
  events,
  type ConfigValue,
} from '@esi/contracts';
import type { Publisher } from '@esi/messaging';
import type { OwnedStore } from '@esi/store';
import type { Logger } from '@esi/telemetry';
import { AlreadyExistsError, NotFoundError, VersionConflictError } from './errors.js';
import { checkId, checkRequired, checkType, parseBodyJson, type TypeRules } from './validate-body.js';

export interface ResourceView {
  resourceType: string;
  id: string;
  version: number;
  markedForDeletion: boolean;
  bodyJson: string;
  stateJson: string;
  monitoringJson: string;
}

export class Resources {
  constructor(
    private readonly store: OwnedStore,
    private readonly publisher: Publisher,
    private readonly rulesOf: (type: string) => TypeRules | undefined,
    private readonly log: Logger,
  ) {}

  async create(type: string, bodyJson: string): Promise<ResourceView> {
    const rules = checkType(type, this.rulesOf);
    const body = parseBodyJson(bodyJson);
    if (body.id === undefined) body.id = randomUUID();
    const id = checkId(body.id, 'body_json.id');
    checkRequired(body, rules);
    if (body.status === undefined) body.status = 'PENDING_CREATE';
    const key = configKey(rules.plural, id);
    const value: ConfigValue = { body: goJsonMarshal(body), marked_for_deletion: false, version: 1 };
    const ok = await this.store.txn([{ key, absent: true }], [{ put: key, value: JSON.stringify(value) }]);
    if (!ok) throw new AlreadyExistsError(`${type} ${id} already exists`);
    await this.announce(type, id, value);
    return this.view(type, rules.plural, id, value);
  }

  async update(type: string, id: string, bodyJson: string, expectedVersion: number): Promise<ResourceView> {
    const rules = checkType(type, this.rulesOf);
    checkId(id, 'id');
    const patch = parseBodyJson(bodyJson);
    if (patch.id !== undefined && patch.id !== id) throw new VersionConflictError('body_json.id cannot change');
    const key = configKey(rules.plural, id);
    const current = await this.store.getJson<ConfigValue>(key);
    if (!current) throw new NotFoundError(`${type} ${id} not found`);
    if (current.value.marked_for_deletion) throw new VersionConflictError(`${type} ${id} is being deleted`);
    if (expectedVersion && expectedVersion !== current.value.version) {
      throw new VersionConflictError(`${type} ${id} is at version ${current.value.version}, not ${expectedVersion}`);
    }
    const body = { ...(JSON.parse(current.value.body) as Record<string, unknown>), ...patch, status: 'PENDING_UPDATE' };
    checkRequired(body, rules);
    const value: ConfigValue = { body: goJsonMarshal(body), marked_for_deletion: false, version: current.value.version + 1 };
    const ok = await this.store.txn([{ key, modRevision: current.modRevision }], [{ put: key, value: JSON.stringify(value) }]);
    if (!ok) throw new VersionConflictError(`${type} ${id} changed concurrently; retry with the new version`);
    await this.announce(type, id, value);
    return this.view(type, rules.plural, id, value);
  }

  async markForDeletion(type: string, id: string): Promise<ResourceView> {
    const rules = checkType(type, this.rulesOf);
    checkId(id, 'id');
    const key = configKey(rules.plural, id);
    const current = await this.store.getJson<ConfigValue>(key);
    if (!current) throw new NotFoundError(`${type} ${id} not found`);
    if (current.value.marked_for_deletion) return this.view(type, rules.plural, id, current.value);
    const body = { ...(JSON.parse(current.value.body) as Record<string, unknown>), status: 'PENDING_DELETE' };
    const value: ConfigValue = { body: goJsonMarshal(body), marked_for_deletion: true, version: current.value.version + 1 };
    const ok = await this.store.txn([{ key, modRevision: current.modRevision }], [{ put: key, value: JSON.stringify(value) }]);
    if (!ok) throw new VersionConflictError(`${type} ${id} changed concurrently`);
    await this.announce(type, id, value);
    return this.view(type, rules.plural, id, value);
  }

  async get(type: string, id: string): Promise<ResourceView> {
    const rules = checkType(type, this.rulesOf);
    checkId(id, 'id');
    const current = await this.store.getJson<ConfigValue>(configKey(rules.plural, id));
    if (!current) throw new NotFoundError(`${type} ${id} not found`);
    return this.view(type, rules.plural, id, current.value);
  }

  async list(type: string): Promise<ResourceView[]> {
    const rules = checkType(type, this.rulesOf);
    const prefix = configCollectionPrefix(rules.plural);
    const all = await this.store.getPrefix(prefix);
    const out: ResourceView[] = [];
    for (const [key, raw] of all) out.push(await this.view(type, rules.plural, key.slice(prefix.length), JSON.parse(raw) as ConfigValue));
    return out;
  }

  private async view(type: string, plural: string, id: string, value: ConfigValue): Promise<ResourceView> {
    const state = await this.store.getString(stateKey(plural, id));
    const monitoring = await this.store.getString(monitoringKey(plural, id));
    return {
      resourceType: type,
      id,
      version: value.version,
      markedForDeletion: value.marked_for_deletion,
      bodyJson: value.body,
      stateJson: state?.value ?? '',
      monitoringJson: monitoring?.value ?? '',
    };
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
        }).finish(),
        MSG_ID.config(type, id, value.version),
      );
    } catch (err) {
      this.log.error({ err, resource: `${type}:${id}`, version: value.version }, 'change stored but not announced; resync will plan it');
    }
  }
}
