// A minimal platform registered through the same contracts as Apple (tests only): proof that a platform is a
// folder per plane plus one entry in each registry, and nothing Apple-shaped is needed.
import { randomBytes } from 'node:crypto';
import { testAdminPlatform, type TestAdminRecord } from './test-admin-platform.js';
import { testCorePlatform, type TestCoreRecord } from './test-core-platform.js';
import { testEdgePlatform, type TestEdgeRecord } from './test-edge-platform.js';

export { TEST_PLATFORM_SECRET_HEADER } from './test-edge-platform.js';

export function createTestPlatform() {
  const secret = randomBytes(16).toString('hex');
  const edgeRecord: TestEdgeRecord = { queued: [] };
  const coreRecord: TestCoreRecord = { inventoryBuiltOn: [] };
  const adminRecord: TestAdminRecord = { built: [] };
  return {
    secret,
    edge: testEdgePlatform(secret, edgeRecord),
    core: testCorePlatform(coreRecord),
    admin: testAdminPlatform(adminRecord),
    seen: { edge: edgeRecord, core: coreRecord, admin: adminRecord },
  };
}
