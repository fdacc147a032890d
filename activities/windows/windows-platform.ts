// Windows in the core: enrolment with directory credentials, the inventory read at first enrolment, and what
// an inventory result adds to the device's record — all from the one Windows command table.
import {
  buildWindowsCommand,
  windowsResultFacts,
} from '../../core/windows/commands/windows-command-table.js';
import type { CorePlatform } from '../platform.js';
import { createBitLockerRecoveryImportActivities } from './bitlocker-recovery-import.activities.js';
import { createWindowsEnrollmentActivities } from './windows-enrollment.activities.js';
import { createWindowsSignInActivities } from './windows-sign-in.activities.js';

export const windowsCorePlatform: CorePlatform = {
  id: 'windows',
  activities: (deps) => ({
    ...createWindowsEnrollmentActivities(deps),
    ...createWindowsSignInActivities(deps),
    ...createBitLockerRecoveryImportActivities(deps),
  }),
  inventoryCommands: () => [
    {
      commandUuid: globalThis.crypto.randomUUID(),
      requestType: 'Inventory',
      payload: JSON.stringify(buildWindowsCommand({ command: 'Inventory' })),
    },
  ],
  resultFacts: windowsResultFacts,
};
