// Staged rollouts of a policy version: the plan, its gates, and the admin's transitions.
export * from './rollout-plan.js';
export * from './rollout-gate.js';
export * from './rollout-transition.js';
export * from './rollout-run-state.js';
export * from './rollout-progress.query.js';
export * from './rollout-target-set.query.js';
