import { describe, expect, it } from 'vitest';
import {
  INVENTORY_NODES,
  windowsResultFacts,
} from '../../../../core/windows/commands/windows-command-table.js';

describe('Windows inventory facts', () => {
  it('shows Secure Boot and the TPM version from DeviceStatus as facts beside the columns', () => {
    const patch = windowsResultFacts('Inventory', {
      status: '200',
      values: {
        [INVENTORY_NODES.serialNumber]: 'SN123',
        [INVENTORY_NODES.secureBoot]: '2',
        [INVENTORY_NODES.tpmVersion]: '2.0, 0, 1.59',
      },
    });
    expect(patch?.columns).toEqual({ serialNumber: 'SN123' });
    expect(patch?.facts).toMatchObject({
      windows: { manufacturer: null, secureBoot: 'disabled', tpmVersion: '2.0, 0, 1.59' },
    });
  });

  it('leaves Secure Boot unknown when the PC does not report it, or reports a value DeviceStatus does not name', () => {
    for (const values of [{}, { [INVENTORY_NODES.secureBoot]: '7' }])
      expect(windowsResultFacts('Inventory', { status: '200', values })?.facts).toMatchObject({
        windows: { secureBoot: null, tpmVersion: null },
      });
  });
});
