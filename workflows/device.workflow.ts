// One long-running workflow per device (`device-<keepId>`): the single owner of its desired state and of
// every command's lifecycle. Woken (signal-with-start) only by events that need a decision
// (core/device/device-event-wake.ts): the device-events workflow has already written every event to the core
// DB, the state of record. Ends at check-out.
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  ParentClosePolicy,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  startChild,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { BootstrapTokenActivities } from '../activities/apple/bootstrap-token.activities.js';
import type { DeviceActivities } from '../activities/device/device.activities.js';
import type { PkiActivities } from '../activities/pki/pki.activities.js';
import type { ScepEdgeActivities } from '../edge/scep/scep.activities.js';
import type { TrustActivities } from '../edge/trust.activities.js';
import type { DeviceCommandActivities } from '../edge/device-command.activities.js';
import type { AppleEdgeActivities } from '../edge/apple/apple.activities.js';
import type { DeviceEvent } from '../core/device/device-event.js';
import { normalizeDeviceEvent } from '../core/device/received-device-event.js';
import {
  deviceEventSignal,
  deviceEdgeQuery,
  deviceStateQuery,
  getBootstrapTokenUpdate,
  queueCommandUpdate,
  setBootstrapTokenUpdate,
  type DeviceWorkflowInput,
  type DeviceWorkflowState,
  type QueueCommandRequest,
  type QueueCommandResult,
} from './device.messages.js';
import { CHILD_START_RECORDED, revocationWorkflow, type RevocationInput } from './revocation.workflow.js';
import type { RevocationStartActivities } from '../activities/pki/revocation-start.activities.js';
import { requireAdminProof } from './admin-command-proof.js';
import { workflowIds } from '../core/temporal/task-queues.js';
import { tellZeroTouch } from './zero-touch-hook.js';
import { escrowFromReport } from './device-escrow.js';
import { devicePolicies, initialDevicePolicyState } from './device-policy.js';
import { policiesChangedSignal } from './device-policy.messages.js';
import { POLICY_REQUESTER } from '../core/policy/policy-report.js';

/** The patch that ends the activity per event: the device-events workflow has written it already. */
const EVENTS_INGESTED_IN_BULK = 'events-ingested-in-bulk';
const INVENTORY_BUILT_LOCALLY = 'inventory-built-locally';

/** Continue-as-new well before Temporal's limits, carrying only the small state. */
const MAX_HISTORY_EVENTS = 2_000;

export async function deviceWorkflow(input: DeviceWorkflowInput): Promise<void> {
  const { deviceId } = input;
  const maxHistory = input.maxHistoryEvents ?? MAX_HISTORY_EVENTS;
  const state: DeviceWorkflowState = input.state ?? { enrolled: false, inventoryRequested: false };
  const core = proxyActivities<DeviceActivities & BootstrapTokenActivities>({
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  });
  const coreLocal = proxyLocalActivities<DeviceActivities>({ startToCloseTimeout: '30 seconds' });
  const revocationStart = proxyLocalActivities<RevocationStartActivities>({
    startToCloseTimeout: '30 seconds',
  });
  const pki = proxyActivities<PkiActivities>({ startToCloseTimeout: '1 minute' });
  const edge = proxyActivities<
    DeviceCommandActivities & ScepEdgeActivities & TrustActivities & AppleEdgeActivities
  >({
    taskQueue: input.edgeTaskQueue,
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  });
  const events: DeviceEvent[] = [];
  let checkedOut = false;

  /**
   * Revokes through the one revocation workflow, which tells every edge; started, not awaited, so an edge
   * that is down delays only the revocation, never this device's events.
   */
  async function revoke(target: RevocationInput): Promise<void> {
    const workflowId = workflowIds.revocation(uuid4());
    // Recorded first, as an admin's start is: the revocation workflow trusts no parent (revocation.workflow.ts).
    if (patched(CHILD_START_RECORDED))
      await revocationStart.recordRevocationStart({ workflowId, input: target });
    await startChild(revocationWorkflow, {
      workflowId,
      args: [target],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  }

  /** Records the commands in the core (a local activity: same worker), then queues them at the edge with one push. */
  async function queue(requests: QueueCommandRequest[]): Promise<{ pushed: boolean }> {
    const enrollmentId = state.enrollmentId!;
    for (const request of requests) {
      await coreLocal.recordCommandQueued({
        deviceId,
        commandUuid: request.commandUuid,
        requestType: request.requestType,
        requestedBy: request.requestedBy,
      });
    }
    const { pushed } = await edge.enqueueCommands({
      // State carried from before events had a platform is an Apple device's.
      platform: state.platform ?? 'apple',
      enrollmentId,
      commands: requests.map(({ commandUuid, requestType, payload, priority, userId }) => ({
        commandUuid,
        requestType,
        payload,
        ...(priority === undefined ? {} : { priority }),
        ...(userId === undefined ? {} : { userId }),
      })),
    });
    return { pushed };
  }

  async function queueOne(request: QueueCommandRequest): Promise<QueueCommandResult> {
    const { pushed } = await queue([request]);
    return { commandUuid: request.commandUuid, status: 'queued', pushed };
  }

  // Policies: desired state, drift and compliance live in device-policy.ts; these lines only wire it in.
  const policies = devicePolicies(
    deviceId,
    (state.policy ??= initialDevicePolicyState()),
    (commands) => queue(commands.map((command) => ({ ...command, requestedBy: POLICY_REQUESTER }))),
    (declarations, profiles) =>
      edge.installAppleDeclarations({ enrollmentId: state.enrollmentId!, declarations, profiles }),
  );
  setHandler(policiesChangedSignal, () => policies.changed());

  setHandler(deviceStateQuery, () => state);
  setHandler(deviceEdgeQuery, () => input.edgeTaskQueue);
  setHandler(deviceEventSignal, (event) => {
    events.push(normalizeDeviceEvent(event));
  });
  // Escrow/issue 12: an Update may come from the edge, so a command is queued only with the admin's recorded proof.
  setHandler(
    queueCommandUpdate,
    (request) => requireAdminProof(deviceId, request).then(() => queueOne(request)),
    {
      validator: (request) => {
        if (!state.enrollmentId || checkedOut) throw new Error('the device is not enrolled');
        if (!request.commandUuid || !request.payload || !request.requestType)
          throw new Error('commandUuid, requestType and payload are required');
      },
    },
  );
  setHandler(setBootstrapTokenUpdate, (request) => core.escrowBootstrapToken({ deviceId, ...request }));
  setHandler(getBootstrapTokenUpdate, (request) => core.readBootstrapToken({ deviceId, ...request }));

  async function handle(event: DeviceEvent): Promise<void> {
    // Runs whose history recorded an activity per event replay it; new runs read events written in bulk.
    if (!patched(EVENTS_INGESTED_IN_BULK)) await core.recordDeviceEvent({ deviceId, event });
    state.enrollmentId ??= event.enrollmentId;
    state.platform ??= event.platform;
    switch (event.kind) {
      case 'authenticated':
        state.enrollmentId = event.enrollmentId;
        state.enrolled = false;
        state.inventoryRequested = false;
        return;
      case 'channel-ready':
        if (event.data.userChannel) return;
        // Authenticate no longer wakes this workflow: a channel ready under another enrollment is a re-enrolment.
        if (state.enrollmentId !== event.enrollmentId) {
          state.enrollmentId = event.enrollmentId;
          state.inventoryRequested = false;
        }
        state.enrolled = true;
        if (!state.inventoryRequested) {
          state.inventoryRequested = true;
          // Building the inventory reads nothing: a local activity spares each enrolment a workflow task.
          const inventory = await (
            patched(INVENTORY_BUILT_LOCALLY) ? coreLocal : core
          ).buildInventoryCommands({
            platform: event.platform,
          });
          await queue(inventory.map((command) => ({ ...command, requestedBy: 'keep' })));
          if (patched('device-policies')) policies.enrolled(inventory.map((c) => c.commandUuid));
        }
        return;
      case 'checked-out': {
        checkedOut = true;
        // The device left: its identity certificates are revoked, so they can never speak for it again.
        if (patched('revoke-on-every-edge')) {
          await revoke({ enrollmentId: event.enrollmentId, reason: 'cessationOfOperation' });
          return;
        }
        const { revoked, crlBase64 } = await pki.revokeAndPublish({
          enrollmentId: event.enrollmentId,
          reason: 'cessationOfOperation',
        });
        if (revoked.length) {
          await edge.revokeCertificates({ entries: revoked });
          await edge.installCrl({ crlBase64 });
        }
        return;
      }
      case 'identity-renewed':
        // The device spoke with its renewed identity, so the one it replaced is no longer needed by anyone.
        await revoke({ fingerprint: event.data.previousFingerprint, reason: 'superseded' });
        return;
      // Woken only for answers a decision hangs on (policy proofs, Keep's inventory: core/device/device-event-wake.ts).
      case 'command-report':
        // Escrow/issue 12: a key the device encrypted to the escrow certificate goes into the core's vault.
        if (patched('escrow-from-command-reports')) await escrowFromReport(deviceId, event);
        await policies.onEvent(event);
        return;
      // Woken only for DDM status reports (core/device/device-event-wake.ts).
      case 'facts-reported':
        await policies.onEvent(event);
        return;
      default: {
        const unknown: never = event;
        // Only the kind: an event carries the UDID and serial, which never go into a failure message.
        throw ApplicationFailure.nonRetryable(
          `unknown device event kind ${String((unknown as { kind: unknown }).kind)}`,
        );
      }
    }
  }

  for (;;) {
    await condition(
      () =>
        events.length > 0 ||
        (state.policy!.due && state.enrolled && !checkedOut) ||
        workflowInfo().continueAsNewSuggested ||
        workflowInfo().historyLength > maxHistory,
    );
    while (events.length > 0) {
      const event = events.shift()!;
      await handle(event);
      // zero-touch hook (dep): tells an ADE enrollment about AwaitingConfiguration and command reports.
      await tellZeroTouch(deviceId, event, state);
    }
    await policies.reconcile(state.enrolled && !checkedOut);
    if (checkedOut) {
      await condition(allHandlersFinished);
      if (events.length === 0) return;
      // The device enrolled again (Authenticate, or a channel-ready event: the only one of the two that wakes).
      checkedOut = events.every((e) => e.kind !== 'authenticated' && e.kind !== 'channel-ready');
      continue;
    }
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > maxHistory) {
      await condition(allHandlersFinished);
      if (events.length === 0) await continueAsNew<typeof deviceWorkflow>({ ...input, state });
    }
  }
}
