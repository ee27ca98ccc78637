import { AttributeUnavailableError, IntrinsicError } from './errors.js';
import type { IntrinsicScope } from './intrinsics.js';
import type { ProviderRegistry } from './providers/registry.js';
import type { StoredResource } from './store.js';

/** Function evaluation against a stack's parameters and the resources it has so far. */
export function stackScope(
  params: Readonly<Record<string, unknown>>,
  resources: ReadonlyMap<string, StoredResource>,
  providers: ProviderRegistry,
): IntrinsicScope {
  const existing = (name: string): StoredResource => {
    const resource = resources.get(name);
    if (resource === undefined || resource.physicalId === '') {
      throw new IntrinsicError(`The resource ${name} is not available (it has not been created)`);
    }
    return resource;
  };
  return {
    param(name) {
      if (!Object.hasOwn(params, name)) throw new IntrinsicError(`The Parameter (${name}) was not provided.`);
      return structuredClone(params[name]);
    },
    resourceId(name) {
      return existing(name).physicalId;
    },
    attribute(name, attribute) {
      const resource = existing(name);
      if (Object.hasOwn(resource.attributes, attribute)) return structuredClone(resource.attributes[attribute]);
      const custom = providers.get(resource.type)?.attributeError?.(attribute, resource);
      throw new AttributeUnavailableError(
        name,
        attribute,
        custom ?? `The Referenced Attribute (${name} ${attribute}) is incorrect.`,
      );
    },
    attributes(name) {
      return structuredClone(existing(name).attributes);
    },
  };
}
