// The test planes' edge app served over real HTTP(S) on 127.0.0.1, with the connection limits of edge/main.ts.
import type { ServerType } from '@hono/node-server';
import { serveEdgeApp } from '../../edge/serve-edge.js';
import type { TestPlanes } from './planes.js';

export interface ServedEdge {
  /** e.g. `https://127.0.0.1:41234`. */
  baseUrl: string;
  close(): Promise<void>;
}

/** Real HTTP(S) on loopback, served as edge/main.ts serves it; TLS when a certificate is given. */
export async function serveEdge(
  planes: TestPlanes,
  tls?: { certPem: string; keyPem: string },
): Promise<ServedEdge> {
  const server = await serveEdgeApp(planes.edgeApp, {
    host: '127.0.0.1',
    port: 0,
    limits: planes.edgeConfig.edge,
    ...(tls ? { tls: { cert: tls.certPem, key: tls.keyPem } } : {}),
  });
  return servedOnLoopback(server, Boolean(tls));
}

/** Where a server listening on 127.0.0.1 answers, and how to stop it with its open connections. */
export function servedOnLoopback(server: ServerType, tls: boolean): ServedEdge {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    baseUrl: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
