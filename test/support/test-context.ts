// Test context in one call: a migrated database or the running planes for a test file (or describe block), set up
// before its tests and torn down after them, handed back as a lazy value read through like the real one.
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from './db.js';
import { startTestPlanes, type TestPlanes, type TestPlanesOptions } from './planes.js';

/**
 * Registers `beforeAll(start)` and `afterAll(stop)` in the calling scope. Hooks run in registration order and
 * `afterAll` in reverse, so a test's own set-up can read the value and its own teardown runs before `stop`.
 */
function useResource<T extends object>(
  name: string,
  start: () => Promise<T>,
  stop: (value: T) => Promise<void>,
): T {
  let value: T | undefined;
  beforeAll(async () => {
    value = await start();
  });
  afterAll(async () => {
    if (value) await stop(value);
    value = undefined;
  });
  return new Proxy({} as T, {
    get(_target, key) {
      if (!value) throw new Error(`${name} is read before its beforeAll ran (or after its afterAll)`);
      const field: unknown = Reflect.get(value, key);
      return typeof field === 'function' ? (field as (...args: unknown[]) => unknown).bind(value) : field;
    },
    has: (_target, key) => value !== undefined && key in value,
    // Spreading or listing the value sees its own keys, as it would on the real object.
    ownKeys: () => (value ? Reflect.ownKeys(value) : []),
    getOwnPropertyDescriptor: (_target, key) => {
      const descriptor = value && Reflect.getOwnPropertyDescriptor(value, key);
      return descriptor && { ...descriptor, configurable: true };
    },
  });
}

/** A fresh, migrated database with both plane roles, dropped after the tests. */
export function useTestDatabase(): TestDatabase {
  return useResource(
    'useTestDatabase()',
    () => createTestDatabase(),
    (database) => database.drop(),
  );
}

/** The core and edge planes (see startTestPlanes); options may be computed once earlier hooks have run. */
export function useTestPlanes(options: TestPlanesOptions | (() => TestPlanesOptions) = {}): TestPlanes {
  return useResource(
    'useTestPlanes()',
    () => startTestPlanes(typeof options === 'function' ? options() : options),
    (planes) => planes.close(),
  );
}
