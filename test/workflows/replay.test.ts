// Every recorded history in test/fixtures/histories replays against today's workflow bundle: a change that
// would break running workflows (non-determinism) fails here before it ships. Refresh the recordings with
// KEEP_RECORD_HISTORIES=1 only when a change is meant to be incompatible and versioned.
import { readdirSync, readFileSync } from 'node:fs';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { readRecordedHistory } from '../support/histories.js';
import { testStack } from '../support/stack.js';

const folder = new URL('../fixtures/histories/', import.meta.url);
const recordings = readdirSync(folder).filter((name) => name.endsWith('.history.pb'));

describe('recorded workflow histories', () => {
  it('exist', () => {
    expect(recordings.length).toBeGreaterThan(0);
  });

  it.each(recordings)('%s replays deterministically', async (name) => {
    const history = readRecordedHistory(readFileSync(new URL(name, folder)));
    expect(history.events?.length).toBeGreaterThan(10);
    await Worker.runReplayHistory({ workflowBundle: { codePath: testStack().workflowBundle } }, history);
  });
});
