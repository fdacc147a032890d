// What `keep apply` plans against a server's state: equal targets match, the folder's assignments are exact.
import { describe, expect, it } from 'vitest';
import type { AssignmentDocument, NamedTarget } from '../../../cli/apply/apply-documents.js';
import { planApply } from '../../../cli/apply/apply-plan.js';
import type { ServerState } from '../../../cli/apply/server-state.js';

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

function server(assignments: Array<{ id: string; target: NamedTarget }>): ServerState {
  return {
    teams: [{ id: 't1', name: 'sales' }],
    policies: new Map([['baseline', { id: 'p1', document: policy, assignments }]]),
  };
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
});
