// What `keep apply` plans against a server's state: equal targets match, the folder's assignments are exact.
import { describe, expect, it } from 'vitest';
import type { AssignmentDocument, LabelDocument, NamedTarget } from '../../../cli/apply/apply-documents.js';
import { notDeclared, planApply } from '../../../cli/apply/apply-plan.js';
import type { LabelledDevice, ServerState } from '../../../cli/apply/server-state.js';

const policy = { schemaVersion: 1 as const, name: 'baseline', settings: {} };
const source = { file: 'fleet.yaml', line: 1 };

function assign(...targets: NamedTarget[]): AssignmentDocument {
  return {
    kind: 'Assignment',
    policy: 'baseline',
    targets: targets.map((target) => ({ target, source })),
    source,
  };
}

function server(
  assignments: Array<{ id: string; target: NamedTarget }>,
  labels: Record<string, LabelledDevice[]> = {},
): ServerState {
  const devicesBySerial = new Map<string, string[]>();
  for (const carrying of Object.values(labels))
    for (const { id, serial } of carrying) devicesBySerial.set(serial, [id]);
  devicesBySerial.set('C02NEW', ['d-new']);
  return {
    teams: [{ id: 't1', name: 'sales' }],
    policies: new Map([['baseline', { id: 'p1', document: policy, assignments }]]),
    labelNames: Object.keys(labels),
    labels: new Map(Object.entries(labels)),
    devicesBySerial,
  };
}

function label(name: string, ...serials: string[]): LabelDocument {
  return { kind: 'Label', name, devices: serials.map((serial) => ({ serial, source })), source };
}

describe('apply plan', () => {
  it('matches a target whatever the order of its platforms', () => {
    const held = server([{ id: 'a1', target: { team: 'sales', platforms: ['iOS', 'macOS'] } }]);
    expect(planApply([assign({ team: 'sales', platforms: ['macOS', 'iOS'] })], held)).toEqual([]);
  });

  it('withdraws a target held twice once, and one the folder no longer lists', () => {
    const held = server([
      { id: 'a1', target: {} },
      { id: 'a2', target: {} },
      { id: 'a3', target: { platforms: ['iOS'] } },
    ]);
    expect(planApply([assign({})], held)).toEqual([
      { kind: 'Assignment', action: 'remove', policy: 'baseline', target: {}, assignmentId: 'a2' },
      {
        kind: 'Assignment',
        action: 'remove',
        policy: 'baseline',
        target: { platforms: ['iOS'] },
        assignmentId: 'a3',
      },
    ]);
  });

  it('leaves the assignments of a policy without an Assignment document alone', () => {
    const held = server([{ id: 'a1', target: {} }]);
    expect(planApply([{ kind: 'Policy', policy, source }], held)).toEqual([]);
  });

  it('refuses an assignment of a policy neither side holds, naming the field', () => {
    const doc: AssignmentDocument = { ...assign({}), policy: 'missing' };
    expect(() => planApply([doc], server([]))).toThrow(
      'fleet.yaml:1: policy: no policy named "missing" in the folder or on the server',
    );
  });

  it('puts a label on the devices it lacks and takes it off those the folder no longer lists', () => {
    const held = server([], {
      canary: [
        { id: 'd1', serial: 'C02OLD' },
        { id: 'd2', serial: 'C02KEEP' },
      ],
    });
    expect(planApply([label('canary', 'C02KEEP', 'C02NEW')], held)).toEqual([
      { kind: 'Label', action: 'update', name: 'canary', add: ['C02NEW'], remove: ['C02OLD'] },
    ]);
    expect(planApply([label('canary', 'C02KEEP', 'C02OLD')], held)).toEqual([]);
    expect(planApply([label('kiosk', 'C02NEW')], held)).toEqual([
      { kind: 'Label', action: 'create', name: 'kiosk', add: ['C02NEW'], remove: [] },
    ]);
  });

  it('refuses a serial number no device has, naming the field', () => {
    expect(() => planApply([label('canary', 'C02NEW', 'C02TYPO')], server([]))).toThrow(
      'fleet.yaml:1: devices[1]: no device with serial number "C02TYPO" on the server',
    );
  });

  it('leaves an undeclared label without --prune and takes it off its devices with it', () => {
    const held = server([], { old: [{ id: 'd1', serial: 'C02OLD' }] });
    const declared = [{ kind: 'Policy' as const, policy, source }];
    expect(planApply(declared, held)).toEqual([]);
    expect(notDeclared(declared, held)).toEqual([
      { kind: 'Label', name: 'old', note: 'not declared; left (--prune takes it off its devices)' },
    ]);
    expect(planApply(declared, held, { prune: true })).toEqual([
      { kind: 'Label', action: 'delete', name: 'old', remove: ['C02OLD'] },
    ]);
  });
});
