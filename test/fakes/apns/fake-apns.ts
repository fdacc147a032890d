// A local APNs that speaks the provider API over HTTP/2 + mutual TLS, records pushes and fails on cue.
// https://developer.apple.com/documentation/usernotifications/sending-notification-requests-to-apns
// https://developer.apple.com/documentation/usernotifications/handling-notification-responses-from-apns
import http2 from 'node:http2';
import type { TLSSocket } from 'node:tls';
import { X509Certificate, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createTestCa, issueLoopbackServerCertificate } from '../../support/test-ca.js';

export interface RecordedPush {
  token: string;
  topic: string | undefined;
  payload: unknown;
  headers: Record<string, string>;
  status: number;
  reason: string | undefined;
  /** Serial (hex) of the provider certificate the push came with, to tell an old certificate from its renewal. */
  clientSerial: string | undefined;
}

export interface FakeApnsOptions {
  /** CA that signed the provider certificates this fake accepts. */
  clientCaPem: string;
}

export interface RunningFakeApns {
  url: string;
  /** CA of the fake's own server certificate; give it to the client as its extra trusted CA. */
  caPem: string;
  close(): Promise<void>;
}

export type PushListener = (token: string, payload: unknown) => void;

const UID = /^UID=(.*)$/m;
const TOKEN = /^([0-9a-fA-F]{2}){32,}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PUSH_TYPES = new Set([
  'alert',
  'background',
  'location',
  'voip',
  'complication',
  'fileprovider',
  'mdm',
  'liveactivity',
  'pushtotalk',
  'widgets',
  'controls',
]);
const MAX_PAYLOAD = 4096;

const SCRIPTED_REASONS = {
  403: 'BadCertificate',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
} as const;
type ScriptedStatus = keyof typeof SCRIPTED_REASONS;

export function createFakeApns(options: FakeApnsOptions) {
  const pushes: RecordedPush[] = [];
  const unregistered = new Map<string, number>();
  const badTokens = new Set<string>();
  const failures: { status: ScriptedStatus; remaining: number; token: string | undefined }[] = [];
  const listeners = new Set<PushListener>();
  const sessions = new Set<http2.ServerHttp2Session>();
  let delayMs = 0;
  let inFlight = 0;
  let maxInFlight = 0;

  function scriptedFailure(token: string): { status: number; reason: string } | undefined {
    const index = failures.findIndex((f) => f.remaining > 0 && (f.token === undefined || f.token === token));
    if (index < 0) return undefined;
    const failure = failures[index]!;
    failure.remaining--;
    const reason = SCRIPTED_REASONS[failure.status];
    return { status: failure.status, reason };
  }

  function decide(
    method: string | undefined,
    path: string,
    headers: Record<string, string>,
    body: string,
    clientTopic: string | undefined,
  ): { status: number; reason?: string; timestamp?: number; token: string; payload?: unknown } {
    const match = /^\/3\/device\/([^/?]*)$/.exec(path);
    const token = match?.[1] ?? '';
    if (!match) return { status: 404, reason: 'BadPath', token };
    if (method !== 'POST') return { status: 405, reason: 'MethodNotAllowed', token };
    const topic = headers['apns-topic'];
    if (!topic) return { status: 400, reason: 'MissingTopic', token };
    // Certificate auth: a provider certificate may push only to the topic in its own subject UID.
    if (topic !== clientTopic) return { status: 400, reason: 'TopicDisallowed', token };
    if (!token) return { status: 400, reason: 'MissingDeviceToken', token };
    if (!TOKEN.test(token)) return { status: 400, reason: 'BadDeviceToken', token };
    const pushType = headers['apns-push-type'];
    if (pushType !== undefined && !PUSH_TYPES.has(pushType))
      return { status: 400, reason: 'InvalidPushType', token };
    const id = headers['apns-id'];
    if (id !== undefined && !UUID.test(id)) return { status: 400, reason: 'BadMessageId', token };
    const priority = headers['apns-priority'];
    if (priority !== undefined && !['1', '5', '10'].includes(priority))
      return { status: 400, reason: 'BadPriority', token };
    const expiration = headers['apns-expiration'];
    if (expiration !== undefined && !/^\d+$/.test(expiration))
      return { status: 400, reason: 'BadExpirationDate', token };
    if (body.length === 0) return { status: 400, reason: 'PayloadEmpty', token };
    if (Buffer.byteLength(body) > MAX_PAYLOAD) return { status: 413, reason: 'PayloadTooLarge', token };
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch {
      return { status: 400, reason: 'BadPayload', token };
    }
    const failure = scriptedFailure(token);
    if (failure) return { ...failure, token, payload };
    if (badTokens.has(token.toLowerCase())) return { status: 400, reason: 'BadDeviceToken', token, payload };
    const gone = unregistered.get(token.toLowerCase());
    if (gone !== undefined) return { status: 410, reason: 'Unregistered', timestamp: gone, token, payload };
    return { status: 200, token, payload };
  }

  async function handle(
    stream: http2.ServerHttp2Stream,
    rawHeaders: http2.IncomingHttpHeaders,
  ): Promise<void> {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));

      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(rawHeaders)) {
        if (!name.startsWith(':') && typeof value === 'string') headers[name] = value;
      }
      const peer = (stream.session?.socket as TLSSocket | undefined)?.getPeerX509Certificate();
      const clientTopic = peer ? UID.exec(new X509Certificate(peer.raw).subject)?.[1] : undefined;
      const path = String(rawHeaders[':path'] ?? '');
      const body = Buffer.concat(chunks).toString('utf8');
      const verdict = decide(rawHeaders[':method'], path, headers, body, clientTopic);

      pushes.push({
        token: verdict.token,
        topic: headers['apns-topic'],
        payload: verdict.payload,
        headers,
        status: verdict.status,
        reason: verdict.reason,
        clientSerial: peer?.serialNumber,
      });
      if (stream.destroyed) return;
      const apnsId = headers['apns-id'] ?? randomUUID();
      if (verdict.status === 200) {
        stream.respond({ ':status': 200, 'apns-id': apnsId }, { endStream: true });
        for (const listener of listeners) listener(verdict.token, verdict.payload);
        return;
      }
      const errorBody = JSON.stringify({
        reason: verdict.reason,
        ...(verdict.timestamp !== undefined ? { timestamp: verdict.timestamp } : {}),
      });
      stream.respond({ ':status': verdict.status, 'apns-id': apnsId, 'content-type': 'application/json' });
      stream.end(errorBody);
    } finally {
      inFlight--;
    }
  }

  return {
    /** Every request seen, successful or not, in arrival order. */
    pushes,
    get maxInFlight() {
      return maxInFlight;
    },
    resetMaxInFlight() {
      maxInFlight = inFlight;
    },
    /** Answer 410 Unregistered for this token from now on; `timestamp` is ms since the epoch. */
    unregister(token: string, timestamp = Date.now()) {
      unregistered.set(token.toLowerCase(), timestamp);
    },
    /** Answer 400 BadDeviceToken for this well-formed token from now on, as APNs does for a token of another environment. */
    rejectToken(token: string) {
      badTokens.add(token.toLowerCase());
    },
    /** Answer `status` to the next `times` pushes (to `token` only, if given). */
    failNext(status: ScriptedStatus, times: number, token?: string) {
      failures.push({ status, remaining: times, token: token?.toLowerCase() });
    },
    /** Hold every response this long before answering. */
    setDelay(ms: number) {
      delayMs = ms;
    },
    /** Sends GOAWAY (with APNs-style JSON debug data) on every open connection, then closes them. */
    goAwayAll(reason = 'Shutdown') {
      for (const session of sessions) {
        session.goaway(http2.constants.NGHTTP2_NO_ERROR, undefined, Buffer.from(JSON.stringify({ reason })));
        session.close();
      }
    },
    /** Called for each delivered push: a simulated device wakes when its token is pushed. */
    onPush(listener: PushListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async start(): Promise<RunningFakeApns> {
      const serverCa = createTestCa('Fake APNs Server CA');
      const serverCert = issueLoopbackServerCertificate(serverCa);
      const server = http2.createSecureServer({
        key: serverCert.keyPem,
        cert: serverCert.certPem,
        ca: [options.clientCaPem],
        requestCert: true,
        rejectUnauthorized: true,
        allowHTTP1: false,
        settings: { maxConcurrentStreams: 1000 },
      });
      server.on('session', (session) => {
        sessions.add(session);
        session.on('close', () => sessions.delete(session));
      });
      server.on('stream', (stream, headers) => {
        handle(stream, headers).catch(() => stream.destroy());
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      const { port } = server.address() as AddressInfo;
      return {
        url: `https://127.0.0.1:${port}`,
        caPem: serverCa.certPem,
        close: () =>
          new Promise<void>((resolve) => {
            for (const session of sessions) session.close();
            server.close(() => resolve());
            setTimeout(() => {
              for (const session of sessions) session.destroy();
            }, 1_000).unref();
          }),
      };
    },
  };
}

export type FakeApns = ReturnType<typeof createFakeApns>;
