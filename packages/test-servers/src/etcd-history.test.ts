// The etcd every launcher here starts compacts its history on its own, so a long-running
// stack does not fill etcd's quota with superseded revisions. Real etcd, through its
// JSON gateway (keys and values in base64).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ETCD_HISTORY_RETENTION, startEtcd, type RunningServer } from './infra.js';
import { pollUntil } from './poll-until.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

async function call(url: string, path: string, body: object): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${url}/v3/${path}`, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function put(url: string, key: string, value: string): Promise<number> {
  const { json } = await call(url, 'kv/put', { key: b64(key), value: b64(value) });
  return Number((json.header as { revision: string }).revision);
}

describe('etcd started by startEtcd', () => {
  let server: RunningServer | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    server = dir = undefined;
  });

  it('compacts superseded revisions once they are older than its retention', async () => {
    dir = mkdtempSync(join(tmpdir(), 'etcd-history-'));
    server = await startEtcd(dir, undefined, { historyRetention: '2s' });
    const first = await put(server.url, 'k', 'one');
    await put(server.url, 'k', 'two');
    const before = await call(server.url, 'kv/range', { key: b64('k'), revision: String(first) });
    expect(before.status).toBe(200);
    expect(Buffer.from((before.json.kvs as { value: string }[])[0]!.value, 'base64').toString()).toBe('one');
    // Periodic compaction only moves on while the revision does: keep writing.
    let n = 0;
    const gone = await pollUntil(
      'the first revision to be compacted',
      async () => {
        await put(server!.url, 'tick', String(n++));
        const old = await call(server!.url, 'kv/range', { key: b64('k'), revision: String(first) });
        return old.status !== 200 && /compacted/.test(JSON.stringify(old.json)) ? old : undefined;
      },
      20_000,
      500,
    );
    expect(JSON.stringify(gone.json)).toMatch(/required revision has been compacted/);
    const now = await call(server.url, 'kv/range', { key: b64('k') });
    expect(Buffer.from((now.json.kvs as { value: string }[])[0]!.value, 'base64').toString()).toBe('two');
  }, 40_000);

  it.runIf(process.platform === 'linux')(`keeps ${ETCD_HISTORY_RETENTION} of history unless told otherwise`, async () => {
    dir = mkdtempSync(join(tmpdir(), 'etcd-history-'));
    server = await startEtcd(dir);
    const args = readFileSync(`/proc/${server.process.proc.pid}/cmdline`, 'utf8').split('\0');
    expect(args[args.indexOf('--auto-compaction-mode') + 1]).toBe('periodic');
    expect(args[args.indexOf('--auto-compaction-retention') + 1]).toBe(ETCD_HISTORY_RETENTION);
  });
});
