// The admin API over the test planes' core database and Temporal, with a bootstrap token the test holds.
import { createAdminApp, type AdminAppDeps } from '../../admin/app.js';
import { hashToken } from '../../admin/auth/token-hash.js';
import { createLogger } from '../../core/log/logger.js';
import type { TestPlanes } from './planes.js';

export function planesAdminApp(
  planes: TestPlanes,
  bootstrapToken: string,
  more: Partial<AdminAppDeps> = {},
): ReturnType<typeof createAdminApp> {
  return createAdminApp({
    log: createLogger('test', 'silent'),
    healthProbes: {},
    db: planes.database.core.db,
    temporal: planes.temporal,
    bootstrapTokenHash: hashToken(bootstrapToken),
    coreTaskQueue: planes.coreConfig.core.taskQueue,
    edgeTaskQueue: planes.edgeConfig.edge.taskQueue,
    temporalTimeoutMs: 20_000,
    ...more,
  });
}
