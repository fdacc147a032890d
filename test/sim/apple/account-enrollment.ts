// The device's side of account-driven enrolment (of the organisation's device, or BYOD User Enrollment), as iOS and
// macOS run it after the user types a Managed Apple Account: service discovery, the enrolment request and its `apple-as-web` challenge, the web sign-in that ends at
// `apple-remotemanagement-user-login://authentication-results?access-token=…`, and the request with that token.
// https://developer.apple.com/documentation/devicemanagement/implementing-the-simple-authentication-account-driven-enrollment-flow

export type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

/** Opens the sign-in page as ASWebAuthenticationSession does; resolves with the URL the session ended at. */
export type WebSignIn = (url: string) => Promise<string>;

export class AccountEnrollmentError extends Error {
  override readonly name = 'AccountEnrollmentError';
  constructor(
    message: string,
    readonly response?: { status: number; body: string },
  ) {
    super(message);
  }
}

/** The `Bearer` challenge's parameters (`method`, `url`), as RFC 6750 §3 writes them. */
export function parseBearerChallenge(header: string | null): Record<string, string> {
  if (!header?.startsWith('Bearer ')) return {};
  return Object.fromEntries(
    [...header.slice(7).matchAll(/([a-z-]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!] as [string, string]),
  );
}

/** Discovery at the account's domain: the BaseURL Keep offers for `version` (`mdm-adde` or `mdm-byod`). */
export async function discoverEnrollment(fetch: Fetch, domainUrl: string, version: string): Promise<string> {
  const res = await fetch(new URL('/.well-known/com.apple.remotemanagement', domainUrl).href);
  if (res.status !== 200)
    throw new AccountEnrollmentError('discovery failed', { status: res.status, body: await res.text() });
  const { Servers } = (await res.json()) as { Servers?: { Version?: string; BaseURL?: string }[] };
  const server = Servers?.find((s) => s.Version === version);
  if (!server?.BaseURL) throw new AccountEnrollmentError(`discovery offers no ${version} server`);
  return server.BaseURL;
}

/** Runs the whole flow and answers the enrolment profile the device would install. */
export async function accountDrivenEnrollment(options: {
  fetch: Fetch;
  domainUrl: string;
  machineInfo: Uint8Array;
  signIn: WebSignIn;
  /** `mdm-byod` when the user enrols their own device (User Enrollment); the organisation's device otherwise. */
  version?: 'mdm-adde' | 'mdm-byod';
  /** Replaces the token the session returned, to try what the server does with another one. */
  presentToken?: (token: string) => string;
}): Promise<{ profile: Uint8Array; accessToken: string }> {
  const baseUrl = await discoverEnrollment(options.fetch, options.domainUrl, options.version ?? 'mdm-adde');
  const post = (authorization?: string) =>
    options.fetch(baseUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/pkcs7-signature',
        ...(authorization ? { authorization } : {}),
      },
      body: options.machineInfo,
    });
  const first = await post();
  const challenge = parseBearerChallenge(first.headers.get('www-authenticate'));
  if (first.status !== 401 || challenge.method !== 'apple-as-web' || !challenge.url)
    throw new AccountEnrollmentError('expected an apple-as-web challenge', {
      status: first.status,
      body: await first.text(),
    });
  const ended = new URL(await options.signIn(challenge.url));
  if (`${ended.protocol}//${ended.host}` !== 'apple-remotemanagement-user-login://authentication-results')
    throw new AccountEnrollmentError(`the web session ended at ${ended.protocol}//${ended.host}`);
  const accessToken = ended.searchParams.get('access-token');
  if (!accessToken) throw new AccountEnrollmentError('the web session returned no access-token');
  const presented = options.presentToken ? options.presentToken(accessToken) : accessToken;
  const answer = await post(`Bearer ${presented}`);
  if (answer.status !== 200 || answer.headers.get('content-type') !== 'application/x-apple-aspen-config')
    throw new AccountEnrollmentError('the enrolment request was refused', {
      status: answer.status,
      body: await answer.text(),
    });
  return { profile: new Uint8Array(await answer.arrayBuffer()), accessToken };
}
