// One topic's HTTP/2 connection to APNs: certificate-authenticated TLS, reopened after GOAWAY, close or error.
// https://developer.apple.com/documentation/usernotifications/sending-notification-requests-to-apns
import http2 from 'node:http2';
import tls from 'node:tls';
import type { ApnsResponse } from './apns-response.js';
import { parseErrorBody } from './apns-response.js';
import {
  createConcurrencyLimit,
  type ConcurrencyLimit,
} from '../../../core/concurrency/concurrency-limit.js';

export interface ApnsCredentials {
  certPem: string;
  /** Secret: handed to TLS only, never logged. */
  keyPem: string;
}

/** Structured logger; pino's `logger.warn(fields, message)` fits. */
export interface PushLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface ApnsConnectionOptions {
  baseUrl: string;
  topic: string;
  credentials: ApnsCredentials;
  /** Trusted in addition to the system roots (the fake APNs's CA in tests). */
  extraCaPem: string | undefined;
  maxConcurrentStreams: number;
  requestTimeoutMs: number;
  log: PushLog | undefined;
}

/** The request never got an HTTP answer. `retryable` is false when TLS itself refused us. */
export class ApnsConnectionError extends Error {
  override readonly name = 'ApnsConnectionError';
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ApnsConnection {
  /** POSTs `body` to `path`; every stream passes through the connection's concurrency bound. */
  post(path: string, headers: Record<string, string>, body: string): Promise<ApnsResponse>;
  /** Closes gracefully: streams in flight finish, new pushes are refused as retryable. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;
const CLOSE_GRACE_MS = 2_000;

export function createApnsConnection(options: ApnsConnectionOptions): ApnsConnection {
  const limit: ConcurrencyLimit = createConcurrencyLimit(options.maxConcurrentStreams);
  const ca = options.extraCaPem ? [...tls.rootCertificates, options.extraCaPem] : undefined;
  let session: http2.ClientHttp2Session | undefined;
  // A refused handshake reaches only the session, so its pending requests hear about it through this table.
  const pending = new WeakMap<http2.ClientHttp2Session, Set<(error: unknown) => void>>();
  let closed = false;

  function currentSession(): http2.ClientHttp2Session {
    if (session && !session.closed && !session.destroyed) return session;
    const opened = http2.connect(options.baseUrl, {
      cert: options.credentials.certPem,
      key: options.credentials.keyPem,
      ...(ca ? { ca } : {}),
      minVersion: 'TLSv1.2',
    });
    const forget = (): void => {
      if (session === opened) session = undefined;
    };
    opened.on('goaway', (errorCode, _lastStreamId, opaqueData) => {
      // APNs explains a GOAWAY in JSON debug data (e.g. {"reason":"BadCertificate"}); streams it accepted still finish.
      const { reason } = parseErrorBody(opaqueData?.toString('utf8') ?? '');
      options.log?.info({ topic: options.topic, errorCode, reason }, 'APNs sent GOAWAY; reconnecting');
      forget();
    });
    pending.set(opened, new Set());
    opened.on('error', (error: NodeJS.ErrnoException) => {
      for (const fail of pending.get(opened) ?? []) fail(error);
      options.log?.warn(
        { topic: options.topic, code: error.code, err: error.message },
        'APNs session failed',
      );
      forget();
    });
    opened.on('close', forget);
    session = opened;
    return opened;
  }

  function request(path: string, headers: Record<string, string>, body: string): Promise<ApnsResponse> {
    // Only a retired connection is closed while pushes run; the retry goes out on its replacement.
    if (closed) return Promise.reject(new ApnsConnectionError('the APNs connection was retired', true));
    const active = currentSession();
    return new Promise<ApnsResponse>((resolve, reject) => {
      let status: number | undefined;
      let apnsId: string | undefined;
      const chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      const fail = (error: ApnsConnectionError): void => {
        if (settled) return;
        settled = true;
        waiting?.delete(onSessionError);
        reject(error);
      };
      const onSessionError = (error: unknown): void => fail(connectionError(error));
      const waiting = pending.get(active);
      waiting?.add(onSessionError);
      let stream: http2.ClientHttp2Stream;
      try {
        stream = active.request({ ':method': 'POST', ':path': path, ...headers });
      } catch (error) {
        fail(connectionError(error));
        return;
      }
      stream.setTimeout(options.requestTimeoutMs, () => {
        fail(new ApnsConnectionError(`no APNs answer within ${options.requestTimeoutMs} ms`, true));
        stream.close(http2.constants.NGHTTP2_CANCEL);
      });
      stream.on('response', (responseHeaders) => {
        status = Number(responseHeaders[':status']);
        const id = responseHeaders['apns-id'];
        apnsId = typeof id === 'string' ? id : undefined;
      });
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      });
      stream.on('error', (error) => fail(connectionError(error)));
      stream.on('close', () => {
        if (settled) return;
        if (status === undefined) {
          // Refused streams (above a GOAWAY's last stream id) close without a response and are safe to resend.
          fail(new ApnsConnectionError(`APNs closed the stream (code ${stream.rstCode ?? 'none'})`, true));
          return;
        }
        settled = true;
        waiting?.delete(onSessionError);
        resolve({ status, apnsId, body: Buffer.concat(chunks).toString('utf8') });
      });
      stream.end(body);
    });
  }

  return {
    post: (path, headers, body) => limit.run(() => request(path, headers, body)),
    async close() {
      closed = true;
      const old = session;
      session = undefined;
      if (!old || old.destroyed) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => old.destroy(), CLOSE_GRACE_MS);
        old.close(() => {
          clearTimeout(timer);
          resolve();
        });
        old.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}

/** TLS alerts and certificate verification failures will not heal by retrying. */
const PERMANENT_TLS_CODES = /^(ERR_SSL_|ERR_TLS_CERT|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_OSSL_)/;

function connectionError(error: unknown): ApnsConnectionError {
  // A failed handshake reaches pending streams as ERR_HTTP2_STREAM_CANCEL with the TLS error as its cause.
  const codes: string[] = [];
  for (let e: unknown = error; e instanceof Error && codes.length < 4; e = e.cause) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code) codes.push(code);
  }
  const permanent = codes.some((code) => PERMANENT_TLS_CODES.test(code));
  const message = error instanceof Error ? error.message : String(error);
  return new ApnsConnectionError(`${codes.join(' < ') || 'connection error'}: ${message}`, !permanent, {
    cause: error,
  });
}
