// The admin side of a platform: how an admin's command request becomes that platform's command, who may send
// it, which result values are secret, and the admin routes only that platform has. Each platform's folder
// exports one AdminPlatform; admin/platforms.ts lists them.
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { CoreDatabase } from '../core/db/core-database.js';
import type { Device } from '../core/db/core/device.table.js';
import type { AdminRoute } from './define-route.js';

/** What the admin app gives each platform's routes. */
export interface AdminPlatformDeps {
  db: Kysely<CoreDatabase>;
  temporal: Client;
  coreTaskQueue: string;
  edgeTaskQueue: string;
  /** How long a route waits on Temporal before answering 503. */
  timeoutMs: number;
  now: () => Date;
}

/** A command request as the device workflow queues it (`core/device/device-command.ts`, less the UUID). */
export interface BuiltCommandRequest {
  requestType: string;
  /** The command as the platform's edge delivers it (Apple: the command plist). */
  payload: string;
  /** Sent as the admin wrote it, checked only for its envelope: it may carry anything. */
  raw: boolean;
}

export interface AdminCommands {
  /** The body of `POST /v1/devices/{id}/commands` for this platform's devices, as OpenAPI documents it. */
  requestBody: z.ZodType;
  /** Validates the body; a bad one is an HTTPException 400 naming the field. */
  build(body: unknown, commandUuid: string): BuiltCommandRequest;
  /** `commands:send` for what a help desk may send (queries, a lock); everything else `commands:send-any`. */
  permission(requestType: string, raw: boolean): 'commands:send' | 'commands:send-any';
  /**
   * Whether the command may carry a secret (a PIN, a password; anything, when raw): its payload is then sealed to
   * the edge's key before it enters Temporal (`core/device/sealed-command-payload.ts`).
   */
  carriesSecret(requestType: string, raw: boolean): boolean;
  /**
   * Why this device cannot take the command (Apple: a device-wide command to a User Enrollment), or undefined.
   * Absent: every device of the platform takes every command it builds.
   */
  refusal?(requestType: string, device: Pick<Device, 'os_platform' | 'facts'>): string | undefined;
  /** A copy of a result with its secret values replaced, and their dotted paths (empty when none). */
  redactResult(
    requestType: string,
    result: Record<string, unknown>,
  ): { result: Record<string, unknown>; redacted: string[] };
}

export interface AdminPlatform {
  /** The platform's id: `devices.platform`, as its EdgePlatform's and CorePlatform's. */
  readonly id: string;
  commands: AdminCommands;
  /** Admin routes only this platform has (Apple: its enrollment profile, the APNs push certificate). */
  routes?(deps: AdminPlatformDeps): AdminRoute[];
}
