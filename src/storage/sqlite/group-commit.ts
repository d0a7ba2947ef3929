// Group commit: writes that arrive in the same turn of the event loop share one transaction, so a
// batch costs one fsync instead of one per write. The first write schedules a flush with
// setImmediate; every write queued before it runs joins the batch. Each write is checked on its
// own (against the state including earlier writes of the batch) and may fail alone; only an error
// from the transaction itself (disk full, I/O error) fails the whole batch.

/** What `commit` returns for one op: its result, or the error that op alone failed with. */
export type OpOutcome<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: Error };

export interface GroupCommitOptions<Op, R> {
  /**
   * Applies every op in one transaction and returns one outcome per op, in order. Throwing means
   * the transaction did not commit: every op of the batch is rejected with that error.
   */
  commit(ops: readonly Op[]): OpOutcome<R>[];
  /** Runs after a commit, before any promise resolves (the store publishes watch events here). */
  committed(outcomes: readonly OpOutcome<R>[]): void;
  /** Largest batch; more queued ops wait for the next flush (bounds one event-loop stall). */
  maxBatch?: number;
}

interface Pending<Op, R> {
  readonly op: Op;
  readonly resolve: (value: R) => void;
  readonly reject: (error: Error) => void;
}

export class GroupCommit<Op, R> {
  private queue: Pending<Op, R>[] = [];
  private scheduled = false;
  private readonly maxBatch: number;

  constructor(private readonly opts: GroupCommitOptions<Op, R>) {
    this.maxBatch = opts.maxBatch ?? 1000;
  }

  /** Queues an op; the promise settles once its batch committed (or failed). */
  submit(op: Op): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      this.schedule();
    });
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Commits everything queued now, synchronously (used by close()). */
  flushAll(): void {
    while (this.queue.length > 0) this.flushOne();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flushOne();
      if (this.queue.length > 0) this.schedule();
    });
  }

  private flushOne(): void {
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    let outcomes: OpOutcome<R>[];
    try {
      outcomes = this.opts.commit(batch.map((p) => p.op));
      if (outcomes.length !== batch.length) throw new Error(`group commit: ${outcomes.length} outcomes for ${batch.length} ops`);
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      for (const p of batch) p.reject(error);
      return;
    }
    try {
      this.opts.committed(outcomes);
    } finally {
      // The batch is durable whatever `committed` did: its writers must hear so.
      batch.forEach((p, i) => {
        const outcome = outcomes[i];
        if (outcome === undefined) p.reject(new Error('group commit: missing outcome'));
        else if (outcome.ok) p.resolve(outcome.value);
        else p.reject(outcome.error);
      });
    }
  }
}
