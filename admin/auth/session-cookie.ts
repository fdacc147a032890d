// The console's cookies: the session, and the state of a sign-in in progress that binds it to this browser.
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

export const SESSION_COOKIE = 'keep_session';
/** Set at /auth/login, checked at /auth/callback: a callback another browser started is refused (login CSRF). */
export const LOGIN_COOKIE = 'keep_login';

export interface CookiePolicy {
  /** Only over TLS (the admin's public URL is https). */
  secure: boolean;
}

export function setSessionCookie(c: Context, policy: CookiePolicy, id: string, expiresAt: Date): void {
  setCookie(c, SESSION_COOKIE, id, {
    httpOnly: true,
    secure: policy.secure,
    // Lax, not Strict: the redirect back from the identity provider must carry the sign-in cookie.
    sameSite: 'Lax',
    path: '/',
    expires: expiresAt,
  });
}

export function clearSessionCookie(c: Context, policy: CookiePolicy): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: policy.secure });
}

export function setLoginCookie(c: Context, policy: CookiePolicy, state: string, maxAgeSeconds: number): void {
  setCookie(c, LOGIN_COOKIE, state, {
    httpOnly: true,
    secure: policy.secure,
    sameSite: 'Lax',
    path: '/auth',
    maxAge: maxAgeSeconds,
  });
}

/** Reads and clears the sign-in cookie: it serves one callback. */
export function takeLoginCookie(c: Context, policy: CookiePolicy): string | undefined {
  const state = getCookie(c, LOGIN_COOKIE);
  if (state !== undefined) deleteCookie(c, LOGIN_COOKIE, { path: '/auth', secure: policy.secure });
  return state;
}

export function sessionCookie(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}
