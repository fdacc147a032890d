// Gathers concurrent SCEP signing requests for a few milliseconds (or until a batch is full) and sends them
// to the core as one batch, so a burst of enrolments costs one Temporal Update per batch, not one per device.
// At most `maxInFlight` batches are out at once; requests arriving meanwhile gather into larger batches.

export interface BatcherOptions {
  /** How long the first request of a batch waits for others to join it. */
  waitMs: number;
  /** A full batch goes at once (or as soon as a slot frees). */
  maxSize: number;
  /** Batches sent and not yet answered, at most (Temporal bounds in-flight Updates per workflow). */
  maxInFlight: number;
}

export interface SignBatcher<I, O> {
  /** Settles with this item's own outcome, or rejects when its batch could not be sent. */
  submit(item: I): Promise<O>;
}

interface Waiting<I, O> {
  item: I;
  resolve: (outcome: O) => void;
  reject: (error: unknown) => void;
}

/** `send` answers one outcome per item, in the order given. */
export function createSignBatcher<I, O>(
  send: (items: I[]) => Promise<O[]>,
  options: BatcherOptions,
): SignBatcher<I, O> {
  /** Closed batches waiting for a slot, oldest first. */
  const ready: Waiting<I, O>[][] = [];
  let filling: Waiting<I, O>[] = [];
  let timer: NodeJS.Timeout | undefined;
  let inFlight = 0;

  async function deliver(sending: Waiting<I, O>[]): Promise<void> {
    try {
      const outcomes = await send(sending.map((waiting) => waiting.item));
      if (outcomes.length !== sending.length)
        throw new Error(`a batch of ${sending.length} was answered with ${outcomes.length} outcomes`);
      sending.forEach((waiting, i) => waiting.resolve(outcomes[i]!));
    } catch (error) {
      sending.forEach((waiting) => waiting.reject(error));
    } finally {
      inFlight--;
      // What gathered while every slot was taken has waited long enough: it goes now.
      if (!ready.length && filling.length) close();
      pump();
    }
  }

  function pump(): void {
    while (inFlight < options.maxInFlight && ready.length) {
      inFlight++;
      void deliver(ready.shift()!);
    }
  }

  function close(): void {
    clearTimeout(timer);
    timer = undefined;
    ready.push(filling);
    filling = [];
  }

  return {
    submit(item) {
      const outcome = new Promise<O>((resolve, reject) => filling.push({ item, resolve, reject }));
      if (filling.length >= options.maxSize) {
        close();
        pump();
      } else
        timer ??= setTimeout(() => {
          close();
          pump();
        }, options.waitMs);
      return outcome;
    },
  };
}
