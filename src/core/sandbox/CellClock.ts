// The cell deadline is wall-clock time, except while the cell only waits on model calls (their budgets and
// the run timeout govern them), so the clock can be paused and resumed.

export class CellClock {
  private accumulatedMs = 0;
  private runningSince: number | undefined;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.runningSince = this.now();
  }

  elapsedMs(): number {
    return this.accumulatedMs + (this.runningSince === undefined ? 0 : this.now() - this.runningSince);
  }

  pause(): void {
    if (this.runningSince === undefined) return;
    this.accumulatedMs += this.now() - this.runningSince;
    this.runningSince = undefined;
  }

  resume(): void {
    this.runningSince ??= this.now();
  }
}
