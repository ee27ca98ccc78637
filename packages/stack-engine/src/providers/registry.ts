import type { ResourceProvider } from './types.js';

/** Providers by resource type, with an optional stand-in for types nobody registered. */
export class ProviderRegistry {
  private readonly byType = new Map<string, ResourceProvider>();

  constructor(
    providers: Iterable<ResourceProvider>,
    private readonly fallback?: (type: string) => ResourceProvider,
  ) {
    // Later entries win, so callers override defaults by listing theirs after them.
    for (const provider of providers) this.byType.set(provider.type, provider);
  }

  get(type: string): ResourceProvider | undefined {
    const known = this.byType.get(type);
    if (known) return known;
    if (!this.fallback) return undefined;
    const made = this.fallback(type);
    this.byType.set(type, made);
    return made;
  }

  has(type: string): boolean {
    return this.byType.has(type) || this.fallback !== undefined;
  }
}
