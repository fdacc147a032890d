import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, REDACTED_KEYS } from '../../../core/log/logger.js';

function capture(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

describe('createLogger', () => {
  it('never writes the value of a redacted field, at the top level or nested', () => {
    const out = capture();
    const log = createLogger('test', 'info', out.stream);
    const secrets = Object.fromEntries(REDACTED_KEYS.map((key) => [key, `SECRET-${key}-VALUE`]));
    log.info({ ...secrets, nested: secrets, deeper: { inner: secrets }, keep: 'visible' }, 'event');
    expect(out.text()).toContain('visible');
    for (const key of REDACTED_KEYS) expect(out.text()).not.toContain(`SECRET-${key}-VALUE`);
    expect(out.text()).toContain('[redacted]');
  });

  it('redacts what the Temporal SDK and Keep actually log: task tokens, push magic, challenges', () => {
    const out = capture();
    createLogger('test', 'info', out.stream).warn(
      { taskToken: 'CiQwMWEy', pushMagic: 'magic', challengePassword: 'c', err: { message: 'boom' } },
      'activity failed',
    );
    expect(out.text()).not.toMatch(/CiQwMWEy|"magic"|"c"/);
    expect(out.text()).toContain('boom');
  });
});
