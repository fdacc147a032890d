// Gathers concurrent SCEP signing requests for a few milliseconds (or until a batch is full) and sends them
// to the core as one batch, so a burst of enrolments costs one Temporal Update per batch, not one per device.

export interface BatcherOptions {
  /** How long the first request of a batch waits for others to join it. */
  waitMs: number;
  /** A full batch goes at once. */
  maxSize: number;
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
  let batch: Waiting<I, O>[] = [];
  let timer: NodeJS.Timeout | undefined;

  async function deliver(sending: Waiting<I, O>[]): Promise<void> {
    try {
      const outcomes = await send(sending.map((waiting) => waiting.item));
      if (outcomes.length !== sending.length)
        throw new Error(`a batch of ${sending.length} was answered with ${outcomes.length} outcomes`);
      sending.forEach((waiting, i) => waiting.resolve(outcomes[i]!));
    } catch (error) {
      sending.forEach((waiting) => waiting.reject(error));
    }
  }

  function flush(): void {
    clearTimeout(timer);
    timer = undefined;
    const sending = batch;
    batch = [];
    void deliver(sending);
  }

  return {
    submit(item) {
      const outcome = new Promise<O>((resolve, reject) => batch.push({ item, resolve, reject }));
      if (batch.length >= options.maxSize) flush();
      else timer ??= setTimeout(flush, options.waitMs);
      return outcome;
    },
  };
}
