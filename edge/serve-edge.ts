// Serves the edge app over HTTP(S) with the connection limits that keep slow or greedy clients in bounds.
import { createServer as createHttpsServer } from 'node:https';
import type { Server } from 'node:http';
import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';

/** The `edge.*` settings of the same names; see core/config/config.schema.ts. */
export interface ConnectionLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  socketIdleTimeoutMs: number;
  maxConnections: number;
}

export interface ServeEdgeOptions {
  host: string;
  port: number;
  limits: ConnectionLimits;
  /** Client certificates are asked for but checked by the app (device identity), not by TLS. */
  tls?: { cert: string | Buffer; key: string | Buffer; requestCert?: boolean };
}

/** Resolves once listening; a listen error (port in use) rejects instead of crashing the process. */
export function serveEdgeApp(app: Hono, options: ServeEdgeOptions): Promise<ServerType> {
  const { limits } = options;
  const http = {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks the two timeouts above only this often (30 s by default), which would stretch short ones.
    connectionsCheckingInterval: Math.max(
      50,
      Math.min(30_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)),
    ),
  };
  return new Promise<ServerType>((resolve, reject) => {
    const server: ServerType = serve(
      {
        fetch: app.fetch,
        hostname: options.host,
        port: options.port,
        ...(options.tls
          ? {
              createServer: createHttpsServer,
              serverOptions: { ...http, ...options.tls, rejectUnauthorized: false },
            }
          : { serverOptions: http }),
      },
      () => resolve(server),
    );
    const node = server as Server;
    // With no 'timeout' listener Node destroys the socket: the idle cut-off for a client that went silent.
    node.setTimeout(limits.socketIdleTimeoutMs);
    node.maxConnections = limits.maxConnections;
    server.once('error', reject);
  });
}
