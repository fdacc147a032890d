// Keep's one way to tell a system outside it that something happened: a JSON POST signed with a shared secret,
// used by the onboarding webhook (zero-touch) and the rollout notifications. Retries belong to the caller's
// activity, so they are durable; receivers tell a retry by the event's own id.
import { createHmac } from 'node:crypto';

/** `Keep-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: the time stops replays of old events. */
export function webhookSignature(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

/** Where a kind of event goes (fixed in the settings, never given by a caller), and the key that signs it. */
export interface WebhookReceivers {
  urls: readonly string[];
  secret?: string | undefined;
}

export class WebhookRefusedError extends Error {
  override readonly name = 'WebhookRefusedError';
}

/** POSTs `body` signed; anything but a 2xx is a `WebhookRefusedError` (retried by the activity that sent it). */
export async function postSignedWebhook(
  what: string,
  target: { url: string; secret: string },
  body: string,
  at: Date,
): Promise<void> {
  const response = await fetch(target.url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'Keep-Signature': webhookSignature(target.secret, body, at),
    },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  await response.body?.cancel();
  if (!response.ok) throw new WebhookRefusedError(`the ${what} webhook answered ${response.status}`);
}
