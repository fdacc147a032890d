// The provider's answer at a sign-in callback: the code exchanged (PKCE), state, nonce and the ID token checked.
import * as client from 'openid-client';

export interface OpenSignIn {
  /** The redirect URI the sign-in began with; the exchange must name the same one. */
  redirectUri: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

/**
 * The ID token's claims, or undefined when the provider's answer is refused (an error response, a wrong state
 * or nonce, a bad signature or audience): the library marks those checks with OAUTH_* codes, and they are final.
 * Anything else (the provider unreachable) is thrown, so the caller's activity is retried.
 */
export async function verifySignInAnswer(
  config: client.Configuration,
  signIn: OpenSignIn,
  search: string,
): Promise<client.IDToken | undefined> {
  const current = new URL(signIn.redirectUri);
  current.search = search;
  try {
    const tokens = await client.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: signIn.codeVerifier,
      expectedState: signIn.state,
      expectedNonce: signIn.nonce,
      idTokenExpected: true,
    });
    return tokens.claims()!;
  } catch (error) {
    if ((error as { code?: unknown }).code?.toString().startsWith('OAUTH_')) return undefined;
    throw error;
  }
}

/** A sign-in as Keep stores it while it waits for the provider (Apple and Windows keep theirs in their own tables). */
export interface StoredSignIn {
  redirect_uri: string;
  nonce: string;
  code_verifier: string;
}

/** verifySignInAnswer for the stored sign-in a callback's `state` found. */
export function verifyStoredSignIn(
  config: client.Configuration,
  stored: StoredSignIn,
  state: string,
  search: string,
): Promise<client.IDToken | undefined> {
  return verifySignInAnswer(
    config,
    { redirectUri: stored.redirect_uri, state, nonce: stored.nonce, codeVerifier: stored.code_verifier },
    search,
  );
}

/** A fresh state, nonce and PKCE verifier, and the authorization URL that carries them. */
export async function beginSignIn(
  config: client.Configuration,
  options: { redirectUri: string; scope: string; loginHint?: string | undefined },
): Promise<{ url: URL; state: string; nonce: string; codeVerifier: string }> {
  const state = client.randomState();
  const nonce = client.randomNonce();
  const codeVerifier = client.randomPKCECodeVerifier();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: options.redirectUri,
    scope: options.scope,
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    ...(options.loginHint ? { login_hint: options.loginHint } : {}),
  });
  return { url, state, nonce, codeVerifier };
}
