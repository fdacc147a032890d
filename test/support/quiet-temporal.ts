// Test files run workers in-process: keep the SDK to warnings so test output stays readable.
import { createLogger } from '../../core/log/logger.js';
import { installTemporalRuntime } from '../../runtime/temporal-runtime.js';

installTemporalRuntime(createLogger('temporal', 'warn'));
