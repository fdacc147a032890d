import { describe, expect, it } from 'vitest';
import type { DeviceEvent } from '../../../core/device/device-event.js';
import { wakesDeviceWorkflow } from '../../../core/device/device-event-wake.js';

const facts = (f: Record<string, unknown>): DeviceEvent => ({
  kind: 'facts-reported',
  platform: 'apple',
  enrollmentId: 'e-1',
  at: '2026-11-30T12:00:00Z',
  data: { facts: f },
});

describe('wakesDeviceWorkflow for reported facts', () => {
  it('wakes the device workflow for a DDM status report about declarations', () => {
    const report = { declarations: [{ identifier: 'keep.x', serverToken: 't', valid: 'invalid' }] };
    expect(wakesDeviceWorkflow(facts({ declarativeStatus: report }), 'd-1')).toBe(true);
  });

  it('leaves a status report naming no declaration, and other facts, to the bulk ingest', () => {
    expect(wakesDeviceWorkflow(facts({ declarativeStatus: { declarations: [] } }), 'd-1')).toBe(false);
    expect(wakesDeviceWorkflow(facts({ declarativeStatus: { ok: 1 } }), 'd-1')).toBe(false);
    expect(wakesDeviceWorkflow(facts({ profileList: [] }), 'd-1')).toBe(false);
  });
});

describe('wakesDeviceWorkflow for command reports', () => {
  const report: DeviceEvent = {
    kind: 'command-report',
    platform: 'apple',
    enrollmentId: 'e-1',
    at: '2026-11-30T12:00:00Z',
    data: { commandUuid: 'c-1', outcome: 'acknowledged', result: { SecurityInfo: {} } },
  };
  const context = { awaitingConfiguration: new Set<string>(), decidingCommands: new Set<string>() };

  it('wakes the device workflow for an answer that carries a secret to escrow, and not for a plain one', () => {
    expect(wakesDeviceWorkflow(report, 'd-1', { ...context, escrowCommands: new Set(['c-1']) })).toBe(true);
    expect(wakesDeviceWorkflow(report, 'd-1', context)).toBe(false);
  });
});
