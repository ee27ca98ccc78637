/** What a provider learns about the call it is serving. */
export interface ProviderContext {
  readonly stackName: string;
  readonly stackId: string;
  /** The resource's name in the template (its logical id). */
  readonly resourceName: string;
  /** The stack's tags (Heat's stack tags): who asked for this operation, when the caller says. */
  readonly tags?: readonly string[];
  /** Aborted when the stack operation times out; long-running providers should stop. */
  readonly signal: AbortSignal;
}

/** What create/update report back: the backend's id and the attributes get_attr can read. */
export interface ResourceState {
  readonly physicalId: string;
  readonly attributes: Record<string, unknown>;
}

/** A resource as the engine recorded it, handed to update/delete/attributeError. */
export interface ExistingResource {
  readonly physicalId: string;
  readonly properties: Record<string, unknown>;
  readonly attributes: Record<string, unknown>;
}

/**
 * Creates, changes and removes one resource type. `update` may throw
 * ReplacementRequired (or be absent) when a change cannot be made in place; the engine
 * then deletes the old resource and creates a new one. Without `delete` a resource is
 * simply forgotten when the stack no longer holds it.
 */
export interface ResourceProvider {
  readonly type: string;
  create(properties: Record<string, unknown>, ctx: ProviderContext): Promise<ResourceState>;
  update?(current: ExistingResource, properties: Record<string, unknown>, ctx: ProviderContext): Promise<ResourceState>;
  delete?(current: ExistingResource, ctx: ProviderContext): Promise<void>;
  /**
   * The error text for get_attr of an attribute this resource does not expose. Without
   * it the engine uses Heat's "The Referenced Attribute (<resource> <attr>) is incorrect."
   */
  attributeError?(attribute: string, current: ExistingResource): string;
}
