// Live progress on stderr while a run goes on: turn, cells, sub-calls done/total, tokens, cost (and what caching saved).
// On a terminal one status line is redrawn in place; otherwise (CI, a pipe) a line per step, throttled.

import { formatCost, formatSavings, formatTokens } from '../core/models/costText';
import type { Usage } from '../core/models/types';
import type { RlmEvent } from '../core/trajectory/events';

export class ProgressReporter {
  private turn = 0;
  /** The top-level run: its turns are the ones counted (child runs have turns of their own). */
  private topRunId: string | undefined;
  private cells = 0;
  private cellRunning = false;
  private subStarted = 0;
  private subDone = 0;
  private subFailed = 0;
  private tokens = 0;
  private cost = 0;
  private saved = 0;
  /** Calls to models with no known price: the cost is unknown, not $0. */
  private unpriced = 0;
  /** Calls ended: before the first, the cost is not shown (it would read $0 for a model with no price). */
  private calls = 0;
  private lastLine = '';
  private lastPrint = 0;
  private pending: NodeJS.Timeout | undefined;
  private readonly started = Date.now();

  constructor(private readonly out: NodeJS.WriteStream = process.stderr, private readonly live = Boolean(out.isTTY)) {}

  onEvent = (event: RlmEvent): void => {
    switch (event.type) {
      case 'run_start':
        if (event.depth === 0) this.topRunId = event.id;
        return;
      case 'turn_start':
        if (event.parentId === this.topRunId) this.turn = event.iteration;
        break;
      case 'cell_start':
        this.cellRunning = true;
        break;
      case 'cell_end':
        this.cellRunning = false;
        this.cells++;
        if (!this.live && event.error) this.print(`cell error: ${event.error.split('\n')[0]}`, true);
        break;
      case 'subcall_start':
        this.subStarted++;
        break;
      case 'subcall_end':
        this.subDone++;
        if (event.error) this.subFailed++;
        this.add(event);
        break;
      case 'turn_end':
        this.add(event);
        break;
      case 'compaction_end':
        this.add(event);
        this.print(`compacted the root history: ${event.tokensAfter.toLocaleString('en-US')} tokens now${event.error ? ` (no summary: ${event.error.split('\n')[0]})` : ''}`, true);
        return;
      case 'limit':
        this.print(`stopped: ${event.detail}`, true);
        return;
      case 'error':
        this.print(`error: ${event.message}`, true);
        return;
      default:
        return;
    }
    this.print(this.status(), event.type === 'turn_start' || event.type === 'cell_end');
  };

  private add(call: { usage: Usage; costUsd: number; savedUsd?: number; unpriced?: true }): void {
    this.tokens += call.usage.inputTokens + call.usage.outputTokens;
    this.cost += call.costUsd;
    this.saved += call.savedUsd ?? 0;
    this.calls++;
    if (call.unpriced) this.unpriced++;
  }

  private status(): string {
    const secs = ((Date.now() - this.started) / 1000).toFixed(0);
    const subs = this.subStarted ? ` · sub-calls ${this.subDone}/${this.subStarted}${this.subFailed ? ` (${this.subFailed} failed)` : ''}` : '';
    const cost = this.calls ? ` · ${formatCost(this.cost, this.unpriced)}${this.saved > 0 ? ` (${formatSavings(this.saved)})` : ''}` : '';
    const unpriced = this.unpriced ? ` (${this.unpriced} request${this.unpriced === 1 ? '' : 's'} without a price)` : '';
    return `turn ${this.turn} · cells ${this.cells}${this.cellRunning ? ' (running)' : ''}${subs} · ${formatTokens(this.tokens)} tokens${cost}${unpriced} · ${secs}s`;
  }

  private print(line: string, important: boolean): void {
    if (this.live) {
      this.out.write(`\r\x1b[2K${line}`);
      if (important && !line.startsWith('turn')) this.out.write('\n');
      this.lastLine = line;
      return;
    }
    const now = Date.now();
    if (line === this.lastLine) return;
    if (!important && now - this.lastPrint < 1000) {
      // Throttled: show the latest status when the second is up, so a long wait still shows where it is.
      this.pending ??= setTimeout(() => {
        this.pending = undefined;
        this.print(this.status(), true);
      }, 1000 - (now - this.lastPrint));
      this.pending.unref?.();
      return;
    }
    this.out.write(line + '\n');
    this.lastLine = line;
    this.lastPrint = now;
  }

  /** Ends the live line so the answer starts on a clean one. */
  done(): void {
    if (this.pending) clearTimeout(this.pending);
    if (this.live && this.lastLine) this.out.write('\n');
    else if (!this.live && this.status() !== this.lastLine) this.out.write(this.status() + '\n');
  }
}
