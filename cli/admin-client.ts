// The `keep` admin commands' client of the admin API: base URL, token and TLS trust from the environment.
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';

/** Where the dev stack serves the admin API. */
export const DEFAULT_ADMIN_URL = 'http://127.0.0.1:8080';

/** What the admin commands need to reach the admin API; read from the environment, never logged. */
export interface AdminClientSettings {
  baseUrl: URL;
  token: string;
  /** CA certificates (PEM) trusted beside the system's, for an admin API on a private CA. */
  caPem?: string;
}

/** A setting is missing or unreadable; the message names the variable. */
export class AdminClientConfigError extends Error {
  override readonly name = 'AdminClientConfigError';
}

/** The admin API refused a request (its `error` names the field) or could not be reached. */
export class AdminApiError extends Error {
  override readonly name = 'AdminApiError';
  constructor(
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * `KEEP_ADMIN_URL` (default the dev stack's), `KEEP_ADMIN_TOKEN` or `KEEP_ADMIN_TOKEN_FILE` (the dev stack's
 * `.state/admin-token`), and `KEEP_ADMIN_CA_FILE`.
 */
export function adminClientSettings(env: NodeJS.ProcessEnv): AdminClientSettings {
  let baseUrl: URL;
  try {
    baseUrl = new URL(env.KEEP_ADMIN_URL ?? DEFAULT_ADMIN_URL);
  } catch (cause) {
    throw new AdminClientConfigError('KEEP_ADMIN_URL: not a URL', { cause });
  }
  if (baseUrl.protocol !== 'http:' && baseUrl.protocol !== 'https:')
    throw new AdminClientConfigError('KEEP_ADMIN_URL: must be http or https');
  const token = env.KEEP_ADMIN_TOKEN ?? readSetting(env, 'KEEP_ADMIN_TOKEN_FILE')?.trim();
  if (!token)
    throw new AdminClientConfigError(
      'KEEP_ADMIN_TOKEN or KEEP_ADMIN_TOKEN_FILE is required (an admin API token)',
    );
  const caPem = readSetting(env, 'KEEP_ADMIN_CA_FILE');
  return { baseUrl, token, ...(caPem ? { caPem } : {}) };
}

function readSetting(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const file = env[name];
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    throw new AdminClientConfigError(`${name}: cannot read ${file}`, { cause });
  }
}

export interface AdminClient {
  /** The parsed JSON answer of a 2xx; anything else is an AdminApiError with the API's message. */
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
}

export function createAdminClient(settings: AdminClientSettings): AdminClient {
  return {
    request: async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const url = new URL(path, settings.baseUrl);
      const { status, text } = await send(settings, url, method, body);
      const json = text ? (JSON.parse(text) as unknown) : undefined;
      if (status >= 200 && status < 300) return json as T;
      const reason = (json as { error?: unknown } | undefined)?.error;
      throw new AdminApiError(
        `${method} ${url.pathname}: ${status} ${typeof reason === 'string' ? reason : 'refused'}`,
        status,
      );
    },
  };
}

function send(
  settings: AdminClientSettings,
  url: URL,
  method: string,
  body: unknown,
): Promise<{ status: number; text: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = {
    authorization: `Bearer ${settings.token}`,
    accept: 'application/json',
    ...(payload === undefined
      ? {}
      : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }),
  };
  return new Promise((resolve, reject) => {
    const onResponse = (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    };
    const req =
      url.protocol === 'https:'
        ? httpsRequest(
            url,
            { method, headers, ...(settings.caPem ? { ca: [...rootCertificates, settings.caPem] } : {}) },
            onResponse,
          )
        : httpRequest(url, { method, headers }, onResponse);
    req.on('error', (cause) =>
      reject(
        new AdminApiError(`cannot reach the admin API at ${url.origin}: ${cause.message}`, undefined, {
          cause,
        }),
      ),
    );
    req.end(payload);
  });
}
