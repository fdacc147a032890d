// A `keep apply` plan as a person reads it: one line a change (+ create or add, ~ update, - withdraw), fields below.
import type { PolicyChange } from '../../core/policy/index.js';
import type { NamedTarget } from './apply-documents.js';
import type { ApplyChange } from './apply-plan.js';

export function formatChange(change: ApplyChange): string {
  switch (change.kind) {
    case 'Team':
      return `+ team ${change.name}`;
    case 'Policy':
      return change.action === 'create'
        ? `+ policy ${change.name}`
        : [`~ policy ${change.name}`, ...change.changes.map(formatField)].join('\n');
    case 'Assignment':
      return `${change.action === 'add' ? '+' : '-'} assignment ${change.policy}: ${formatTarget(change.target)}`;
  }
}

export function formatPlan(changes: readonly ApplyChange[]): string {
  if (changes.length === 0) return 'No changes.';
  const count = `${changes.length} change${changes.length === 1 ? '' : 's'}.`;
  return [...changes.map(formatChange), count].join('\n');
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
