/**
 * Ends a job: writes the resource's /esi-worker/heat_stacks record (esi-reference §5.2
 * shapes), in one transaction with the settled stack the embedded engine left for it
 * (etcd-stack-store.ts), and publishes the result. Both are idempotent, so a repeated report is harmless
 * (the result's Nats-Msg-Id makes JetStream drop the copy).
 */
import { heatStackKey, type events, type HeatStackValue } from '@esi/contracts';
import type { Publisher } from '@esi/messaging';
import { publishJobResult } from '@esi/service-runtime';
import type { OwnedStore } from '@esi/store';
import { takeStackWrites } from './etcd-stack-store.js';
import { isFailed, type StackView } from './stack-driver.js';

export interface ReportDeps {
  store: OwnedStore;
  publisher: Publisher;
  pluralOf: (type: string) => string;
}

/** The stack's end state: a create/modify's stack, or (delete) undefined when gone. */
export async function reportStack(d: events.JobDispatched, view: StackView | undefined, deleting: boolean, deps: ReportDeps): Promise<void> {
  const job = d.job!;
  const key = heatStackKey(deps.pluralOf(job.resourceType), job.resourceId);
  const tenantId = String((job.resourceInput ?? {}).tenant_id ?? '');
  const id = `${job.resourceType}:${job.resourceId}`;
  if (view === undefined) {
    if (!deleting) throw new Error(`no stack to report for ${id}`);
    const record: HeatStackValue = { stack_id: '', tenant_id: tenantId, stack_status: 'DELETE_COMPLETE', output: [], status_reason: '', id };
    await writeRecord(deps.store, key, record);
    await publishJobResult(deps.publisher, d, { result: { heat_outputs: [] } });
    return;
  }
  const record: HeatStackValue = {
    stack_id: view.name,
    tenant_id: tenantId,
    stack_status: view.status,
    output: isFailed(view.status) ? [] : view.outputs,
    status_reason: view.reason,
    id,
  };
  await writeRecord(deps.store, key, record);
  if (isFailed(view.status)) {
    await publishJobResult(deps.publisher, d, { error: `${view.status}: ${view.reason}` });
  } else {
    await publishJobResult(deps.publisher, d, { result: { heat_outputs: deleting ? [] : view.outputs } });
  }
}

/**
 * The record, with the stack's settled state the engine left for it to write (one commit).
 * A stack this job claimed is stored only if its name is still free: otherwise nothing is
 * written and StackNameTaken is thrown.
 */
async function writeRecord(store: OwnedStore, key: string, record: HeatStackValue): Promise<void> {
  const held = takeStackWrites();
  if (!(await store.txn(held.expects, [...held.ops, { put: key, value: JSON.stringify(record) }]))) throw await held.lost();
}

/** A job that ends without reaching the stack (bad input, gave up): the result only. */
export async function reportFailure(d: events.JobDispatched, error: string, deps: ReportDeps): Promise<void> {
  await publishJobResult(deps.publisher, d, { error });
}
