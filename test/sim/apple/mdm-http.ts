// The simulator's HTTP client over node:http(s), with keep-alive agents and an optional private CA.
import http from 'node:http';
import https from 'node:https';

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One pair of keep-alive agents; a fleet shares one so thousands of devices reuse a bounded socket pool. */
export interface HttpAgents {
  http: http.Agent;
  https: https.Agent;
  /** PEM of CAs trusted for the edge's TLS certificate, beside Node's defaults. */
  ca?: string[];
  timeoutMs: number;
}

export function createHttpAgents(
  options: { ca?: string[]; maxSockets?: number; timeoutMs?: number } = {},
): HttpAgents {
  const maxSockets = options.maxSockets ?? 4;
  return {
    http: new http.Agent({ keepAlive: true, maxSockets }),
    https: new https.Agent({
      keepAlive: true,
      maxSockets,
      ...(options.ca?.length ? { ca: options.ca } : {}),
    }),
    ca: options.ca,
    timeoutMs: options.timeoutMs ?? 30_000,
  };
}

export function destroyHttpAgents(agents: HttpAgents): void {
  agents.http.destroy();
  agents.https.destroy();
}

export class HttpRequestError extends Error {
  override readonly name = 'HttpRequestError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export function httpRequest(
  method: string,
  url: string,
  body: Uint8Array | undefined,
  headers: Record<string, string>,
  agents: HttpAgents,
): Promise<HttpResult> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  if (!secure && target.protocol !== 'http:') {
    return Promise.reject(new HttpRequestError(`unsupported URL scheme ${target.protocol}`));
  }
  return new Promise<HttpResult>((resolve, reject) => {
    const options: https.RequestOptions = {
      method,
      agent: secure ? agents.https : agents.http,
      headers: body ? { ...headers, 'Content-Length': String(body.byteLength) } : headers,
      timeout: agents.timeoutMs,
      ...(secure && agents.ca?.length ? { ca: agents.ca } : {}),
    };
    const request = (secure ? https : http).request(target, options, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
      response.on('error', reject);
    });
    request.on('timeout', () =>
      request.destroy(new HttpRequestError(`${method} ${target.pathname} timed out`)),
    );
    request.on('error', (cause) =>
      reject(new HttpRequestError(`${method} ${target.pathname} failed`, { cause })),
    );
    request.end(body);
  });
}

/**
 * A `fetch` over the same agents, for clients written against fetch (the SCEP client): Node's own
 * fetch cannot be given a private CA without undici.
 */
export function fetchOver(agents: HttpAgents): typeof fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => (headers[key] = value));
    const body =
      init?.body === undefined || init.body === null
        ? undefined
        : await new Response(init.body).arrayBuffer();
    const result = await httpRequest(
      init?.method ?? 'GET',
      url,
      body && new Uint8Array(body),
      headers,
      agents,
    );
    const responseHeaders = new Headers();
    for (const [key, value] of Object.entries(result.headers)) {
      if (typeof value === 'string') responseHeaders.set(key, value);
    }
    return new Response(result.status === 204 ? null : result.body, {
      status: result.status,
      headers: responseHeaders,
    });
  };
}
