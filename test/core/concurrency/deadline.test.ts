import { describe, expect, it } from 'vitest';
import { DeadlineError, withDeadline } from '../../../core/concurrency/deadline.js';

const never = new Promise<never>(() => undefined);

describe('withDeadline', () => {
  it('answers with the work when it settles first, success or failure', async () => {
    await expect(withDeadline(Promise.resolve(7), 1_000)).resolves.toBe(7);
    await expect(withDeadline(Promise.reject(new Error('boom')), 1_000)).rejects.toThrow('boom');
  });

  it('rejects with a DeadlineError naming the deadline when the work does not settle', async () => {
    const error = await withDeadline(never, 5).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineError);
    expect(error).toMatchObject({ ms: 5, message: 'no answer in 5 ms' });
  });

  it('answers with the fallback instead, when one is given', async () => {
    await expect(withDeadline(never, 5, () => 'late' as const)).resolves.toBe('late');
  });
});
