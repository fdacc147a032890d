// Windows' admin side: commands built from the one Windows command table (core/windows/commands).
import {
  buildWindowsCommand,
  isWindowsCommandName,
  windowsCommandRequestBody,
  windowsCommands,
} from '../../core/windows/commands/windows-command-table.js';
import { parseOr400 } from '../json-body.js';
import type { AdminPlatform } from '../platform.js';

/** Commands that name OMA-DM nodes themselves carry whatever the admin wrote; the others Keep builds. */
const RAW = new Set(['Get', 'Add', 'Replace', 'Delete', 'Exec', 'Atomic']);

export const windowsAdminPlatform: AdminPlatform = {
  id: 'windows',
  commands: {
    requestBody: windowsCommandRequestBody,
    build: (body) => {
      const request = parseOr400(windowsCommandRequestBody, body);
      return {
        requestType: request.command,
        payload: JSON.stringify(buildWindowsCommand(request)),
        raw: RAW.has(request.command),
      };
    },
    permission: (requestType) =>
      isWindowsCommandName(requestType) && windowsCommands[requestType].helpdesk
        ? 'commands:send'
        : 'commands:send-any',
    // Keep's own Windows commands carry no secret; raw OMA-DM may carry anything.
    carriesSecret: (_requestType, raw) => raw,
    // No Windows command Keep offers returns a secret; BitLocker recovery keys will come through escrow.
    redactResult: (_requestType, result) => ({ result, redacted: [] }),
  },
};
