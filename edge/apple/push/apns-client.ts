// The APNs provider for MDM wake-ups: one HTTP/2 connection per push topic, bounded streams, backoff on 429/5xx.
// https://developer.apple.com/documentation/devicemanagement/sending-mdm-commands-to-a-device
import { randomUUID } from 'node:crypto';
import { createApnsConnection, ApnsConnectionError } from './apns-connection.js';
import type { ApnsConnection, ApnsCredentials, PushLog } from './apns-connection.js';
import { interpretApnsResponse, type ApnsVerdict } from './apns-response.js';
import { backoffDelay, defaultBackoff, sleep, type BackoffPolicy } from './backoff.js';
import type { PushOutcome, PushSender, PushTarget } from './push-sender.js';

export const APNS_PRODUCTION_URL = 'https://api.push.apple.com';
export const APNS_SANDBOX_URL = 'https://api.sandbox.push.apple.com';

export interface ApnsClientOptions {
  /** APNS_PRODUCTION_URL, APNS_SANDBOX_URL, or a fake's https://127.0.0.1:<port>. */
  baseUrl: string;
  /** The push certificate and key for a topic; asked again whenever a connection is (re)opened after a 403. */
  credentials: (topic: string) => ApnsCredentials | Promise<ApnsCredentials>;
  extraCaPem?: string;
  /** Streams in flight per connection. APNs sets its own ceiling too; nghttp2 queues above it. */
  maxConcurrentStreams?: number;
  backoff?: BackoffPolicy;
  /** How long APNs should keep trying to deliver while the device is offline. */
  expirationSeconds?: number;
  requestTimeoutMs?: number;
  log?: PushLog;
  now?: () => number;
  random?: () => number;
}

/** Hex is all a push token can be, and checking it keeps anything else out of the :path. */
const HEX = /^[0-9a-fA-F]+$/;

export interface ApnsClient extends PushSender {
  /**
   * A renewed certificate for `topic` is installed: the next push opens a connection with it, while pushes in
   * flight finish on the old one (or are retried on the new one), so none is lost in the switch.
   */
  renewCredentials(topic: string): void;
}

export function createApnsClient(options: ApnsClientOptions): ApnsClient {
  const backoff = options.backoff ?? defaultBackoff;
  const now = options.now ?? Date.now;
  const connections = new Map<string, Promise<ApnsConnection>>();
  let closed = false;

  function connectionFor(topic: string): Promise<ApnsConnection> {
    let connection = connections.get(topic);
    if (!connection) {
      connection = Promise.resolve(options.credentials(topic)).then((credentials) =>
        createApnsConnection({
          baseUrl: options.baseUrl,
          topic,
          credentials,
          extraCaPem: options.extraCaPem,
          maxConcurrentStreams: options.maxConcurrentStreams ?? 100,
          requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
          log: options.log,
        }),
      );
      // A failed credential lookup must not stick to the topic.
      connection.catch(() => connections.delete(topic));
      connections.set(topic, connection);
    }
    return connection;
  }

  async function attempt(connection: ApnsConnection, topic: string, target: PushTarget, apnsId: string) {
    const headers = {
      'apns-topic': topic,
      'apns-push-type': 'mdm',
      'apns-priority': '10',
      'apns-expiration': String(Math.floor(now() / 1000) + (options.expirationSeconds ?? 86_400)),
      'apns-id': apnsId,
      'content-type': 'application/json',
    };
    const body = JSON.stringify({ mdm: target.pushMagic });
    try {
      const response = await connection.post(`/3/device/${target.token.toLowerCase()}`, headers, body);
      return interpretApnsResponse(target.token, response);
    } catch (error) {
      if (error instanceof ApnsConnectionError && error.retryable) {
        return { kind: 'retry', reason: error.message } satisfies ApnsVerdict;
      }
      const reason = error instanceof Error ? error.message : String(error);
      return {
        kind: 'done',
        outcome: { token: target.token, status: 'failed', reason, httpStatus: undefined },
      } satisfies ApnsVerdict;
    }
  }

  async function pushOne(topic: string, target: PushTarget): Promise<PushOutcome> {
    if (!HEX.test(target.token)) return { token: target.token, status: 'bad-token' };
    // One apns-id across retries lets Apple's delivery log tie the attempts together.
    const apnsId = randomUUID();
    let lastReason = 'not attempted';
    for (let tried = 1; tried <= backoff.maxAttempts; tried++) {
      const entry = connectionFor(topic);
      const connection = await entry;
      const verdict = await attempt(connection, topic, target, apnsId);
      if (verdict.kind === 'done') {
        if (
          verdict.outcome.status === 'failed' &&
          verdict.outcome.httpStatus === 403 &&
          connections.get(topic) === entry
        ) {
          // A revoked or renewed certificate: reconnect with fresh credentials on the next push.
          connections.delete(topic);
          void connection.close();
        }
        return verdict.outcome;
      }
      lastReason = verdict.reason;
      if (tried < backoff.maxAttempts) await sleep(backoffDelay(backoff, tried, options.random));
    }
    return { token: target.token, status: 'retry-later', reason: lastReason };
  }

  return {
    async send(topic, targets) {
      if (closed) throw new Error('the APNs client is closed');
      let outcomes: PushOutcome[];
      try {
        outcomes = await Promise.all(targets.map((target) => pushOne(topic, target)));
      } catch (error) {
        // Only the credential lookup can throw here; every target shares that failure.
        const reason = `no credentials for topic: ${error instanceof Error ? error.message : String(error)}`;
        outcomes = targets.map((t) => ({ token: t.token, status: 'failed', reason, httpStatus: undefined }));
      }
      logSummary(options.log, topic, outcomes);
      return outcomes;
    },
    renewCredentials(topic) {
      const entry = connections.get(topic);
      if (!entry) return;
      connections.delete(topic);
      void entry.then((connection) => connection.close()).catch(() => undefined);
    },
    async close() {
      closed = true;
      const all = [...connections.values()];
      connections.clear();
      await Promise.all(all.map(async (c) => (await c.catch(() => undefined))?.close()));
    },
  };
}

function logSummary(log: PushLog | undefined, topic: string, outcomes: readonly PushOutcome[]): void {
  if (!log || outcomes.length === 0) return;
  const counts: Partial<Record<PushOutcome['status'], number>> = {};
  const reasons = new Set<string>();
  for (const outcome of outcomes) {
    counts[outcome.status] = (counts[outcome.status] ?? 0) + 1;
    if (outcome.status === 'failed' || outcome.status === 'retry-later') reasons.add(outcome.reason);
  }
  // Counts and reasons only: tokens and PushMagic are secrets.
  const fields = { topic, total: outcomes.length, ...counts, reasons: [...reasons].slice(0, 5) };
  if (reasons.size > 0) log.warn(fields, 'APNs pushes not all delivered');
  else log.info(fields, 'APNs pushes sent');
}
