// An admin API answer kept live by server-sent events (`snapshot` events from the route's /events twin), falling
// back to polling the answer itself when the stream cannot open (an old browser, a proxy that buffers, a refusal).
import { useEffect, useState } from 'react';
import { useApi, type Loaded } from './use-api';

const FALLBACK_POLL_MS = 3_000;

export function useLiveApi<T>(path: string, eventsPath: string): Loaded<T> {
  const [streaming, setStreaming] = useState(typeof EventSource !== 'undefined');
  const loaded = useApi<T>(path, streaming ? undefined : FALLBACK_POLL_MS);
  const [latest, setLatest] = useState<{ path: string; data: T }>();
  useEffect(() => {
    if (loaded.data !== undefined) setLatest({ path, data: loaded.data });
  }, [loaded.data, path]);
  useEffect(() => {
    if (!streaming) return;
    const source = new EventSource(eventsPath);
    source.addEventListener('snapshot', (event) => {
      setLatest({ path, data: JSON.parse((event as MessageEvent<string>).data) as T });
    });
    // A stream that ends is reopened by the browser (CONNECTING); one refused for good is CLOSED: poll instead.
    source.onerror = () => source.readyState === EventSource.CLOSED && setStreaming(false);
    return () => source.close();
  }, [eventsPath, path, streaming]);
  return {
    data: latest?.path === path ? latest.data : undefined,
    error: loaded.error,
    reload: loaded.reload,
  };
}
