/**
 * A live Watch of a type or of one resource, read from the edge's Server-Sent Events
 * with fetch (EventSource cannot send the bearer token). When the stream is cut it
 * reconnects from the last revision + 1, so no change is missed in between.
 */
import type { WatchEvent } from './api-types';
import { authHeaders } from './token';

export interface WatchCallbacks {
  onEvent: (e: WatchEvent) => void;
  /** true once the api says the watch is live; false while reconnecting. */
  onLive?: (live: boolean) => void;
  onError?: (message: string) => void;
}

const RETRY_MS = 500;
const MAX_RETRY_MS = 15_000;

export function liveWatch(type: string, id: string | undefined, includeCurrent: boolean, cb: WatchCallbacks): () => void {
  const abort = new AbortController();
  let nextRevision = 0;
  const path = `/api/watch/${encodeURIComponent(type)}${id ? `/${encodeURIComponent(id)}` : ''}`;

  const once = async (): Promise<void> => {
    const q = nextRevision > 0 ? `from=${nextRevision}` : includeCurrent ? 'current=1' : '';
    const res = await fetch(`${path}?${q}`, { headers: authHeaders(), signal: abort.signal });
    if (!res.ok || !res.body) throw new Error(`watch answered HTTP ${res.status}`);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += value;
      let cut: number;
      while ((cut = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (!event || data === undefined) continue;
        if (event === 'live') cb.onLive?.(true);
        else if (event === 'change') {
          const e = JSON.parse(data) as WatchEvent;
          if (!e.snapshot) nextRevision = Math.max(nextRevision, e.revision + 1);
          cb.onEvent(e);
        } else if (event === 'error') {
          const err = JSON.parse(data) as { error: { code: string; message: string } };
          throw new Error(`${err.error.code}: ${err.error.message}`);
        }
      }
    }
  };

  void (async () => {
    let wait = RETRY_MS;
    while (!abort.signal.aborted) {
      const started = Date.now();
      try {
        await once();
      } catch (err) {
        if (abort.signal.aborted) return;
        cb.onError?.(String((err as Error).message ?? err));
      }
      cb.onLive?.(false);
      // A watch that keeps failing at once (a refused token, an api away) is retried ever more slowly.
      wait = Date.now() - started > MAX_RETRY_MS ? RETRY_MS : Math.min(wait * 2, MAX_RETRY_MS);
      await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return () => abort.abort();
}
