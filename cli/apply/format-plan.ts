// A `keep apply` plan as a person reads it: one line a change (+ create or add, ~ update, - withdraw or delete),
// fields below, then what the folder does not declare and the plan leaves.
import type { PolicyChange } from '../../core/policy/index.js';
import type { RolloutPlan } from '../../core/rollout/rollout-plan.js';
import type { NamedTarget } from './apply-documents.js';
import type { ApplyChange, NotDeclared } from './apply-plan.js';

export function formatChange(change: ApplyChange): string {
  switch (change.kind) {
    case 'Team':
      return `+ team ${change.name}`;
    case 'Label':
      return formatLabel(change);
    case 'Policy':
      return formatPolicy(change);
    case 'Assignment':
      return `${change.action === 'add' ? '+' : '-'} assignment ${change.policy}: ${formatTarget(change.target)}`;
  }
}

function formatPolicy(change: Extract<ApplyChange, { kind: 'Policy' }>): string {
  switch (change.action) {
    case 'create':
      return `+ policy ${change.name}`;
    case 'update':
      return [`~ policy ${change.name}`, ...change.changes.map(formatField)].join('\n');
    case 'delete':
      return change.waves
        ? `- delete policy ${change.name} (a removal rollout in waves ${change.waves.map(formatWave).join(', ')})`
        : `- delete policy ${change.name}`;
  }
}

function formatLabel(change: Extract<ApplyChange, { kind: 'Label' }>): string {
  switch (change.action) {
    case 'create':
      return `+ label ${change.name}: ${change.add.join(', ')}`;
    case 'update':
      return [
        `~ label ${change.name}`,
        ...change.add.map((s) => `    + device ${s}`),
        ...change.remove.map((s) => `    - device ${s}`),
      ].join('\n');
    case 'delete':
      return `- delete label ${change.name} (taken off ${change.remove.join(', ')})`;
  }
}

export function formatPlan(changes: readonly ApplyChange[], left: readonly NotDeclared[] = []): string {
  const notes = left.map((l) => `  ${l.kind.toLowerCase()} ${l.name}: ${l.note}`);
  if (changes.length === 0) return ['No changes.', ...notes].join('\n');
  const count = `${changes.length} change${changes.length === 1 ? '' : 's'}.`;
  return [...changes.map(formatChange), count, ...notes].join('\n');
}

function formatWave(wave: RolloutPlan['waves'][number]): string {
  return 'label' in wave ? `label:${wave.label}` : 'count' in wave ? String(wave.count) : `${wave.percent}%`;
}

function formatField(c: PolicyChange): string {
  switch (c.change) {
    case 'added':
      return `    + ${c.path}: ${JSON.stringify(c.after)}`;
    case 'removed':
      return `    - ${c.path}: ${JSON.stringify(c.before)}`;
    case 'changed':
      return `    ~ ${c.path}: ${JSON.stringify(c.before)} -> ${JSON.stringify(c.after)}`;
  }
}

function formatTarget(target: NamedTarget): string {
  const filters = [
    target.team === undefined ? undefined : `team ${JSON.stringify(target.team)}`,
    target.platforms && `platforms ${target.platforms.join(',')}`,
    target.minOsVersion && `OS >= ${target.minOsVersion}`,
    target.maxOsVersion && `OS <= ${target.maxOsVersion}`,
  ].filter((f): f is string => Boolean(f));
  return filters.length > 0 ? filters.join(', ') : 'every device';
}
