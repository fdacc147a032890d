// Turns one APNs HTTP/2 response into a per-device outcome, or a request to try again.
// https://developer.apple.com/documentation/usernotifications/handling-notification-responses-from-apns
import type { PushOutcome } from './push-sender.js';

export interface ApnsResponse {
  status: number;
  apnsId: string | undefined;
  /** The JSON error body; empty on success. */
  body: string;
}

export type ApnsVerdict = { kind: 'done'; outcome: PushOutcome } | { kind: 'retry'; reason: string };

/** The error body APNs sends with every non-200 status. */
interface ApnsErrorBody {
  reason?: string;
  /** Milliseconds since the epoch; present with 410. */
  timestamp?: number;
}

export function interpretApnsResponse(token: string, response: ApnsResponse): ApnsVerdict {
  const { status } = response;
  if (status === 200) {
    return { kind: 'done', outcome: { token, status: 'sent', apnsId: response.apnsId ?? '' } };
  }
  const error = parseErrorBody(response.body);
  const reason = error.reason ?? `HTTP ${status}`;
  switch (true) {
    case status === 410:
      // Both Unregistered and ExpiredToken mean: stop pushing until the device sends a newer token.
      return {
        kind: 'done',
        outcome: { token, status: 'unregistered', timestamp: error.timestamp },
      };
    case status === 400 && reason === 'BadDeviceToken':
      return { kind: 'done', outcome: { token, status: 'bad-token' } };
    case status === 429 || status === 500 || status === 503:
      return { kind: 'retry', reason };
    default:
      return { kind: 'done', outcome: { token, status: 'failed', reason, httpStatus: status } };
  }
}

export function parseErrorBody(body: string): ApnsErrorBody {
  if (body.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null) return {};
    const { reason, timestamp } = parsed as Record<string, unknown>;
    return {
      ...(typeof reason === 'string' ? { reason } : {}),
      ...(typeof timestamp === 'number' && Number.isFinite(timestamp) ? { timestamp } : {}),
    };
  } catch {
    return {};
  }
}
