// Graceful shutdown of an HTTP server: a request in flight is answered, an idle keep-alive connection does not
// hold the close, and a request that outlives the grace period is cut so the close still ends.
import { Agent, createServer, request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServer } from '../../runtime/close-server.js';

const agents: Agent[] = [];
afterEach(() => agents.splice(0).forEach((agent) => agent.destroy()));

/** A server whose /slow answers when `release` is called and whose /hang never answers; `inFlight` once either arrived. */
async function server() {
  let release = () => {};
  let arrived = () => {};
  const inFlight = new Promise<void>((resolve) => (arrived = resolve));
  const http = createServer((req, res) => {
    if (req.url === '/') return res.end('ok');
    arrived();
    if (req.url === '/slow') release = () => res.end('done');
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as { port: number }).port;
  const agent = new Agent({ keepAlive: true });
  agents.push(agent);
  const get = (path: string) =>
    new Promise<{ status: number; body: string } | Error>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', resolve);
      });
      req.on('error', resolve);
      req.end();
    });
  return { http, get, inFlight, release: () => release() };
}

describe('closing a server gracefully', () => {
  it('answers a request in flight, without waiting on an idle keep-alive connection', async () => {
    const s = await server();
    expect(await s.get('/')).toEqual({ status: 200, body: 'ok' }); // leaves an idle keep-alive connection
    const slow = s.get('/slow');
    await s.inFlight;
    const closed = closeServer(s.http, 600_000);
    s.release();
    expect(await slow).toEqual({ status: 200, body: 'done' });
    await closed;
    expect(s.http.listening).toBe(false);
  });

  it('cuts a request that outlives the grace period, so the close ends', async () => {
    const s = await server();
    const hung = s.get('/hang');
    await s.inFlight;
    await closeServer(s.http, 100);
    expect(await hung).toBeInstanceOf(Error);
  });
});
