// The device workflow's policy part: reconcile the device with its desired policies (the core plans and signs,
// the workflow queues), and verify the proof the device answers with, re-applying on drift.
import { ActivityFailure, log, patched, proxyActivities } from '@temporalio/workflow';
import type { DevicePolicyActivities } from '../activities/policy/device-policy.activities.js';
import type { DeviceEvent } from '../core/device/device-event.js';
import type { DeviceCommand } from '../core/device/device-command.js';
import type { Declaration } from '../core/apple/declarative/index.js';
import type { DeclarationProfile } from '../core/apple/policy/apple-target.js';
import { reportsDeclarativeStatus } from '../core/device/device-event-wake.js';
import type { DevicePolicyState } from './device-policy.messages.js';

export function initialDevicePolicyState(): DevicePolicyState {
  return { due: false, proofCommands: [] };
}

/**
 * Whether an event answers one of this workflow's policy proofs or its enrolment inventory. A batched ingest,
 * which has no workflow state, decides the same from the command row with `policyReportNeedsWorkflow`.
 */
export function isPolicyProofReport(event: DeviceEvent, state: DevicePolicyState | undefined): boolean {
  if (event.kind !== 'command-report' || !state) return false;
  const uuid = event.data.commandUuid;
  return state.proofCommands.includes(uuid) || (state.inventoryCommands?.includes(uuid) ?? false);
}

export function devicePolicies(
  deviceId: string,
  state: DevicePolicyState,
  queue: (commands: DeviceCommand[]) => Promise<unknown>,
  /**
   * Installs the device's whole DDM declaration set at its edge, with the signed profiles its legacy declarations
   * point at; says whether the set differs from the one there.
   */
  installDeclarations: (
    declarations: Declaration[],
    profiles: DeclarationProfile[],
  ) => Promise<{ changed: boolean }>,
) {
  const core = proxyActivities<DevicePolicyActivities>({
    startToCloseTimeout: '1 minute',
    // Bounded: a plan that keeps failing must not hold up the device's other events; the next change retries.
    retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 5 },
  });
  /** Runs a policy step; its failure is logged and left to the next change, never failing the device workflow. */
  async function attempt(what: string, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      log.warn(`device policies: ${what} failed`, { deviceId, cause: error.cause?.message });
    }
  }
  return {
    changed() {
      state.due = true;
    },
    /** The device enrolled: once it has answered its inventory, derive its desired set and reconcile. */
    enrolled(inventoryCommands: string[]) {
      state.inventoryCommands = [...inventoryCommands];
    },
    /** Verifies a proof's answer (facts already recorded by the core); drift makes a reconcile due. */
    async onEvent(event: DeviceEvent): Promise<void> {
      // A DDM status report (already in the device's facts) proves or fails declarations, or shows drift.
      if (reportsDeclarativeStatus(event) && patched('ddm-status-reports')) {
        await attempt('verify', async () => {
          const { reconcile } = await core.verifyDevicePolicies({ deviceId });
          if (reconcile) state.due = true;
        });
        return;
      }
      if (event.kind !== 'command-report') return;
      if (!isPolicyProofReport(event, state)) {
        // A ProfileList the plan did not ask for (an admin's) proves the device's state as well: the ingest wakes
        // the workflow for no other unplanned answer but a zero-touch device's, which verifying leaves as it is.
        if (event.data.outcome === 'acknowledged' && patched('verify-unplanned-profile-list'))
          await attempt('verify', async () => {
            const { reconcile } = await core.verifyDevicePolicies({ deviceId });
            if (reconcile) state.due = true;
          });
        return;
      }
      if (event.data.outcome === 'not-now') return;
      const uuid = event.data.commandUuid;
      if (state.inventoryCommands?.includes(uuid)) {
        state.inventoryCommands = state.inventoryCommands.filter((u) => u !== uuid);
        if (state.inventoryCommands.length === 0) {
          delete state.inventoryCommands;
          state.due = true;
        }
        return;
      }
      state.proofCommands = state.proofCommands.filter((uuid) => uuid !== event.data.commandUuid);
      // A Windows Get answers 404 when one of its nodes is absent, and its Results still prove the others.
      // (Windows proofs are new, so no recorded history takes this path differently: no patch needed.)
      if (event.data.outcome !== 'acknowledged' && event.platform !== 'windows') return;
      await attempt('verify', async () => {
        const { reconcile } = await core.verifyDevicePolicies({ deviceId });
        if (reconcile) state.due = true;
      });
    },
    async reconcile(enrolled: boolean): Promise<void> {
      if (!state.due || !enrolled) return;
      state.due = false;
      await attempt('plan', async () => {
        const plan = await core.planDevicePolicies({ deviceId });
        const commands = [...plan.commands];
        const { ddm } = plan;
        // The plan's profiles are recorded as sent: they are queued even if the edge refuses the declarations.
        if (ddm)
          await attempt('install declarations', async () => {
            // A plan from a worker older than legacy delivery has no profiles.
            const { changed } = await installDeclarations(ddm.declarations, ddm.profiles ?? []);
            if (changed || ddm.drift) commands.push(ddm.sync);
          });
        if (commands.length > 0) await queue(commands);
        if (plan.proofCommandUuid) state.proofCommands.push(plan.proofCommandUuid);
      });
    },
  };
}
