/**
 * The template catalog API: templates live under /config/v2.0/heat_templates/<id> in
 * the original envelope (body as a Go-style JSON string), as `pnpm start` loads them.
 * A template is checked (template-check.ts) before it is stored; only an admin may
 * store one, anyone may read them.
 */
import { KEY_PREFIX, SLICES, goJsonMarshal, templateKey, type ConfigValue } from '@esi/contracts';
import type { OwnedStore } from '@esi/store';
import type { CallContext } from './call-context.js';
import { NotFoundError, PermissionDeniedError, ValidationError, VersionConflictError } from './errors.js';
import { parseObject, readConfig } from './resource-reads.js';
import { templateProblems } from './template-check.js';
import { checkId, checkVersion, parseBodyJson } from './validate-body.js';

export interface TemplateView {
  id: string;
  handler: string;
  version: number;
  bodyJson: string;
}

export class Templates {
  constructor(private readonly store: OwnedStore) {}

  /** Parses and checks a template body; ValidationError naming the first problem's field. */
  check(bodyJson: string, sampleJson: string): Record<string, unknown> {
    const body = parseBodyJson(bodyJson);
    const sample = sampleJson ? parseBodyJson(sampleJson, 'sample_input_json') : undefined;
    if (body.watch === undefined) body.watch = [];
    const problems = templateProblems(body, sample);
    const [first, ...rest] = problems;
    if (first) {
      const more = rest.length > 0 ? `; also ${rest.map((p) => `${p.field}: ${p.message}`).join('; ')}` : '';
      throw new ValidationError(first.field, `${first.message}${more}`);
    }
    return body;
  }

  async put(ctx: CallContext, bodyJson: string, sampleJson: string, expectedVersion: number): Promise<{ template: TemplateView; changed: boolean }> {
    if (ctx.caller.kind !== 'admin') throw new PermissionDeniedError('only an admin may change the template catalog');
    checkVersion(expectedVersion, 'expected_version');
    const body = this.check(bodyJson, sampleJson);
    const id = body.id as string;
    const key = templateKey(id);
    const current = await readConfig(this.store, key);
    if (expectedVersion && (current?.value.version ?? 0) !== expectedVersion) {
      throw new VersionConflictError(`template ${id} is at version ${current?.value.version ?? 0}, not ${expectedVersion}`);
    }
    const encoded = goJsonMarshal(body);
    if (current && goJsonMarshal(parseObject(current.value.body)) === encoded) return { template: viewOf(id, current.value, true), changed: false };
    const value: ConfigValue = { body: encoded, marked_for_deletion: false, version: (current?.value.version ?? 0) + 1 };
    ctx.checkpoint();
    const ok = await this.store.txn([current ? { key, modRevision: current.modRevision } : { key, absent: true }], [{ put: key, value: JSON.stringify(value) }]);
    if (!ok) throw new VersionConflictError(`template ${id} changed concurrently; retry`);
    return { template: viewOf(id, value, true), changed: true };
  }

  async get(id: string): Promise<TemplateView> {
    checkId(id, 'id');
    const current = await readConfig(this.store, templateKey(id));
    if (!current) throw new NotFoundError(`template ${id} not found`, { type: 'template', id });
    return viewOf(id, current.value, true);
  }

  async list(handler: string): Promise<TemplateView[]> {
    if (handler && handler !== 'heat_worker' && handler !== 'monitoring_worker') throw new ValidationError('handler', 'must be heat_worker, monitoring_worker or empty');
    const all = await this.store.getPrefix(KEY_PREFIX.templates);
    const out: TemplateView[] = [];
    for (const [key, raw] of [...all].sort(([a], [b]) => a.localeCompare(b))) {
      const value = SLICES.config.parse(raw);
      if (!value) continue;
      const view = viewOf(key.slice(KEY_PREFIX.templates.length), value, false);
      if (!handler || view.handler === handler) out.push(view);
    }
    return out;
  }
}

function viewOf(id: string, value: ConfigValue, withBody: boolean): TemplateView {
  const body = parseObject(value.body);
  return { id, handler: typeof body.handler === 'string' ? body.handler : '', version: value.version, bodyJson: withBody ? value.body : '' };
}
