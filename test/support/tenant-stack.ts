/**
 * A stack that requires tokens, for the tenancy tests: an admin and tenants `ta` and
 * `tb`, each with a client of its own, and etcd beside to read what was stored.
 */
import { Etcd3 } from 'etcd3';
import { resourceClient, type ResourceClient } from '@esi/client';
import { startStack, type Stack, type StackOptions } from '@esi/local-stack';

export interface TwoTenantStack {
  stack: Stack;
  admin: ResourceClient;
  /** Tenant ta's client. */
  a: ResourceClient;
  /** Tenant tb's client. */
  b: ResourceClient;
  etcd: Etcd3;
  stop(): Promise<void>;
}

/** `name` keeps each file's tokens its own. */
export async function startTwoTenantStack(name: string, opts: StackOptions = {}): Promise<TwoTenantStack> {
  const tokens = { admin: `admin-token-${name}`, a: `tenant-a-token-${name}`, b: `tenant-b-token-${name}` };
  const stack = await startStack({ ...opts, env: { ...opts.env, ESI_API_TOKENS: `${tokens.admin}=admin,${tokens.a}=tenant:ta,${tokens.b}=tenant:tb` } });
  const admin = resourceClient(stack.apiAddr, { token: tokens.admin });
  const a = resourceClient(stack.apiAddr, { token: tokens.a });
  const b = resourceClient(stack.apiAddr, { token: tokens.b });
  const etcd = new Etcd3({ hosts: stack.etcdEndpoints });
  return {
    stack,
    admin,
    a,
    b,
    etcd,
    async stop() {
      for (const c of [admin, a, b]) c.close();
      etcd.close();
      await stack.stop();
    },
  };
}
