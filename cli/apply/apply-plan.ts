// What `keep apply` would change: the folder's documents against what the server holds, in the order to apply.
import { canonicalJson } from '../../core/json/canonical-json.js';
import { diffPolicies, policyContentHash, type Policy, type PolicyChange } from '../../core/policy/index.js';
import {
  ApplyDocumentsError,
  type ApplyDocument,
  type ApplyProblem,
  type AssignmentDocument,
  type LabelDocument,
  type NamedTarget,
} from './apply-documents.js';
import type { RolloutPlan } from '../../core/rollout/rollout-plan.js';
import type { LabelledDevice, ServerState } from './server-state.js';

/**
 * One change, in apply order: teams first (assignments name them), then labels, then policies, then assignments — added
 * before withdrawn, so a device selected by both the old and the new targets never loses the policy between —
 * and with `--prune`, last, the policies the folder no longer declares.
 */
export type ApplyChange =
  | { kind: 'Team'; action: 'create'; name: string }
  /** The serial numbers the label is put on and taken off (`id:<id>` for a device that reported none). */
  | { kind: 'Label'; action: 'create' | 'update'; name: string; add: string[]; remove: string[] }
  /** `--prune` only, last: a label the folder no longer declares, taken off every device carrying it. */
  | { kind: 'Label'; action: 'delete'; name: string; remove: string[] }
  | { kind: 'Policy'; action: 'create'; name: string }
  | { kind: 'Policy'; action: 'update'; name: string; changes: PolicyChange[] }
  | { kind: 'Assignment'; action: 'add'; policy: string; target: NamedTarget }
  | { kind: 'Assignment'; action: 'remove'; policy: string; target: NamedTarget; assignmentId: string }
  /** `--prune` only, last: a policy the folder no longer declares; `waves` when it goes as a removal rollout. */
  | { kind: 'Policy'; action: 'delete'; name: string; policyId: string; waves?: RolloutPlan['waves'] };

export interface ApplyOptions {
  /**
   * Delete what the folder does not declare: policies, the assignments of a policy with no Assignment, and
   * labels (taken off their devices).
   */
  prune?: boolean;
  /** Remove a deleted policy that is still assigned through a removal rollout in these waves, not at once. */
  removalWaves?: RolloutPlan['waves'];
}

/** What the server holds that the folder does not declare, and why it is left. */
export interface NotDeclared {
  kind: 'Policy' | 'Label';
  name: string;
  note: string;
}

/** Throws ApplyDocumentsError when an assignment names a policy or team that neither side holds. */
export function planApply(
  documents: readonly ApplyDocument[],
  server: ServerState,
  options: ApplyOptions = {},
): ApplyChange[] {
  const teams = documents.flatMap((d) => (d.kind === 'Team' ? [d] : []));
  const policies = documents.flatMap((d) => (d.kind === 'Policy' ? [d.policy] : []));
  const assignments = documents.flatMap((d) => (d.kind === 'Assignment' ? [d] : []));
  const labels = documents.flatMap((d) => (d.kind === 'Label' ? [d] : []));
  checkDevices(labels, server.devicesBySerial);
  checkReferences(assignments, new Set([...teams.map((t) => t.name), ...server.teams.map((t) => t.name)]), [
    ...policies.map((p) => p.name),
    ...server.policies.keys(),
  ]);

  const serverTeams = new Set(server.teams.map((t) => t.name));
  const changes: ApplyChange[] = teams
    .filter((t) => !serverTeams.has(t.name))
    .map((t) => ({ kind: 'Team', action: 'create', name: t.name }));
  for (const label of labels) changes.push(...labelChange(label, server.labels.get(label.name) ?? []));
  for (const policy of policies)
    changes.push(...policyChange(policy, server.policies.get(policy.name)?.document));
  const withdrawn: ApplyChange[] = [];
  // Pruning, a policy declared without an Assignment document is assigned nowhere.
  const unassigned = options.prune
    ? policies.filter((p) => !assignments.some((a) => a.policy === p.name)).map((p) => p.name)
    : [];
  for (const a of [...assignments, ...unassigned.map((policy) => ({ policy, targets: [] }))]) {
    const held = server.policies.get(a.policy)?.assignments ?? [];
    const wanted = new Map(a.targets.map(({ target }) => [targetKey(target), target]));
    const kept = new Set<string>();
    for (const { id, target } of held) {
      const key = targetKey(target);
      // A target held twice is withdrawn once: the folder says what the assignments are, exactly.
      if (wanted.has(key) && !kept.has(key)) kept.add(key);
      else
        withdrawn.push({ kind: 'Assignment', action: 'remove', policy: a.policy, target, assignmentId: id });
    }
    for (const [key, target] of wanted)
      if (!kept.has(key)) changes.push({ kind: 'Assignment', action: 'add', policy: a.policy, target });
  }
  const deleted: ApplyChange[] = [];
  if (options.prune)
    for (const [name, held] of server.policies)
      if (!declaredPolicies(documents).has(name) && held.activeRolloutId === undefined)
        deleted.push({
          kind: 'Policy',
          action: 'delete',
          name,
          policyId: held.id,
          ...(options.removalWaves && (held.assignmentCount ?? 0) > 0 && { waves: options.removalWaves }),
        });
  if (options.prune) {
    const declared = new Set(labels.map((l) => l.name));
    for (const [name, carrying] of server.labels)
      if (!declared.has(name) && carrying.length > 0)
        deleted.push({ kind: 'Label', action: 'delete', name, remove: carrying.map((d) => d.serial) });
  }
  return [...changes, ...withdrawn, ...deleted];
}

/** The label on exactly the devices the document names; a device already carrying it is left as it is. */
function labelChange(label: LabelDocument, carrying: readonly LabelledDevice[]): ApplyChange[] {
  const wanted = new Set(label.devices.map((d) => d.serial));
  const held = new Set(carrying.map((d) => d.serial));
  const add = [...wanted].filter((s) => !held.has(s));
  const remove = [...held].filter((s) => !wanted.has(s));
  if (add.length === 0 && remove.length === 0) return [];
  return [{ kind: 'Label', action: held.size === 0 ? 'create' : 'update', name: label.name, add, remove }];
}

/** A label document names devices the server holds: a serial number no device has is a typo, or not enrolled yet. */
function checkDevices(labels: readonly LabelDocument[], devicesBySerial: ReadonlyMap<string, unknown>): void {
  const problems: ApplyProblem[] = labels.flatMap((l) =>
    l.devices.flatMap(({ serial, source }, i) =>
      devicesBySerial.has(serial)
        ? []
        : [
            {
              ...source,
              path: `devices[${i}]`,
              message: `no device with serial number ${JSON.stringify(serial)} on the server`,
            },
          ],
    ),
  );
  if (problems.length > 0) throw new ApplyDocumentsError(problems);
}

/** Named by a Policy or an Assignment document. */
function declaredPolicies(documents: readonly ApplyDocument[]): Set<string> {
  return new Set(
    documents.flatMap((d) =>
      d.kind === 'Policy' ? [d.policy.name] : d.kind === 'Assignment' ? [d.policy] : [],
    ),
  );
}

/** Policies on the server the folder does not declare and the plan leaves (all of them, without `--prune`). */
export function notDeclared(
  documents: readonly ApplyDocument[],
  server: ServerState,
  options: ApplyOptions = {},
): NotDeclared[] {
  const declared = declaredPolicies(documents);
  const labels = new Set(documents.flatMap((d) => (d.kind === 'Label' ? [d.name] : [])));
  const leftLabels: NotDeclared[] = options.prune
    ? []
    : server.labelNames
        .filter((name) => !labels.has(name))
        .map((name) => ({
          kind: 'Label',
          name,
          note: 'not declared; left (--prune takes it off its devices)',
        }));
  const leftPolicies = [...server.policies].flatMap(([name, held]): NotDeclared[] => {
    if (declared.has(name)) return [];
    if (!options.prune) return [{ kind: 'Policy', name, note: 'not declared; left (--prune deletes it)' }];
    if (held.activeRolloutId === undefined) return [];
    return [
      {
        kind: 'Policy',
        name,
        note: `not declared; rollout ${held.activeRolloutId} of it is in progress, so a later apply deletes it once it ends`,
      },
    ];
  });
  return [...leftPolicies, ...leftLabels];
}

function policyChange(policy: Policy, held: Policy | undefined): ApplyChange[] {
  if (!held) return [{ kind: 'Policy', action: 'create', name: policy.name }];
  if (policyContentHash(held) === policyContentHash(policy)) return [];
  const changes = diffPolicies(held, policy).map((c) => ({
    ...c,
    ...('before' in c ? { before: redacted(c.before, c.path) } : {}),
    ...('after' in c ? { after: redacted(c.after, c.path) } : {}),
  }));
  return [{ kind: 'Policy', action: 'update', name: policy.name, changes }];
}

/** A plan is printed into CI logs: a Wi-Fi password or a raw payload's secret shows only that it changed. */
const SECRET_FIELD = /passw|passphrase|secret|token|challenge/i;

function redacted(value: unknown, path: string): unknown {
  if (SECRET_FIELD.test(path.split('.').at(-1) ?? '')) return '<redacted>';
  if (Array.isArray(value)) return value.map((v) => redacted(v, ''));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redacted(v, k)]));
  return value;
}

/** Equal filters are the same target, whatever the order of platforms. */
export function targetKey(target: NamedTarget): string {
  return canonicalJson({
    ...target,
    ...(target.platforms ? { platforms: [...target.platforms].sort() } : {}),
  });
}

function checkReferences(
  assignments: readonly AssignmentDocument[],
  teams: ReadonlySet<string>,
  policies: readonly string[],
): void {
  const known = new Set(policies);
  const problems: ApplyProblem[] = [];
  for (const a of assignments) {
    if (!known.has(a.policy))
      problems.push({
        ...a.source,
        path: 'policy',
        message: `no policy named ${JSON.stringify(a.policy)} in the folder or on the server`,
      });
    a.targets.forEach(({ target, source }, i) => {
      if (target.team !== undefined && !teams.has(target.team))
        problems.push({
          ...source,
          path: `targets[${i}].team`,
          message: `no team named ${JSON.stringify(target.team)} in the folder or on the server`,
        });
    });
  }
  if (problems.length > 0) throw new ApplyDocumentsError(problems);
}
