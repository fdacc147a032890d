// Stops an HTTP(S) server gracefully: no new connections, idle keep-alive ones closed at once, requests in
// flight given until the grace period ends, then every connection cut so shutdown never hangs on a slow client.
import type { Server } from 'node:http';

export async function closeServer(server: Server, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // A keep-alive connection whose request finishes during the close turns idle afterwards: sweep those too.
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  try {
    await closed;
  } finally {
    clearInterval(sweep);
    clearTimeout(timer);
  }
}
