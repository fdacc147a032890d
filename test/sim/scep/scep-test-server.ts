// A tiny SCEP server (node:http on 127.0.0.1) built from Keep's codec and a throw-away CA, for tests.
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CertRepOutcome, ScepRequest } from '../../../core/scep/index.js';
import {
  CA_CAPS_CONTENT_TYPE,
  PKI_MESSAGE_CONTENT_TYPE,
  ScepError,
  buildCaCertResponse,
  buildCertRep,
  parsePkiMessage,
  renderCaCaps,
} from '../../../core/scep/index.js';
import type { TestCa } from './test-ca.js';

export interface ScepTestServer {
  url: string;
  requests: ScepRequest[];
  close: () => Promise<void>;
}

/** Decides each request; the default issues when the challenge matches `challenge`. */
export type Decide = (request: ScepRequest, ca: TestCa) => CertRepOutcome;

export async function startScepTestServer(
  ca: TestCa,
  options: { challenge?: string; decide?: Decide; allowSingleDes?: boolean } = {},
) {
  const requests: ScepRequest[] = [];
  const decide: Decide =
    options.decide ??
    ((request, authority) => {
      if (request.type === 'GetCertInitial') return { status: 'FAILURE', failInfo: 'badCertId' };
      if (request.type === 'PKCSReq' && request.csr.challengePassword !== options.challenge) {
        return { status: 'FAILURE', failInfo: 'badRequest' };
      }
      return { status: 'SUCCESS', certificates: [authority.issue(request.csr), authority.certificate] };
    });

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const operation = url.searchParams.get('operation');
      if (operation === 'GetCACaps') {
        res.writeHead(200, { 'content-type': CA_CAPS_CONTENT_TYPE }).end(renderCaCaps());
      } else if (operation === 'GetCACert') {
        const { contentType, body } = buildCaCertResponse(ca.ra.certificate, [ca.certificate]);
        res.writeHead(200, { 'content-type': contentType }).end(body);
      } else if (operation === 'PKIOperation') {
        const message =
          req.method === 'POST'
            ? await readBody(req)
            : Buffer.from(url.searchParams.get('message') ?? '', 'base64');
        let reply: Buffer;
        try {
          const request = parsePkiMessage(message, {
            ra: ca.ra,
            allowSingleDes: options.allowSingleDes ?? false,
          });
          requests.push(request);
          reply = buildCertRep(request, decide(request, ca), ca.ra);
        } catch (error) {
          if (!(error instanceof ScepError) || !error.context) {
            res.writeHead(400).end('bad SCEP request');
            return;
          }
          reply = buildCertRep(error.context, { status: 'FAILURE', failInfo: error.failInfo }, ca.ra);
        }
        res.writeHead(200, { 'content-type': PKI_MESSAGE_CONTENT_TYPE }).end(reply);
      } else {
        res.writeHead(400).end('unknown operation');
      }
    })().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/scep`,
    requests,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  } satisfies ScepTestServer;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 1024 * 1024) throw new Error('body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
