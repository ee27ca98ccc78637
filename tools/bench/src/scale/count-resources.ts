/** Resources present: /config keys of resource collections (templates and tables left out). */
import { SLICES } from '@esi/contracts';
import type { Etcd3 } from 'etcd3';
import { keysUnder } from './clone-pair.js';

export async function countResources(etcd: Etcd3): Promise<number> {
  const keys = await keysUnder(etcd, SLICES.config.prefix);
  return keys.filter((k) => {
    const parsed = SLICES.config.resourceOf(k);
    return parsed !== undefined && parsed.plural !== 'heat_templates';
  }).length;
}
