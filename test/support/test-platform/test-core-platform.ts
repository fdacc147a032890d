// The test platform's core: one inventory command, its result as facts, and one activity of its own.
import { Context } from '@temporalio/activity';
import type { CorePlatform } from '../../../activities/platform.js';

/** The task queues of the workers that built the test platform's inventory commands. */
export interface TestCoreRecord {
  inventoryBuiltOn: string[];
}

export function testCorePlatform(record: TestCoreRecord): CorePlatform {
  return {
    id: 'test',
    activities: () => ({
      testPlatformCorePing: async () => Context.current().info.taskQueue,
    }),
    inventoryCommands: () => {
      record.inventoryBuiltOn.push(Context.current().info.taskQueue);
      return [
        {
          commandUuid: globalThis.crypto.randomUUID(),
          requestType: 'Inventory',
          payload: JSON.stringify({ ask: ['hostname', 'os'] }),
        },
      ];
    },
    resultFacts: (requestType, result) => {
      if (requestType !== 'Inventory') return undefined;
      const text = (key: string) => (typeof result[key] === 'string' ? result[key] : undefined);
      return {
        facts: { testInventory: result },
        columns: {
          ...(text('hostname') ? { name: text('hostname')! } : {}),
          ...(text('os') ? { osVersion: text('os')! } : {}),
        },
      };
    },
  };
}
