// Routes the Temporal SDK's own logs into Keep's structured logger, once per process, before any worker starts.
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../core/log/logger.js';

const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

let installed = false;

/** `metrics`: where the SDK's own Prometheus exporter listens (worker and client metrics: polls, task latencies). */
export function installTemporalRuntime(
  log: Logger,
  level: LogLevel = 'WARN',
  metrics?: { host: string; port: number },
): void {
  if (installed) return;
  installed = true;
  Runtime.install({
    ...(metrics
      ? { telemetryOptions: { metrics: { prometheus: { bindAddress: `${metrics.host}:${metrics.port}` } } } }
      : {}),
    // Keep's processes stop their workers themselves on SIGINT/SIGTERM, in order, then exit 0.
    shutdownSignals: [],
    logger: new DefaultLogger(level, (entry) => log[levels[entry.level]]({ ...entry.meta }, entry.message)),
  });
}
