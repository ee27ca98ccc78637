/**
 * Edit the body, see the jobs the change would plan (the api's dry run: nothing is
 * written), then submit it as an update of the version that was edited.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, edge } from './api';
import type { PlanAnswer, Resource } from './api-types';
import { parseJson } from './format';

export function PlanView({ resource, onSubmitted }: { resource: Resource; onSubmitted: () => void }) {
  const [text, setText] = useState('');
  const [baseVersion, setBaseVersion] = useState(resource.version);
  const [plan, setPlan] = useState<PlanAnswer>();
  const [message, setMessage] = useState('');
  useEffect(() => {
    setText(JSON.stringify(parseJson(resource.bodyJson) ?? {}, null, 2));
    setBaseVersion(resource.version);
    setPlan(undefined);
    // Only a different resource resets the editor, not each live update of this one.
  }, [resource.resourceType, resource.id]);

  const body = (): unknown => {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      setMessage(`the body is not JSON: ${(err as Error).message}`);
      return undefined;
    }
  };
  const preview = async (): Promise<void> => {
    const b = body();
    if (b === undefined) return;
    try {
      setPlan(await edge.plan(resource.resourceType, resource.id, b));
      setMessage('');
    } catch (err) {
      setMessage(err instanceof ApiError ? err.message : String(err));
    }
  };
  const submit = async (): Promise<void> => {
    const b = body();
    if (b === undefined) return;
    try {
      const r = await edge.update(resource.resourceType, resource.id, b, baseVersion);
      setMessage(`Submitted: version ${r.resource.version}.`);
      setBaseVersion(r.resource.version);
      onSubmitted();
    } catch (err) {
      setMessage(err instanceof ApiError ? err.message : String(err));
    }
  };
  return (
    <div class="plan">
      <p class="note">
        Edit the body (merged over the stored one), preview the jobs it would plan, then submit it as an update of version {baseVersion}.
      </p>
      <textarea name="body" rows={18} value={text} onInput={(ev) => setText((ev.target as HTMLTextAreaElement).value)} spellcheck={false} />
      <div class="buttons">
        <button onClick={() => void preview()}>Preview plan</button>
        <button onClick={() => void submit()}>Submit update</button>
      </div>
      {message && <p class="note" role="status">{message}</p>}
      {plan && (
        <div class="plan-answer" data-outcome={plan.outcome}>
          <p>
            <strong>{plan.outcome}</strong> {plan.action} of version {plan.version}
            {plan.error && <span class="error-text"> — {plan.error}</span>}
          </p>
          {plan.missingTemplates.length > 0 && <p class="error-text">missing templates: {plan.missingTemplates.join(', ')}</p>}
          <table>
            <thead>
              <tr>
                <th>job</th>
                <th>template</th>
                <th>waits for</th>
                <th>params</th>
              </tr>
            </thead>
            <tbody>
              {plan.jobs.map((j) => (
                <tr class="planned-job">
                  <td class="mono">
                    {j.action}:{j.handler}
                  </td>
                  <td>{j.templateId}</td>
                  <td class="mono wrap">{j.dependency.join(', ')}</td>
                  <td class="mono wrap">
                    {j.params.map((p) => `${p.param}=${p.resolvedJson || p.valueJson}${p.resolutionError ? ` (${p.resolutionError})` : ''}`).join('; ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
