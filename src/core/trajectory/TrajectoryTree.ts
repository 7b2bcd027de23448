// Folds an event stream into the tree a viewer draws: run > turn > cell > sub-call | child run > ...
// Works incrementally (apply one event at a time, as the live UI will) and on a whole trace (replay).

import type { RlmEvent, StopReason } from './events';

export type NodeKind = 'run' | 'turn' | 'cell' | 'subcall';

export interface TreeNode {
  id: string;
  kind: NodeKind;
  label: string;
  children: TreeNode[];
  status: 'running' | 'done' | 'error';
  startTime: number;
  durationMs?: number;
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
  model?: string;
  /** run: question; turn: model text; cell: code; subcall: prompt. */
  input?: string;
  /** run: answer; cell: output; subcall: response. */
  output?: string;
  error?: string;
  stopReason?: StopReason;
}

export class TrajectoryTree {
  readonly roots: TreeNode[] = [];
  private readonly nodes = new Map<string, TreeNode>();

  static from(events: Iterable<RlmEvent>): TrajectoryTree {
    const tree = new TrajectoryTree();
    for (const event of events) tree.apply(event);
    return tree;
  }

  get(id: string): TreeNode | undefined {
    return this.nodes.get(id);
  }

  apply(event: RlmEvent): TreeNode | undefined {
    switch (event.type) {
      case 'run_start':
        return this.add(event.parentId, {
          id: event.id, kind: 'run', label: `${event.depth === 0 ? 'run' : 'child run'} (${event.rootModel})`,
          input: event.question, model: event.rootModel, startTime: event.time,
        });
      case 'turn_start':
        return this.add(event.parentId, { id: event.id, kind: 'turn', label: `turn ${event.iteration}`, input: '', startTime: event.time });
      case 'model_text': {
        const turn = this.nodes.get(event.parentId);
        if (turn) turn.input = (turn.input ?? '') + event.delta;
        return turn;
      }
      case 'turn_end':
        return this.finish(event.id, event.time, {
          input: event.text, model: event.model, inputTokens: event.usage.inputTokens,
          outputTokens: event.usage.outputTokens, costUsd: event.costUsd,
        });
      case 'cell_start':
        return this.add(event.parentId, { id: event.id, kind: 'cell', label: `cell ${event.index + 1}`, input: event.code, startTime: event.time });
      case 'cell_end':
        return this.finish(event.id, event.time, { output: event.output, error: event.error });
      case 'subcall_start':
        return this.add(event.parentId, {
          id: event.id, kind: 'subcall', label: `llm_query (${event.model})`, model: event.model,
          input: event.prompt, startTime: event.time,
        });
      case 'subcall_end':
        return this.finish(event.id, event.time, {
          output: event.response, error: event.error, inputTokens: event.usage.inputTokens,
          outputTokens: event.usage.outputTokens, costUsd: event.costUsd,
        });
      case 'run_end':
        return this.finish(event.id, event.time, {
          output: event.answer, stopReason: event.stopReason, inputTokens: event.usage.total.inputTokens,
          outputTokens: event.usage.total.outputTokens, costUsd: event.usage.total.costUsd,
        });
      case 'retry': {
        const node = this.nodes.get(event.parentId);
        if (node?.kind === 'turn') node.input = '';
        return node;
      }
      case 'error': {
        const run = this.nodes.get(event.parentId);
        if (run) run.error = event.message;
        return run;
      }
      default:
        return undefined;
    }
  }

  private add(parentId: string | undefined, fields: Omit<TreeNode, 'children' | 'status'>): TreeNode {
    const node: TreeNode = { ...fields, children: [], status: 'running' };
    this.nodes.set(node.id, node);
    const parent = parentId ? this.nodes.get(parentId) : undefined;
    (parent ? parent.children : this.roots).push(node);
    return node;
  }

  private finish(id: string, time: number, fields: Partial<TreeNode>): TreeNode | undefined {
    const node = this.nodes.get(id);
    if (!node) return undefined;
    Object.assign(node, fields);
    node.durationMs = time - node.startTime;
    node.status = node.error || (node.stopReason && node.stopReason !== 'final') ? 'error' : 'done';
    return node;
  }
}
