// Wakes Windows PCs through WNS: an access token by OAuth client credentials, then a raw notification POSTed to
// the channel URI the PC reported. https://learn.microsoft.com/windows/apps/design/shell/tiles-and-notifications/push-request-response-headers
import https from 'node:https';

export interface WnsSettings {
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
  /** Hosts (and their subdomains) a channel URI may name: a PC cannot make the edge POST anywhere else. */
  channelHosts: readonly string[];
  /** Extra CA for a local fake WNS (tests). */
  ca?: string;
}

/** `expired`: 410, the channel is gone until the PC opens a new one; `refused`: not a WNS channel Keep may use. */
export type WnsOutcome = 'sent' | 'expired' | 'refused' | 'failed';

export interface WnsClient {
  push(channelUri: string): Promise<WnsOutcome>;
}

interface HttpAnswer {
  status: number;
  body: string;
}

export class WnsError extends Error {
  override name = 'WnsError';
}

export function channelAllowed(channelUri: string, hosts: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(channelUri);
  } catch {
    return false;
  }
  const host = url.hostname.toLowerCase();
  return (
    url.protocol === 'https:' && !url.username && hosts.some((h) => host === h || host.endsWith(`.${h}`))
  );
}

export function createWnsClient(settings: WnsSettings): WnsClient {
  let token: Promise<string> | undefined;

  function post(url: string, headers: Record<string, string>, body: Buffer): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const request = https.request(
        url,
        {
          method: 'POST',
          headers: { ...headers, 'Content-Length': String(body.length) },
          timeout: 10_000,
          ...(settings.ca ? { ca: settings.ca } : {}),
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
          response.on('error', reject);
        },
      );
      request.on('timeout', () => request.destroy(new WnsError('WNS did not answer in time')));
      request.on('error', reject);
      request.end(body);
    });
  }

  async function fetchToken(): Promise<string> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: settings.clientId,
      client_secret: settings.clientSecret,
      scope: 'notify.windows.com',
    });
    const answer = await post(
      settings.tokenUrl,
      { 'Content-Type': 'application/x-www-form-urlencoded' },
      Buffer.from(form.toString()),
    );
    // The status only: an error body may echo the request, and the request holds the secret.
    if (answer.status !== 200) throw new WnsError(`WNS token request answered ${answer.status}`);
    const accessToken = (JSON.parse(answer.body) as { access_token?: unknown }).access_token;
    if (typeof accessToken !== 'string' || !accessToken)
      throw new WnsError('WNS token answer has no access_token');
    return accessToken;
  }

  function currentToken(): Promise<string> {
    token ??= fetchToken().catch((error: unknown) => {
      token = undefined;
      throw error;
    });
    return token;
  }

  async function send(channelUri: string): Promise<number> {
    const answer = await post(
      channelUri,
      {
        Authorization: `Bearer ${await currentToken()}`,
        'Content-Type': 'application/octet-stream',
        'X-WNS-Type': 'wns/raw',
      },
      // The payload does not matter: a raw notification on the DM client's channel starts a session.
      Buffer.from('keep'),
    );
    return answer.status;
  }

  return {
    async push(channelUri) {
      if (!channelAllowed(channelUri, settings.channelHosts)) return 'refused';
      try {
        let status = await send(channelUri);
        // 401: the token expired (they last about a day); one fresh token, one retry.
        if (status === 401) {
          token = undefined;
          status = await send(channelUri);
        }
        if (status === 200) return 'sent';
        // 410: the channel expired; 404: WNS does not know it. Either way only the PC can open a new one.
        if (status === 410 || status === 404) return 'expired';
        return 'failed';
      } catch {
        return 'failed';
      }
    },
  };
}
