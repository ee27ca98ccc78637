/**
 * Templates sent by revision, against a real etcd: a worker reads a template once, then
 * runs it from what it holds while the work names that revision, and reads again when
 * the work names another (the template changed) or none.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { templateKey } from '@esi/contracts';
import { OwnedStore } from '@esi/store';
import { startEtcd, type RunningServer } from '@esi/test-servers';
import { TemplateReader } from './template-reader.js';

let etcd: RunningServer;
let api: OwnedStore;
let worker: OwnedStore;

beforeAll(async () => {
  etcd = await startEtcd(mkdtempSync(join(tmpdir(), 'esi-templates-')));
  api = new OwnedStore([etcd.url], 'api');
  worker = new OwnedStore([etcd.url], 'heat-worker');
});
afterAll(async () => {
  api?.close();
  worker?.close();
  await etcd?.stop();
});

const putTemplate = (id: string, file: string) => api.putJson(templateKey(id), { version: 1, marked_for_deletion: false, body: JSON.stringify({ id, template_file: file }) });
const fileOf = (v: { value: { body: string } } | undefined) => (v ? (JSON.parse(v.value.body) as { template_file: string }).template_file : undefined);

describe('TemplateReader', () => {
  it('reads a template once while the work names the revision it holds', async () => {
    await putTemplate('t1', 'first');
    const reads = vi.spyOn(worker, 'read');
    const templates = new TemplateReader(worker);
    const first = await templates.read('t1', '');
    expect(fileOf(first)).toBe('first');
    expect(reads).toHaveBeenCalledTimes(1);
    expect(fileOf(await templates.read('t1', first!.modRevision))).toBe('first');
    expect(fileOf(await templates.read('t1', first!.modRevision))).toBe('first');
    expect(reads).toHaveBeenCalledTimes(1);

    // Changed: work planned with the new revision reads it.
    await putTemplate('t1', 'second');
    const planned = (await worker.read(templateKey('t1'), () => ({})))!.modRevision;
    reads.mockClear();
    expect(fileOf(await templates.read('t1', planned))).toBe('second');
    expect(reads).toHaveBeenCalledTimes(1);
    // Work sent without a revision always reads.
    await templates.read('t1', '');
    expect(reads).toHaveBeenCalledTimes(2);
    reads.mockRestore();
  });

  it('answers undefined for a template that is gone, and keeps nothing of it', async () => {
    await putTemplate('t2', 'x');
    const templates = new TemplateReader(worker);
    const held = await templates.read('t2', '');
    await api.delete(templateKey('t2'));
    expect(await templates.read('t2', '')).toBeUndefined();
    // Its old revision is not served from memory either.
    expect(await templates.read('t2', held!.modRevision)).toBeUndefined();
  });
});
