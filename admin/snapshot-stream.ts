// Server-sent events for pages that watch something change (a rollout's waves, a device's commands): the route
// reads its answer once a second and sends it as a `snapshot` event whenever it differs from the last one sent.
// Authenticated like any GET (bearer token or session cookie; EventSource sends the cookie), so a console page
// needs no inline script or other origin: CSP's `connect-src 'self'` covers it. A stream ends after a while and the
// browser's EventSource opens the next one, which re-checks the session and the caller's permission.
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';

export interface SnapshotStreamOptions {
  /** How often the answer is read again (default 1 s). */
  intervalMs?: number;
  /** How long one stream lasts before the client reconnects (default 5 min). */
  lifetimeMs?: number;
}

/** What a client waits before reconnecting after a stream ends. */
const RECONNECT_MS = 1_000;

export const snapshotStreamDescription =
  'A text/event-stream: a `snapshot` event at once, then one whenever the answer changes; the stream ends after a few minutes and EventSource reconnects.';

export function snapshotStream(
  c: Context,
  read: () => Promise<unknown>,
  options: SnapshotStreamOptions = {},
): Response {
  const intervalMs = options.intervalMs ?? 1_000;
  const endAt = Date.now() + (options.lifetimeMs ?? 300_000);
  return streamSSE(c, async (stream) => {
    let last: string | undefined;
    let id = 0;
    while (!stream.aborted && !stream.closed && Date.now() < endAt) {
      const data = JSON.stringify(await read());
      if (data !== last) {
        await stream.writeSSE({ event: 'snapshot', data, id: String(++id), retry: RECONNECT_MS });
        last = data;
      }
      await stream.sleep(intervalMs);
    }
  });
}
