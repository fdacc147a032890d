// The Windows policy translator: CSP nodes from a platform-neutral policy, the commands that set and prove
// them, and compliance from the PC's answers.
export * from './csp-node.js';
export { translateWindowsPolicy } from './translate-policy.js';
export {
  applyNodeCommands,
  checkNodesCommand,
  removeNodeCommand,
  WINDOWS_POLICY_CHECK,
} from './policy-commands.js';
export { nodeReadTargets, reportedNodeValues, verifyNodes } from './node-verification.js';
export { windowsPolicyCompliance, type NodeState } from './policy-compliance.js';
