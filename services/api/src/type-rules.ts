/**
 * What the api knows of each resource type: its plural (key layout) and its validation
 * schema, both data in @esi/catalog. Templates are a type in the original's table but
 * have their own API (PutTemplate validates them), so the resource calls refuse them.
 */
import type { ResourceSchema, ResourceSchemas, ResourceTypes } from '@esi/catalog';
import { ValidationError } from './errors.js';

export interface TypeRules {
  type: string;
  plural: string;
  schema: ResourceSchema;
}

const TEMPLATE_PLURAL = 'heat_templates';

export class TypeRegistry {
  /** Each plural's type, computed once: the deletion finisher asks for every /state write. */
  private readonly byPlural = new Map<string, string>();

  constructor(
    private readonly types: ResourceTypes,
    private readonly schemas: ResourceSchemas,
  ) {
    for (const [type, entry] of Object.entries(types)) {
      // A v2.0 type (no prefix) wins a shared plural; otherwise the last one listed.
      const found = this.byPlural.get(entry.plural);
      if (found === undefined || entry.prefix === undefined) this.byPlural.set(entry.plural, type);
    }
  }

  /** The rules of a type; ValidationError naming resource_type when there are none. */
  rulesOf(type: string): TypeRules {
    if (!type) throw new ValidationError('resource_type', 'is required');
    const entry = Object.hasOwn(this.types, type) ? this.types[type] : undefined;
    if (!entry) throw new ValidationError('resource_type', `unknown resource type ${JSON.stringify(type.slice(0, 100))}`);
    if (entry.plural === TEMPLATE_PLURAL) throw new ValidationError('resource_type', 'templates are managed with PutTemplate');
    const schema = this.schemas[type] ?? { type, required: entry.required, fields: {} };
    return { type, plural: entry.plural, schema };
  }

  /** The type stored under a plural, or undefined; a v2.0 type wins a shared plural. */
  typeOfPlural(plural: string): string | undefined {
    return this.byPlural.get(plural);
  }

  /** The schema of a type, if it has one (templates and unknown types have none). */
  schemaOf(type: string): ResourceSchema | undefined {
    return Object.hasOwn(this.schemas, type) ? this.schemas[type] : undefined;
  }

  /** Shared infrastructure: written by admins only, referencable by every tenant. */
  isShared(type: string): boolean {
    return this.schemaOf(type)?.shared === true;
  }

  pluralOf(type: string): string | undefined {
    return Object.hasOwn(this.types, type) ? this.types[type]!.plural : undefined;
  }

  /** The catalog's template mappings per type, for the planner core. */
  get table(): ResourceTypes {
    return this.types;
  }
}
