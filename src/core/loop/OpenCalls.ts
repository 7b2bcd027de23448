// What a run has started from model code and not yet finished: sub-calls and child runs. When the cell
// that made them ends (nobody can await them any more) or the run ends, they are stopped and their nodes
// ended as cancelled, before the cell's or run's own end event, so every started node ends, in order.

/** One sub-call or child run in flight. */
export interface OpenCall {
  /** The cell whose code made the call. */
  readonly cellId: string | undefined;
  /** Stops the call and ends its node as cancelled; resolves once its end event is out. */
  cancel(reason: string): Promise<void>;
}

export class OpenCalls {
  private readonly calls = new Set<OpenCall>();

  /** Tracks a call until `done` settles; returns a function that stops tracking it earlier. */
  track(call: OpenCall, done: Promise<unknown>): void {
    this.calls.add(call);
    const untrack = () => this.calls.delete(call);
    done.then(untrack, untrack);
  }

  /** Cancels the calls a cell made (every call when `cellId` is undefined) and waits for their nodes to end. */
  async cancel(cellId: string | undefined, reason: string): Promise<void> {
    const doomed = [...this.calls].filter((call) => cellId === undefined || call.cellId === cellId);
    for (const call of doomed) this.calls.delete(call);
    await Promise.all(doomed.map((call) => call.cancel(reason)));
  }

  get size(): number {
    return this.calls.size;
  }
}
