// Windows at the edge: enrolments bound to the certificate issued at enrolment, and the OMA-DM command queue.
import type { Generated, Selectable } from 'kysely';

export type WindowsEnrollmentStatus = 'enrolled' | 'unenrolled';

export interface WindowsEnrollmentTable {
  id: string;
  device_id: string;
  /** The DeviceID the PC gave at enrolment: its SyncML Source LocURI in every session. */
  hardware_id: string;
  /** SHA-256 of the identity certificate issued at enrolment; sessions must present exactly it. */
  cert_fingerprint: string;
  status: WindowsEnrollmentStatus;
  created_at: Generated<Date>;
  /** Set at the first OMA-DM session: the management channel works. */
  first_session_at: Date | null;
  last_seen_at: Date | null;
  /** The WNS channel the PC reported (DMClient Push/ChannelURI); null until then, or once WNS said it expired. */
  push_channel_uri: string | null;
  push_expired_at: Date | null;
}

export type WindowsCommandStatus = 'queued' | 'sent' | 'acknowledged' | 'error';

export interface WindowsCommandTable {
  id: Generated<string>;
  enrollment_id: string;
  command_uuid: string;
  request_type: string;
  /**
   * The SyncML command as JSON (an OutgoingCommand), numbered only when sent; sealed with the edge key ring (base64,
   * edge/queued-command-body.ts) and emptied once the PC gave its final status.
   */
  body: string;
  /** The ring key that sealed `body`; null for a purged body (or one queued in clear before bodies were sealed). */
  body_key_id: string | null;
  status: Generated<WindowsCommandStatus>;
  /** Where it was sent: the session, the server message and the CmdIDs its statuses refer to. */
  session_id: string | null;
  msg_id: number | null;
  first_cmd_id: number | null;
  last_cmd_id: number | null;
  /** Statuses and results received so far (a WindowsCommandResult and the inner statuses of an Atomic). */
  result: unknown;
  created_at: Generated<Date>;
  sent_at: Date | null;
  finished_at: Date | null;
}

export type WindowsEnrollment = Selectable<WindowsEnrollmentTable>;
export type WindowsCommand = Selectable<WindowsCommandTable>;
