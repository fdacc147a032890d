// The benchmark's side of its fleet processes: starts them, splits devices and load between them, merges reports.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { IssuedIdentities } from './bench-identities.js';
import type {
  FleetInit,
  FleetMessage,
  FleetReplies,
  FleetReply,
  FleetRequest,
  LoopOptions,
} from './fleet-protocol.js';
import { mergeReports, type LoadReport } from './load-loop.js';
import { sampleProcess, type ProcessSample } from './proc-stats.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const MAX_FLEET_PROCESSES = 8;

interface Child {
  process: ChildProcess;
  /** Global index of this child's first device. */
  first: number;
  size: number;
  pending: Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>;
}

export type FleetStart = {
  processes: number;
  edgeCaPem?: string;
  maxSockets: number;
} & (
  | {
      /** The enrollment profile (plist bytes), with loopback URLs only. */
      profile: Uint8Array;
      identities: IssuedIdentities;
    }
  | {
      /** One profile per device, each with its own one-time challenge: the devices enrol through SCEP. */
      profiles: Uint8Array[];
    }
);

export class FleetProcesses {
  private nextId = 0;
  private constructor(
    private readonly children: Child[],
    /** UDIDs of all devices, by global index. */
    readonly udids: string[],
  ) {}

  static async start(options: FleetStart): Promise<FleetProcesses> {
    const total = 'profiles' in options ? options.profiles.length : options.identities.certificates.length;
    const count = Math.min(options.processes, MAX_FLEET_PROCESSES, total);
    const children: Child[] = [];
    const fleet = new FleetProcesses(children, []);
    try {
      for (let p = 0, first = 0; p < count; p++) {
        const size = Math.floor(total / count) + (p < total % count ? 1 : 0);
        children.push(spawnChild(first, size));
        first += size;
      }
      const replies = await Promise.all(
        children.map((child) => {
          const slice = <T>(all: T[]) => all.slice(child.first, child.first + child.size);
          const devices =
            'profiles' in options
              ? {
                  profile: '',
                  keysPem: [],
                  certificates: [],
                  profiles: slice(options.profiles).map((p) => Buffer.from(p).toString('base64')),
                }
              : {
                  profile: Buffer.from(options.profile).toString('base64'),
                  keysPem: options.identities.keysPem,
                  certificates: slice(options.identities.certificates),
                };
          const init: FleetInit = {
            ...devices,
            ...(options.edgeCaPem ? { edgeCaPem: options.edgeCaPem } : {}),
            first: child.first,
            maxSockets: Math.max(4, Math.ceil(options.maxSockets / count)),
          };
          return fleet.call(child, { op: 'init', init });
        }),
      );
      fleet.udids.push(...replies.flatMap((r) => r.udids));
      return fleet;
    } catch (error) {
      fleet.close();
      throw error;
    }
  }

  get size(): number {
    return this.udids.length;
  }

  /** Enrols every device, each process its share with its share of `concurrency`. */
  async enrol(concurrency: number, maxMs: number): Promise<LoadReport> {
    return mergeReports(await this.onEach('enrol', { count: 0, concurrency, maxMs }));
  }

  /** `count` Idle sessions spread over the processes, `concurrency` in flight in all. */
  async idle(loop: LoopOptions): Promise<LoadReport & { commandsMet: number }> {
    const reports = await this.onEach('idle', loop);
    return { ...mergeReports(reports), commandsMet: reports.reduce((sum, r) => sum + r.commandsMet, 0) };
  }

  /** One session per device, e.g. to fetch what enrolment queued. */
  async sweep(concurrency: number, maxMs: number): Promise<LoadReport & { commandsMet: number }> {
    const reports = await this.onEach('sweep', { count: 0, concurrency, maxMs });
    return { ...mergeReports(reports), commandsMet: reports.reduce((sum, r) => sum + r.commandsMet, 0) };
  }

  /** One session of device `index` (global): what it fetched and how it answered. */
  async session(index: number): Promise<FleetReplies['session']> {
    const child = this.children.find((c) => index >= c.first && index < c.first + c.size);
    if (!child) throw new RangeError(`no device ${index}`);
    return this.call(child, { op: 'session', index: index - child.first });
  }

  /** RSS and CPU of each fleet process: what the load generator itself costs. */
  samples(): ProcessSample[] {
    return this.children.map((c) => sampleProcess(c.process.pid!));
  }

  close(): void {
    for (const child of this.children) {
      for (const { reject } of child.pending.values()) reject(new Error('fleet closed'));
      child.pending.clear();
      if (child.process.connected) child.process.disconnect();
    }
  }

  private onEach<Op extends 'enrol' | 'idle' | 'sweep'>(
    op: Op,
    loop: LoopOptions,
  ): Promise<FleetReplies[Op][]> {
    const n = this.children.length;
    return Promise.all(
      this.children.map((child, p) => {
        const share: LoopOptions = {
          count: Math.floor(loop.count / n) + (p < loop.count % n ? 1 : 0),
          concurrency: Math.max(1, Math.round(loop.concurrency / n)),
          maxMs: loop.maxMs,
        };
        return this.call<Op>(child, { op, loop: share } as Extract<FleetRequest, { op: Op }>);
      }),
    );
  }

  private call<Op extends FleetRequest['op']>(
    child: Child,
    request: Extract<FleetRequest, { op: Op }>,
  ): Promise<FleetReplies[Op]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      child.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.process.send({ id, ...request } satisfies FleetMessage);
    });
  }
}

function spawnChild(first: number, size: number): Child {
  const child: Child = {
    process: spawn(process.execPath, ['--import', 'tsx', 'test/bench/fleet-process.ts'], {
      cwd: repoRoot,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
    first,
    size,
    pending: new Map(),
  };
  child.process.on('message', (reply: FleetReply) => {
    const waiter = child.pending.get(reply.id);
    child.pending.delete(reply.id);
    if (reply.ok) waiter?.resolve(reply.result);
    else waiter?.reject(new Error(`fleet process: ${reply.error}`));
  });
  child.process.on('exit', (code, signal) => {
    for (const { reject } of child.pending.values()) {
      reject(new Error(`fleet process exited (${code ?? signal}) with requests pending`));
    }
    child.pending.clear();
  });
  return child;
}
