// What the status line shows while a question runs, folded from its events with the engine's TrajectoryTree
// (the tree view folds the same events the same way): the top-level turn, cells, sub-calls done/total,
// tokens, cost, and the text the root model is streaming.

import type { RlmEvent } from '../../src/core/trajectory/events';
import { TrajectoryTree, type RunNode, type TurnNode } from '../../src/core/trajectory/TrajectoryTree';

export interface ProgressFigures {
  /** The iteration of the latest top-level turn (0 before the first). */
  turn: number;
  cellsDone: number;
  cellRunning: boolean;
  subCallsDone: number;
  /** Sub-calls and child runs started. */
  subCallsTotal: number;
  /** Nodes that ended in error (turns, cells, sub-calls). */
  errors: number;
  tokens: number;
  /** Billed, with cached prompt tokens at their price. */
  costUsd: number;
  /** What caching saved (prompt cache and reused sub-call answers). */
  savedUsd: number;
  /** Calls to models with no known price: the cost is unknown, and they count against the request cap. */
  unpriced: number;
  /** The run's cap on those calls, as its run_start gave it; null for none (or a trace from before it existed). */
  maxRequests: number | null;
  /** Some tokens were estimated from characters. */
  estimated: boolean;
}

export class RunProgress {
  readonly tree = new TrajectoryTree();
  private cellsDone = 0;
  private cellsRunning = 0;
  private subCallsDone = 0;

  apply(events: readonly RlmEvent[]): void {
    for (const event of events) {
      const changed = this.tree.apply(event);
      if (changed.length === 0) continue;
      const node = changed[0]!;
      // Counted once per node: the tree ignores repeated or late events (changed is empty for those).
      if (event.type === 'cell_start') this.cellsRunning++;
      else if (event.type === 'cell_end') {
        this.cellsRunning--;
        this.cellsDone++;
      } else if (event.type === 'subcall_end' || (event.type === 'run_end' && node.kind === 'run' && node.depth > 0)) this.subCallsDone++;
    }
  }

  /** The question's run (the first top-level run). */
  get run(): RunNode | undefined {
    const root = this.tree.roots.find((n) => n.kind === 'run' && n.depth === 0);
    return root?.kind === 'run' ? root : undefined;
  }

  /** The latest top-level turn: its text is what the root model is writing now. */
  get currentTurn(): TurnNode | undefined {
    // A compaction may come after it: the turn is the latest turn, not the latest child.
    const children = this.run?.children ?? [];
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i]!;
      if (child.kind === 'turn') return child;
    }
    return undefined;
  }

  figures(): ProgressFigures {
    const total = this.run?.total;
    return {
      turn: this.currentTurn?.iteration ?? 0,
      cellsDone: this.cellsDone,
      cellRunning: this.cellsRunning > 0,
      subCallsDone: this.subCallsDone,
      subCallsTotal: total?.subCalls ?? 0,
      errors: total?.errors ?? 0,
      tokens: total ? total.inputTokens + total.outputTokens : 0,
      costUsd: total?.costUsd ?? 0,
      savedUsd: total?.savedUsd ?? 0,
      unpriced: total?.unpriced ?? 0,
      maxRequests: this.run?.limits?.maxRequests ?? null,
      estimated: total?.estimated ?? false,
    };
  }
}
