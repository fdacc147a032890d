// The edge side of a platform: its device-facing routes, its activities on the edge worker, how it queues a
// command and wakes a device. Each platform's folder exports one EdgePlatform; edge/platforms.ts lists them.
import type { Client } from '@temporalio/client';
import type { Hono } from 'hono';
import type { Kysely } from 'kysely';
import type { EdgeProcessConfig } from '../core/config/config.schema.js';
import type { KeyRing } from '../core/crypto/key-ring.js';
import type { EdgeDatabase } from '../core/db/edge-database.js';
import type { DeviceCommand } from '../core/device/device-command.js';
import type { Logger } from '../core/log/logger.js';
import type { ActivityFunctions } from '../runtime/activity-functions.js';
import type { TrustState } from './trust-state.js';

/** What one edge gives each of its platforms. */
export interface EdgePlatformDeps {
  db: Kysely<EdgeDatabase>;
  temporal: Client;
  log: Logger;
  /** The edge's own key ring (sealing the platform's secrets at rest). */
  keyRing: KeyRing;
  /** Keep's CA chain and revocations, as the core installed them. */
  trust: TrustState;
  /** The `edge.*` settings, this edge's task queue and the core's among them. */
  settings: EdgeProcessConfig['edge'];
  /** Nudges the outbox relay after events were stored (edge/outbox/outbox.repository.ts); it also polls. */
  onOutbox: () => void;
}

export interface EnqueueCommandsInput {
  enrollmentId: string;
  commands: Array<DeviceCommand & { priority?: number }>;
}

export interface EnqueueCommandsResult {
  /** Whether the device was woken now; if not, it collects its queue at its next check-in. */
  pushed: boolean;
  outcome: string;
}

/** The same command for many enrollments, each with its own UUID (a bulk command's page). */
export interface EnqueueBulkInput {
  commands: Array<DeviceCommand & { enrollmentId: string }>;
}

export interface EnqueueBulkResult {
  /** Enrollments this edge does not hold: nothing was queued for them here. */
  unknown: string[];
  /** Devices woken now (the others collect their queue at their next check-in). */
  pushed: number;
}

/** A platform running in one edge process. */
export interface StartedEdgePlatform {
  /** Mounted at the root of the edge app: a platform owns its paths (Apple: /mdm/checkin, /mdm/connect). */
  routes: Hono;
  /** Registered on the edge worker; one worker holds every platform's, so names say whose. */
  activities: ActivityFunctions;
  /** Queues commands for one enrollment and wakes the device (the device workflow's `enqueueCommands`). */
  enqueueCommands(input: EnqueueCommandsInput): Promise<EnqueueCommandsResult>;
  /**
   * Queues one command per enrollment in one write and wakes each device once; idempotent by command UUID, and a
   * retry wakes only devices whose command it queued (a bulk command's `enqueueBulkCommands`).
   */
  enqueueBulk(input: EnqueueBulkInput): Promise<EnqueueBulkResult>;
  /** Closes what the platform holds open (Apple: its APNs connections), after the worker stopped. */
  close(): Promise<void>;
}

export interface EdgePlatform {
  /** The platform's id, the same as its CorePlatform's and its device events' `platform`. */
  readonly id: string;
  /** Called once per edge: routes, activities and the command queue share what it opens. */
  start(deps: EdgePlatformDeps): StartedEdgePlatform;
}
