// The messages between a benchmark and its fleet processes (Node IPC): one request, one reply with the same id.
import type { LoadReport } from './load-loop.js';

export interface FleetInit {
  /** The enrollment profile every device installs (plist bytes, base64); its URLs must be loopback. */
  profile: string;
  /** PEM of the CA behind the edge's TLS certificate, for HTTPS. */
  edgeCaPem?: string;
  /**
   * Pre-issued identities: this process's device i is the run's device `first + i`; it signs with
   * certificates[i] and keysPem[(first + i) % keysPem.length], the key its certificate was issued for.
   */
  keysPem: string[];
  certificates: string[];
  first: number;
  /**
   * Instead of identities: one profile per device of this process (base64), each with its own one-time SCEP
   * challenge, so the device makes its key and gets its identity through SCEP as a real one does.
   */
  profiles?: string[];
  /** Sockets this process's fleet shares. */
  maxSockets: number;
}

export interface LoopOptions {
  count: number;
  concurrency: number;
  maxMs: number;
}

export type FleetRequest =
  | { op: 'init'; init: FleetInit }
  /** (SCEP when the fleet has profiles,) Authenticate + TokenUpdate for every device (`count` is ignored: all). */
  | { op: 'enrol'; loop: LoopOptions }
  /** `count` Idle sessions round-robin over the devices. */
  | { op: 'idle'; loop: LoopOptions }
  /** One session for each device (fetching whatever is queued). */
  | { op: 'sweep'; loop: LoopOptions }
  /** One session for device `index`. */
  | { op: 'session'; index: number };

export interface FleetReplies {
  init: { udids: string[] };
  enrol: LoadReport;
  idle: LoadReport & { commandsMet: number };
  sweep: LoadReport & { commandsMet: number };
  session: { commands: Array<{ commandUuid: string; status: string }> };
}

export type FleetMessage = { id: number } & FleetRequest;
export type FleetReply = { id: number } & ({ ok: true; result: unknown } | { ok: false; error: string });
