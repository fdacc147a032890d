// Starts the shared stack and both planes in this process, for benchmarks.
import { createServer as createHttpsServer } from 'node:https';
import { serve, type ServerType } from '@hono/node-server';
import { servedOnLoopback, type ServedEdge } from '../support/served-edge.js';
import { startKeepTestStack } from '../support/start-stack.js';
import { startTestPlanes, type TestPlanes, type TestPlanesOptions } from '../support/planes.js';
import '../support/quiet-temporal.js';

export interface BenchPlanes {
  planes: TestPlanes;
  close(): Promise<void>;
}

export async function startBenchPlanes(options: TestPlanesOptions = {}): Promise<BenchPlanes> {
  const running = await startKeepTestStack();
  try {
    const planes = await startTestPlanes(options, running.stack);
    return {
      planes,
      async close() {
        await planes.close();
        await running.stop();
      },
    };
  } catch (error) {
    await running.stop();
    throw error;
  }
}

export type { ServedEdge };

/** Any fetch handler (the edge app, the admin app) on 127.0.0.1 and a free port. */
export async function serveOnLoopback(
  fetch: (request: Request) => Response | Promise<Response>,
  tls?: { certPem: string; keyPem: string },
): Promise<ServedEdge> {
  const server = await new Promise<ServerType>((resolve) => {
    const s: ServerType = serve(
      {
        fetch,
        hostname: '127.0.0.1',
        port: 0,
        ...(tls
          ? { createServer: createHttpsServer, serverOptions: { cert: tls.certPem, key: tls.keyPem } }
          : {}),
      },
      () => resolve(s),
    );
  });
  return servedOnLoopback(server, Boolean(tls));
}
