// A run told as short progress lines for another tool's user (VS Code's Chat view's `stream.progress`, an MCP
// client's progress notifications): one per root turn and one per batch of sub-calls, not one per event, since a
// fan-out of hundreds of sub-calls must not flood them. It also gathers the files the run's code read with read()
// or outline(), as each cell's end event names them (child runs' included), which the answer cites as references.
// The lines go to a callback, in the editor's language through @vscode/l10n (configured by the extension; English
// in the MCP server, where nothing configures it).

import * as l10n from '@vscode/l10n';
import type { RlmEvent } from '../trajectory/events';

/** Paths kept for references: enough to show what the answer rests on, few enough to read. */
export const MAX_READ_PATHS = 20;

export class RunNarration {
  private topRun: string | undefined;
  private rootModel: string | undefined;
  private turn = 0;
  /** Sub-call batches and cells already told in this turn. */
  private readonly told = new Set<string>();
  /** Sub-calls of batches seen this tick, counted before their line is said. */
  private readonly pendingBatches = new Map<string, { count: number; model: string; turn: number }>();
  private readonly paths = new Set<string>();

  constructor(private readonly say: (line: string) => void) {}

  readonly onEvent = (event: RlmEvent): void => {
    switch (event.type) {
      case 'run_start':
        if (this.topRun === undefined) {
          this.topRun = event.id;
          this.rootModel = event.rootModel;
        }
        return;
      case 'turn_start': {
        if (event.parentId !== this.topRun) return;
        this.turn = event.iteration;
        const model = this.rootModel ?? l10n.t('the model');
        this.say(event.last ? l10n.t('Asking {0} for its best answer so far…', model) : l10n.t('Turn {0}: {1} is writing code…', event.iteration, model));
        return;
      }
      case 'cell_end':
        for (const path of event.filesRead ?? []) if (this.paths.size < MAX_READ_PATHS) this.paths.add(path);
        return;
      case 'subcall_start':
        this.subCall(event);
        return;
      case 'edit_proposed':
        if (!this.told.has(`edit:${event.path}`)) {
          this.told.add(`edit:${event.path}`);
          this.say(l10n.t('Turn {0}: proposed a change to {1}', this.turn, event.path));
        }
        return;
      default:
        return;
    }
  };

  /** The workspace files the run's code read, in the order it first read them. */
  readPaths(): string[] {
    return [...this.paths];
  }

  private subCall(event: Extract<RlmEvent, { type: 'subcall_start' }>): void {
    if (event.batchId !== undefined) {
      // A batch's sub-calls start together: count them this tick, then say it once.
      const pending = this.pendingBatches.get(event.batchId);
      if (pending) {
        pending.count++;
        return;
      }
      if (this.told.has(event.batchId)) return;
      this.told.add(event.batchId);
      this.pendingBatches.set(event.batchId, { count: 1, model: event.model, turn: this.turn });
      queueMicrotask(() => {
        const batch = this.pendingBatches.get(event.batchId!)!;
        this.pendingBatches.delete(event.batchId!);
        this.say(batch.count === 1 ? l10n.t('Turn {0}: 1 sub-call to {1} in parallel…', batch.turn, batch.model) : l10n.t('Turn {0}: {1} sub-calls to {2} in parallel…', batch.turn, batch.count, batch.model));
      });
      return;
    }
    // Single calls (llm_query in a loop, rlm_query): one line per kind and cell.
    const key = `${event.parentId}:${event.fn}`;
    if (this.told.has(key)) return;
    this.told.add(key);
    this.say(event.fn === 'rlm_query' ? l10n.t('Turn {0}: a child RLM works on part of the question…', this.turn) : l10n.t('Turn {0}: sub-calls to {1}…', this.turn, event.model));
  }
}
