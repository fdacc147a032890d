import { describe, expect, it } from 'vitest';
import { mergeActivities } from '../../runtime/activity-functions.js';

describe('mergeActivities', () => {
  const ping = async () => 'pong';

  it('merges the activity tables of several owners into one', () => {
    expect(Object.keys(mergeActivities([{ a: ping }, { b: ping }]))).toEqual(['a', 'b']);
  });

  it('refuses a name two owners register, so one platform cannot shadow another', () => {
    expect(() => mergeActivities([{ enqueueCommands: ping }, { enqueueCommands: ping }])).toThrow(
      'activity enqueueCommands is registered twice',
    );
  });
});
