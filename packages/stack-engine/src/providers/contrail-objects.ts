import { createHash } from 'node:crypto';

/**
 * The simulated Contrail configuration database: just enough (uuid → type and fq_name)
 * for children to derive their fq_name from their parent, and for ExistingResource to
 * find an object another stack created. It lives as long as the providers do; after a
 * restart lookups fall back to ids, which is harmless for a simulation.
 */
export class ContrailObjects {
  private readonly byId = new Map<string, { type: string; fqName: string[] }>();

  register(id: string, type: string, fqName: string[]): void {
    this.byId.set(id, { type, fqName });
  }

  forget(id: string): void {
    this.byId.delete(id);
  }

  fqName(id: string): string[] | undefined {
    return this.byId.get(id)?.fqName;
  }

  findId(type: string, fqName: readonly string[]): string | undefined {
    for (const [id, entry] of this.byId) {
      if (entry.type === type && entry.fqName.join(':') === fqName.join(':')) return id;
    }
    return undefined;
  }
}

/** A stable uuid for a name (looking up the same existing object twice gives one id). */
export function uuidFromName(name: string): string {
  const hex = createHash('sha1').update(name).digest('hex');
  // Version 5 and RFC 4122 variant bits, as a name-based uuid would carry.
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}
