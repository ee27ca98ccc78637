/** A worker_state as a coloured badge: green done, red failed, amber in progress, grey none. */
export function stateClass(state: string): string {
  if (!state) return 'none';
  if (/_FAILED$|^failed$/.test(state)) return 'failed';
  if (/_COMPLETED$|^READ_COMPLETE$|^succeeded$|^finished$/.test(state)) return 'ok';
  return 'busy';
}

export function StateBadge({ state, pending }: { state: string; pending?: boolean }) {
  const label = state || 'no state yet';
  return (
    <span class={`badge ${pending ? 'busy' : stateClass(state)}`} data-state={state}>
      {label}
      {pending ? ' → in progress' : ''}
    </span>
  );
}
