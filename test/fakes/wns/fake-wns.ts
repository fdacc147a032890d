// A local WNS that speaks the documented wire format: the OAuth token endpoint (client credentials, form body)
// and channel URIs that take raw notifications with a bearer token (200, 401 for a stale token, 410 for a
// channel that expired). HTTPS on 127.0.0.1 with a test CA.
import { createServer, type Server } from 'node:https';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createTestCa, issueLoopbackServerCertificate } from '../../support/test-ca.js';

export interface FakeWns {
  tokenUrl: string;
  caPem: string;
  /** The channel URI a PC would get from Windows for this id. */
  channelUri(id: string): string;
  /** Raw notifications accepted, by channel id, in order. */
  pushes: string[];
  tokenRequests: number;
  /** Called for every accepted push (the test wakes its simulated PC here). */
  onPush: (channelId: string) => void;
  /** Every token issued so far stops working: the next push gets 401. */
  expireTokens(): void;
  /** The channel expires: pushes to it get 410 Gone. */
  expireChannel(id: string): void;
  close(): Promise<void>;
}

export async function startFakeWns(client: { clientId: string; clientSecret: string }): Promise<FakeWns> {
  const ca = createTestCa('Fake WNS CA');
  const tls = issueLoopbackServerCertificate(ca);
  const tokens = new Set<string>();
  const gone = new Set<string>();
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });

  const fake: Omit<FakeWns, 'tokenUrl' | 'channelUri' | 'close'> = {
    caPem: ca.certPem,
    pushes: [],
    tokenRequests: 0,
    onPush: () => undefined,
    expireTokens: () => tokens.clear(),
    expireChannel: (id) => gone.add(id),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await read(req);
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    if (req.method === 'POST' && url.pathname === '/accesstoken.srf') {
      fake.tokenRequests++;
      const form = new URLSearchParams(body);
      const ok =
        req.headers['content-type'] === 'application/x-www-form-urlencoded' &&
        form.get('grant_type') === 'client_credentials' &&
        form.get('scope') === 'notify.windows.com' &&
        form.get('client_id') === client.clientId &&
        form.get('client_secret') === client.clientSecret;
      if (!ok) {
        res.writeHead(400, { 'Content-Type': 'application/json' }).end('{"error":"invalid_client"}');
        return;
      }
      const token = randomBytes(16).toString('base64url');
      tokens.add(token);
      res
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ token_type: 'bearer', access_token: token, expires_in: 86400 }));
      return;
    }
    const channel = /^\/channels\/([\w-]+)$/.exec(url.pathname)?.[1];
    if (req.method !== 'POST' || !channel) {
      res.writeHead(404).end();
      return;
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer || !tokens.has(bearer)) {
      res.writeHead(401, { 'WWW-Authenticate': 'Bearer error="invalid_token"' }).end();
      return;
    }
    if (
      req.headers['x-wns-type'] !== 'wns/raw' ||
      req.headers['content-type'] !== 'application/octet-stream'
    ) {
      res.writeHead(400).end();
      return;
    }
    if (gone.has(channel)) {
      res.writeHead(410).end();
      return;
    }
    fake.pushes.push(channel);
    res.writeHead(200, { 'X-WNS-Status': 'received' }).end();
    fake.onPush(channel);
  }

  const server: Server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const origin = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return Object.assign(fake, {
    tokenUrl: `${origin}/accesstoken.srf`,
    channelUri: (id: string) => `${origin}/channels/${id}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}
