// Apple's Device Assignment (DEP) wire types, as zod schemas: Apple's answers are checked, not trusted.
// https://developer.apple.com/documentation/devicemanagement/device-assignment
import { z } from 'zod';

/** https://developer.apple.com/documentation/devicemanagement/accountdetail */
export const accountSchema = z.looseObject({
  server_name: z.string(),
  server_uuid: z.string(),
  org_name: z.string(),
  org_email: z.string().optional(),
  org_phone: z.string().optional(),
  org_address: z.string().optional(),
  org_id: z.string().optional(),
  org_id_hash: z.string().optional(),
  org_type: z.string().optional(),
  org_version: z.string().optional(),
  facilitator_id: z.string().optional(),
  admin_id: z.string().optional(),
});
export type DepAccount = z.infer<typeof accountSchema>;

/** https://developer.apple.com/documentation/devicemanagement/device */
export const deviceSchema = z.looseObject({
  serial_number: z.string().min(1),
  model: z.string().optional(),
  description: z.string().optional(),
  color: z.string().optional(),
  asset_tag: z.string().optional(),
  os: z.string().optional(),
  device_family: z.string().optional(),
  profile_status: z.string().optional(),
  profile_uuid: z.string().optional(),
  profile_assign_time: z.string().optional(),
  profile_push_time: z.string().optional(),
  device_assigned_date: z.string().optional(),
  device_assigned_by: z.string().optional(),
  /** Only in sync answers: what happened to the device since the cursor. */
  op_type: z.enum(['added', 'modified', 'deleted']).optional(),
  op_date: z.string().optional(),
});
export type DepDevice = z.infer<typeof deviceSchema>;

/** The answer of both fetch (`/server/devices`) and sync (`/devices/sync`). */
export const devicePageSchema = z.looseObject({
  devices: z.array(deviceSchema).default([]),
  cursor: z.string().min(1),
  more_to_follow: z.boolean(),
  fetched_until: z.string().optional(),
});

/** A per-serial outcome; THROTTLED comes with protocol version 9 and later. */
const deviceOutcomes = z.record(z.string(), z.enum(['SUCCESS', 'NOT_ACCESSIBLE', 'FAILED', 'THROTTLED']));
export type DepDeviceOutcome = z.infer<typeof deviceOutcomes>[string];

/** https://developer.apple.com/documentation/devicemanagement/profileresponse */
export const defineProfileSchema = z.looseObject({
  profile_uuid: z.string().min(1),
  devices: deviceOutcomes.default({}),
});

/** https://developer.apple.com/documentation/devicemanagement/assignprofileresponse */
export const assignProfileSchema = z.looseObject({
  profile_uuid: z.string().min(1),
  devices: deviceOutcomes.default({}),
});

/** https://developer.apple.com/documentation/devicemanagement/disowndevicesresponse */
export const disownSchema = z.looseObject({ devices: deviceOutcomes.default({}) });

export const sessionSchema = z.looseObject({ auth_session_token: z.string().min(1) });

/**
 * The enrollment (ADE) profile Apple serves to a device during Setup Assistant.
 * https://developer.apple.com/documentation/devicemanagement/profile
 */
export interface DepProfile {
  profile_name: string;
  /** Where the device fetches its MDM enrollment profile. */
  url: string;
  is_supervised?: boolean;
  is_mandatory?: boolean;
  is_mdm_removable?: boolean;
  is_multi_user?: boolean;
  await_device_configured?: boolean;
  auto_advance_setup?: boolean;
  /** Setup Assistant panes to skip (Apple's SkipKeys). */
  skip_setup_items?: string[];
  /** A web page the device shows first for the user to sign in; it then hands out the enrollment profile. */
  configuration_web_url?: string;
  department?: string;
  support_phone_number?: string;
  support_email_address?: string;
  org_magic?: string;
  language?: string;
  region?: string;
  /** Base64 DER certificates the device trusts for the enrollment URL. */
  anchor_certs?: string[];
  devices?: string[];
}
