// Gathers wake-up requests for a short window so that enqueuing N commands sends at most one push per device.
import type { PushOutcome, PushSender, PushTarget } from './push-sender.js';

export interface PushCoalescerOptions {
  sender: PushSender;
  /** How long the first request for a topic waits for company; bounds the added latency. */
  windowMs?: number;
}

export interface PushCoalescer {
  /** Resolves with the outcome of the one push that served this request and any duplicates in its window. */
  request(topic: string, target: PushTarget): Promise<PushOutcome>;
  /** Sends whatever is waiting now. */
  flush(): Promise<void>;
  /** Flushes, then closes the sender. */
  close(): Promise<void>;
}

interface Pending {
  target: PushTarget;
  waiters: { resolve: (outcome: PushOutcome) => void; reject: (error: unknown) => void }[];
}

interface Batch {
  byToken: Map<string, Pending>;
  timer: NodeJS.Timeout;
}

export function createPushCoalescer(options: PushCoalescerOptions): PushCoalescer {
  const windowMs = options.windowMs ?? 50;
  const batches = new Map<string, Batch>();
  const inFlight = new Set<Promise<void>>();

  function dispatch(topic: string): Promise<void> {
    const batch = batches.get(topic);
    if (!batch) return Promise.resolve();
    batches.delete(topic);
    clearTimeout(batch.timer);
    const pending = [...batch.byToken.values()];
    const sent = options.sender
      .send(
        topic,
        pending.map((p) => p.target),
      )
      .then(
        (outcomes) => pending.forEach((p, i) => p.waiters.forEach((w) => w.resolve(outcomes[i]!))),
        (error: unknown) => pending.forEach((p) => p.waiters.forEach((w) => w.reject(error))),
      )
      .finally(() => inFlight.delete(sent));
    inFlight.add(sent);
    return sent;
  }

  async function flush(): Promise<void> {
    await Promise.all([...batches.keys()].map(dispatch));
    await Promise.all([...inFlight]);
  }

  return {
    request(topic, target) {
      let batch = batches.get(topic);
      if (!batch) {
        batch = { byToken: new Map(), timer: setTimeout(() => void dispatch(topic), windowMs) };
        batches.set(topic, batch);
      }
      // Tokens are hex, so case is not identity.
      const key = target.token.toLowerCase();
      let pending = batch.byToken.get(key);
      if (!pending) {
        pending = { target, waiters: [] };
        batch.byToken.set(key, pending);
      } else {
        // The latest PushMagic wins: a re-enrolment inside the window replaces the old one.
        pending.target = target;
      }
      const entry = pending;
      return new Promise<PushOutcome>((resolve, reject) => entry.waiters.push({ resolve, reject }));
    },
    flush,
    async close() {
      await flush();
      await options.sender.close();
    },
  };
}
