/**
 * censorSecrets walks a value once, copy-on-write: the same reference back when nothing
 * under it is a secret, copies only on the way to a censored key, the input never
 * changed; only plain objects and arrays are entered; cycles and depth are bounded.
 */
import { describe, expect, it } from 'vitest';
import { censorSecrets } from './censor-secrets.js';

const KEYS: ReadonlySet<string> = new Set(['password', 'token']);
const censor = <T>(value: T): T => censorSecrets(value, KEYS, '***');

describe('censorSecrets', () => {
  it('returns the same reference, at every level, when nothing is a secret', () => {
    const value = { resource: 'port:p1', version: 3, jobs: ['a', 'b'], job: { params: { vlan: 10, tags: [{ k: 'v' }] } }, none: null };
    expect(censor(value)).toBe(value);
    const list = [{ id: 'r1' }, [1, 2], 'x'];
    expect(censor(list)).toBe(list);
    for (const primitive of ['password', 3, true, null, undefined]) expect(censor(primitive)).toBe(primitive);
  });

  it('copies only the objects and arrays on the way to a censored key, and leaves the input as it was', () => {
    const untouched = { vlan: 10 };
    const list = ['a'];
    const value = { keep: untouched, list, routers: [{ id: 'r1' }, { id: 'r2', password: 'p' }], job: { params: { token: 't', other: untouched } } };
    const before = structuredClone(value);
    const out = censor(value);
    expect(out).toEqual({ keep: { vlan: 10 }, list: ['a'], routers: [{ id: 'r1' }, { id: 'r2', password: '***' }], job: { params: { token: '***', other: { vlan: 10 } } } });
    expect(value).toEqual(before);
    expect(out).not.toBe(value);
    expect(out.keep).toBe(untouched);
    expect(out.list).toBe(list);
    expect(out.routers).not.toBe(value.routers);
    expect(out.routers[0]).toBe(value.routers[0]);
    expect(out.job.params.other).toBe(untouched);
  });

  it('censors a secret key whatever its value holds, except undefined, which is not written', () => {
    expect(censor({ password: { user: 'u', pass: 'p' }, token: null })).toEqual({ password: '***', token: '***' });
    const absent = { password: undefined, name: 'n' };
    expect(censor(absent)).toBe(absent);
    const already = { password: '***' };
    expect(censor(already)).toBe(already);
  });

  it('enters objects without a prototype, and keeps them without one', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { password: 'p', name: 'n' });
    const out = censor(bare);
    expect(Object.getPrototypeOf(out)).toBeNull();
    expect({ ...out }).toEqual({ password: '***', name: 'n' });
    expect(bare.password).toBe('p');
  });

  it('keeps an own __proto__ key a key', () => {
    const parsed = JSON.parse('{"__proto__":{"password":"p"},"name":"n"}') as Record<string, unknown>;
    const out = censor(parsed);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"password":"***"},"name":"n"}');
  });

  it('leaves Errors, Maps, Buffers and class instances as they are', () => {
    class Holder {
      password = 'p';
    }
    const value = { err: Object.assign(new Error('e'), { password: 'p' }), map: new Map([['password', 'p']]), buf: Buffer.from('p'), holder: new Holder(), at: new Date(0) };
    expect(censor(value)).toBe(value);
  });

  it('writes a cycle as [Circular], and walks an object met twice once', () => {
    const shared = { auth: { token: 't' } };
    const node: Record<string, unknown> = { id: 'n', a: shared, b: shared, list: [] };
    node.self = node;
    (node.list as unknown[]).push(node, { back: node });
    const out = censor(node);
    expect(out).toEqual({ id: 'n', a: { auth: { token: '***' } }, b: { auth: { token: '***' } }, list: ['[Circular]', { back: '[Circular]' }], self: '[Circular]' });
    expect(out.a).toBe(out.b);
    expect(node.self).toBe(node);
    expect(shared.auth.token).toBe('t');
    // A cycle that holds no secret is still cut, so that the line can be written.
    const loop: Record<string, unknown> = { id: 'loop' };
    loop.self = loop;
    expect(censor(loop)).toEqual({ id: 'loop', self: '[Circular]' });
  });

  it('does not walk a shared object once per path to it', () => {
    // 30 levels, each pointing twice at the next: 2^30 paths to the bottom.
    let v: Record<string, unknown> = { token: 't', leaf: {} };
    for (let d = 0; d < 30; d++) v = { left: v, right: v };
    const started = performance.now();
    const out = censor(v);
    expect(performance.now() - started).toBeLessThan(1000);
    let bottom: Record<string, unknown> = out;
    while (bottom.left) bottom = bottom.left as Record<string, unknown>;
    expect(bottom.token).toBe('***');
  });

  it('reaches 32 levels below the top and stops there', () => {
    const nest = (levels: number): Record<string, unknown> => {
      let v: Record<string, unknown> = { password: 'p' };
      for (let d = 0; d < levels; d++) v = { next: v };
      return v;
    };
    const innermost = (v: Record<string, unknown>): Record<string, unknown> => {
      while (v.next) v = v.next as Record<string, unknown>;
      return v;
    };
    expect(innermost(censor(nest(32))).password).toBe('***');
    expect(innermost(censor(nest(33))).password).toBe('p');
  });
});
