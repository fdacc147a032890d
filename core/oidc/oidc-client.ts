// The OIDC relying party: discovers the provider once (retrying after a failure) and holds its configuration.
import * as client from 'openid-client';

export interface OidcClientOptions {
  issuer: string;
  clientId: string;
  /** Absent: a public client, protected by PKCE alone. */
  clientSecret?: string | undefined;
  /** The caller's clock (the admin app's, the core's), so ID token times are judged against the time it keeps. */
  now: () => Date;
}

/** Plain HTTP only to a provider on this machine (a dev or test provider); anything else must be https. */
function isLoopback(url: URL): boolean {
  return ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
}

export function oidcConfiguration(options: OidcClientOptions): () => Promise<client.Configuration> {
  let pending: Promise<client.Configuration> | undefined;
  return function configuration() {
    pending ??= discover(options).catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

async function discover(options: OidcClientOptions): Promise<client.Configuration> {
  const issuer = new URL(options.issuer);
  const metadata: Partial<client.ClientMetadata> = {
    [client.clockSkew]: Math.round((options.now().getTime() - Date.now()) / 1000),
    ...(options.clientSecret ? { client_secret: options.clientSecret } : {}),
  };
  return client.discovery(
    issuer,
    options.clientId,
    metadata,
    options.clientSecret ? client.ClientSecretBasic(options.clientSecret) : client.None(),
    issuer.protocol === 'http:' && isLoopback(issuer) ? { execute: [client.allowInsecureRequests] } : {},
  );
}
