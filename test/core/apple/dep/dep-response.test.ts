import { describe, expect, it } from 'vitest';
import { appleErrorCode, classifyFailure, parseRetryAfter } from '../../../../core/apple/dep/index.js';

const now = new Date('2026-01-01T00:00:00Z');

describe('DEP failure table', () => {
  it.each([
    [401, 'UNAUTHORIZED', { kind: 'renew-session' }],
    [403, 'FORBIDDEN', { kind: 'renew-session' }],
    [403, 'T_C_NOT_SIGNED', { kind: 'terms-not-signed' }],
    [400, 'EXPIRED_CURSOR', { kind: 'cursor-expired' }],
    [400, 'INVALID_CURSOR', { kind: 'cursor-invalid' }],
    [400, 'CURSOR_REQUIRED', { kind: 'fail', status: 400 }],
    [500, undefined, { kind: 'fail', status: 500 }],
  ])('maps %i %s to its action', (status, code, expected) => {
    expect(classifyFailure(status, code, null, now)).toEqual(expected);
  });

  it('retries 429 and 503 with Apple’s Retry-After in seconds or as a date', () => {
    expect(classifyFailure(429, undefined, '7', now)).toEqual({ kind: 'retry', afterMs: 7000, status: 429 });
    expect(classifyFailure(503, undefined, 'Thu, 01 Jan 2026 00:00:30 GMT', now)).toEqual({
      kind: 'retry',
      afterMs: 30_000,
      status: 503,
    });
    expect(classifyFailure(503, undefined, null, now)).toEqual({
      kind: 'retry',
      afterMs: undefined,
      status: 503,
    });
  });

  it('ignores an unreadable Retry-After and never waits a negative time', () => {
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
  });

  it('reads Apple’s error code bare, quoted or in JSON, and keeps nothing else', () => {
    expect(appleErrorCode('EXPIRED_CURSOR\n')).toBe('EXPIRED_CURSOR');
    expect(appleErrorCode('"INVALID_CURSOR"')).toBe('INVALID_CURSOR');
    expect(appleErrorCode('{"code":"T_C_NOT_SIGNED"}')).toBe('T_C_NOT_SIGNED');
    expect(appleErrorCode('<html>proxy error for session abc123</html>')).toBeUndefined();
  });
});
