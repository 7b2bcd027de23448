// Folds an event stream into the tree a viewer draws: run > turn > cell > sub-call | child run > ...
// Incremental (the live UI applies one event at a time and redraws what `apply` says changed) and equally
// the fold of a whole trace (replay). Each event costs O(depth): it touches its node and walks up the
// ancestors whose rolled-up totals change. Events come from files and other processes, so nothing here
// trusts them: odd input is counted in `anomalies` and never throws.
// Pure TypeScript with no Node imports: the webview bundles this file.

import type { RlmEvent } from './events';
import { endStatusOf } from './olderSchemas';
import { emptyFigures, type Figures, type TreeNode } from './TreeNode';

export type { CellNode, CompactionNode, EditNode, Figures, NodeKind, RunNode, SubCallNode, TreeNode, TurnNode } from './TreeNode';

/** What the fold ignored or repaired; all zero for a well-formed stream. */
export interface TreeAnomalies {
  /** Events of types this version does not know (a newer writer), by type. Ignored. */
  unknownTypes: Record<string, number>;
  /** Not an object, no type, no id where its type needs one, or not fitting its node (text for a cell). Ignored. */
  malformed: number;
  /** Events about a node that never started (an end, streamed text, a retry). Ignored. */
  unknownNode: number;
  /** A second start with a used id, or a second end. Ignored. */
  repeated: number;
  /** Text, retries or "sent" for a node that had already ended. Ignored. */
  late: number;
  /** Nodes whose parent never started: drawn as roots. */
  orphans: number;
}

/** The figures an event adds to its node and every ancestor. */
type Delta = Omit<Figures, 'elapsedMs'>;

interface Entry {
  node: TreeNode;
  parent: Entry | undefined;
  /** Latest event time seen in this subtree (never less than any descendant's). */
  lastTime: number;
}

export class TrajectoryTree {
  readonly roots: TreeNode[] = [];
  readonly anomalies: TreeAnomalies = { unknownTypes: {}, malformed: 0, unknownNode: 0, repeated: 0, late: 0, orphans: 0 };
  private readonly entries = new Map<string, Entry>();
  private eventCount = 0;

  static from(events: Iterable<RlmEvent>): TrajectoryTree {
    const tree = new TrajectoryTree();
    for (const event of events) tree.apply(event);
    return tree;
  }

  get(id: string): TreeNode | undefined {
    return this.entries.get(id)?.node;
  }

  /** Nodes in the tree. */
  get size(): number {
    return this.entries.size;
  }

  /** Events applied, ignored ones included. */
  get applied(): number {
    return this.eventCount;
  }

  /**
   * Folds one event. Returns the nodes whose drawing changed: the event's node first, then, nearest first,
   * each ancestor whose rolled-up totals changed (and the parent that gained a child). Empty when ignored.
   */
  apply(event: RlmEvent): TreeNode[] {
    this.eventCount++;
    const e = event as unknown as Record<string, unknown> | null;
    if (typeof e !== 'object' || e === null || typeof e.type !== 'string') return this.malformed();
    const time = finite(e.time);
    switch (event.type) {
      case 'run_start': {
        if (!isId(event.id)) return this.malformed();
        const depth = finite(event.depth);
        const child = depth > 0 || event.parentId !== undefined;
        return this.start(event.parentId, child, {
          kind: 'run', id: event.id, parentId: event.parentId, label: `${child ? 'child run' : 'run'} (${event.rootModel})`,
          status: 'running', startTime: time, own: emptyFigures(), total: emptyFigures(), model: event.rootModel,
          input: event.question, children: [], depth, rootModel: event.rootModel, subModel: event.subModel,
          context: event.context, limits: event.limits,
        });
      }
      case 'turn_start': {
        if (!isId(event.id)) return this.malformed();
        const run = this.entries.get(event.parentId)?.node;
        return this.start(event.parentId, false, {
          kind: 'turn', id: event.id, parentId: event.parentId, label: `turn ${event.iteration}${event.last ? ' (best answer)' : ''}`,
          status: 'running', startTime: time, own: emptyFigures(), total: emptyFigures(),
          model: run?.kind === 'run' ? run.rootModel : undefined, output: '', children: [],
          iteration: finite(event.iteration), last: event.last === true, retries: 0,
        });
      }
      case 'cell_start':
        if (!isId(event.id)) return this.malformed();
        return this.start(event.parentId, false, {
          kind: 'cell', id: event.id, parentId: event.parentId, label: `cell ${finite(event.index) + 1}`, status: 'running',
          startTime: time, own: emptyFigures(), total: emptyFigures(), input: event.code, children: [],
          index: finite(event.index), timedOut: false,
        });
      case 'subcall_start': {
        if (!isId(event.id)) return this.malformed();
        const slot = event.batchId !== undefined && event.slot !== undefined ? `[${event.slot}]` : '';
        return this.start(event.parentId, true, {
          kind: 'subcall', id: event.id, parentId: event.parentId, label: `${event.fn ?? 'sub-call'}${slot} (${event.model})`,
          status: 'queued', startTime: time, own: emptyFigures(), total: emptyFigures(), model: event.model,
          input: event.prompt, output: '', children: [], fn: event.fn, batchId: event.batchId, slot: event.slot,
          promptChars: finite(event.promptChars), retries: 0,
        });
      }
      case 'subcall_running':
        return this.update(event.parentId, time, (node) => {
          if (node.kind !== 'subcall' || node.status !== 'queued') return false;
          node.status = 'running';
          node.sentTime = time;
          return true;
        });
      case 'model_text':
        return this.update(event.parentId, time, (node) => {
          if (node.kind !== 'turn' && node.kind !== 'subcall') return false;
          node.output += typeof event.delta === 'string' ? event.delta : '';
          return true;
        });
      case 'retry':
        return this.update(event.parentId, time, (node) => {
          if (node.kind !== 'turn' && node.kind !== 'subcall') return false;
          // The next attempt streams its text from the start.
          node.output = '';
          node.retries++;
          return true;
        });
      case 'edit_proposed': {
        if (!isId(event.id) || typeof event.path !== 'string') return this.malformed();
        const arrow = event.change === 'rename' && typeof event.from === 'string' ? `${event.from} → ` : '';
        // Born ended: a proposal is one moment, and counts no tokens of its own.
        return this.start(event.parentId, false, {
          kind: 'edit', id: event.id, parentId: event.parentId, label: `${event.change} ${arrow}${event.path} +${finite(event.added)} −${finite(event.removed)}`,
          status: 'done', startTime: time, endTime: time, own: emptyFigures(), total: emptyFigures(), input: event.description,
          output: event.diff, children: [], path: event.path, change: event.change, from: event.from,
          added: finite(event.added), removed: finite(event.removed),
        });
      }
      case 'compaction_start': {
        if (!isId(event.id)) return this.malformed();
        const why = event.reason === 'refused' ? ', refused as too long' : '';
        return this.start(event.parentId, false, {
          kind: 'compaction', id: event.id, parentId: event.parentId,
          label: `compaction: ${finite(event.turns)} turns, ${finite(event.tokensBefore).toLocaleString('en-US')} tokens of ${finite(event.window).toLocaleString('en-US')}${why}`,
          status: 'running', startTime: time, own: emptyFigures(), total: emptyFigures(), model: event.model, children: [],
          reason: event.reason, window: finite(event.window), tokensBefore: finite(event.tokensBefore), turns: finite(event.turns),
        });
      }
      case 'compaction_end':
        return this.end(event, time, (node) => {
          if (node.kind !== 'compaction') return undefined;
          assign(node, { output: event.summary, model: event.model, latencyMs: event.latencyMs, tokensAfter: event.tokensAfter });
          return usageDelta(event.usage, event);
        });
      case 'final':
        return this.update(event.parentId, time, (node) => node.kind === 'run' && assign(node, { output: event.answer }));
      case 'limit':
        return this.update(event.parentId, time, (node) => node.kind === 'run' && assign(node, { stopReason: event.reason, detail: event.detail }));
      case 'error':
        return this.update(event.parentId, time, (node) => node.kind === 'run' && assign(node, { error: event.message }));
      case 'turn_end':
        return this.end(event, time, (node) => {
          if (node.kind !== 'turn') return undefined;
          assign(node, { output: event.text, model: event.model, latencyMs: event.latencyMs, finishReason: event.finishReason });
          if (event.cut === true) assign(node, { cut: true, label: `${node.label} (cut at the output limit)` });
          return usageDelta(event.usage, event);
        });
      case 'subcall_end':
        return this.end(event, time, (node) => {
          if (node.kind !== 'subcall') return undefined;
          assign(node, { output: event.response, model: event.model, latencyMs: event.latencyMs });
          if (event.cached === true) assign(node, { cached: true, label: `${node.label} (cached)` });
          return usageDelta(event.usage, event);
        });
      case 'cell_end':
        return this.end(event, time, (node) => {
          if (node.kind !== 'cell') return undefined;
          assign(node, { output: event.output, timedOut: event.timedOut === true });
          return usageDelta(undefined, {});
        });
      case 'run_end':
        return this.end(event, time, (node) => {
          if (node.kind !== 'run') return undefined;
          assign(node, { output: event.answer, stopReason: event.stopReason, detail: event.detail, iterations: event.iterations, reported: event.usage });
          // A run's tokens are its turns' and sub-calls': counting the reported usage again would double them.
          return usageDelta(undefined, {});
        });
      default: {
        const type = (event as { type: string }).type;
        this.anomalies.unknownTypes[type] = (this.anomalies.unknownTypes[type] ?? 0) + 1;
        return [];
      }
    }
  }

  private malformed(): TreeNode[] {
    this.anomalies.malformed++;
    return [];
  }

  private start(parentId: unknown, isSubCall: boolean, fields: TreeNode): TreeNode[] {
    const node = defined(fields);
    if (this.entries.has(node.id)) {
      this.anomalies.repeated++;
      return [];
    }
    const parent = typeof parentId === 'string' ? this.entries.get(parentId) : undefined;
    if (parentId !== undefined && !parent) this.anomalies.orphans++;
    const entry: Entry = { node, parent, lastTime: node.startTime };
    this.entries.set(node.id, entry);
    (parent ? parent.node.children : this.roots).push(node);
    const delta = isSubCall ? { ...ZERO, subCalls: 1 } : undefined;
    if (delta) addTo(node.own, delta);
    if (delta) addTo(node.total, delta);
    const changed: TreeNode[] = [node];
    this.bubble(entry, node.startTime, delta, changed);
    // The parent has a new child row even when its figures stay (a turn ends before its cells start).
    if (parent && changed[1] !== parent.node) changed.splice(1, 0, parent.node);
    return changed;
  }

  /** Streamed text, retries, a run's final/limit/error, a sub-call going out: no figures change but time. */
  private update(id: unknown, time: number, change: (node: TreeNode) => boolean): TreeNode[] {
    const entry = typeof id === 'string' ? this.entries.get(id) : undefined;
    if (!entry) {
      this.anomalies.unknownNode++;
      return [];
    }
    if (entry.node.endTime !== undefined) {
      this.anomalies.late++;
      return [];
    }
    if (!change(entry.node)) {
      this.anomalies.malformed++;
      return [];
    }
    const node = entry.node;
    node.own.elapsedMs = Math.max(node.own.elapsedMs, time - node.startTime);
    node.total.elapsedMs = Math.max(node.total.elapsedMs, node.own.elapsedMs);
    const changed: TreeNode[] = [node];
    this.bubble(entry, time, undefined, changed);
    return changed;
  }

  private end(event: RlmEvent & { id: string }, time: number, finish: (node: TreeNode) => Delta | undefined): TreeNode[] {
    const entry = isId(event.id) ? this.entries.get(event.id) : undefined;
    if (!entry) {
      this.anomalies.unknownNode++;
      return [];
    }
    const node = entry.node;
    if (node.endTime !== undefined) {
      this.anomalies.repeated++;
      return [];
    }
    const delta = finish(node);
    if (!delta) {
      this.anomalies.malformed++;
      return [];
    }
    node.status = endStatusOf(event);
    const error = (event as { error?: unknown }).error;
    if (typeof error === 'string' && error) node.error = error;
    if (node.status === 'error') delta.errors = 1;
    node.endTime = time;
    const elapsed = Math.max(0, time - node.startTime);
    addTo(node.own, delta);
    addTo(node.total, delta);
    node.own.elapsedMs = elapsed;
    node.total.elapsedMs = Math.max(elapsed, node.total.elapsedMs);
    const changed: TreeNode[] = [node];
    this.bubble(entry, time, delta, changed);
    return changed;
  }

  /**
   * Carries a change up the ancestors: figures add to every one; a later time stretches each one's rolled-up
   * span. Stops early once neither applies (then nothing above changes either).
   */
  private bubble(from: Entry, time: number, delta: Delta | undefined, changed: TreeNode[]): void {
    from.lastTime = Math.max(from.lastTime, time);
    const addsFigures = delta !== undefined && !isZero(delta);
    for (let entry = from.parent; entry; entry = entry.parent) {
      const later = time > entry.lastTime;
      if (!later && !addsFigures) return;
      const node = entry.node;
      let touched = addsFigures;
      if (addsFigures) addTo(node.total, delta!);
      if (later) {
        entry.lastTime = time;
        // Even after the node's own end: a turn ends when its reply is in, and its cells run after that.
        if (time - node.startTime > node.total.elapsedMs) {
          node.total.elapsedMs = time - node.startTime;
          touched = true;
        }
      }
      if (touched) changed.push(node);
    }
  }
}

const ZERO: Delta = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, costUsd: 0, savedUsd: 0, subCalls: 0, errors: 0, estimated: false, unpriced: 0 };

/** What an event's call added: its usage, and its cost as the event states it (`unpriced`: the cost is not known). */
function usageDelta(
  usage: { inputTokens?: unknown; outputTokens?: unknown; cachedInputTokens?: unknown; estimated?: unknown } | undefined,
  cost: { costUsd?: unknown; savedUsd?: unknown; unpriced?: unknown },
): Delta {
  return {
    ...ZERO,
    inputTokens: finite(usage?.inputTokens),
    outputTokens: finite(usage?.outputTokens),
    cachedInputTokens: finite(usage?.cachedInputTokens),
    costUsd: finite(cost.costUsd),
    savedUsd: finite(cost.savedUsd),
    estimated: usage?.estimated === true,
    unpriced: cost.unpriced === true ? 1 : 0,
  };
}

function addTo(figures: Figures, delta: Delta): void {
  figures.inputTokens += delta.inputTokens;
  figures.outputTokens += delta.outputTokens;
  figures.cachedInputTokens += delta.cachedInputTokens;
  figures.costUsd += delta.costUsd;
  figures.savedUsd += delta.savedUsd;
  figures.subCalls += delta.subCalls;
  figures.errors += delta.errors;
  figures.estimated ||= delta.estimated;
  figures.unpriced += delta.unpriced;
}

function isZero(d: Delta): boolean {
  return d.inputTokens === 0 && d.outputTokens === 0 && d.costUsd === 0 && d.savedUsd === 0 && d.subCalls === 0 && d.errors === 0
    && !d.estimated && d.unpriced === 0;
}

/** Sets the fields an event carries; absent ones keep what the node had (and never appear as undefined keys). */
function assign<N extends TreeNode>(node: N, fields: Partial<N>): true {
  for (const key in fields) {
    if (fields[key] !== undefined) node[key] = fields[key]!;
  }
  return true;
}

/** A new node without undefined keys, so it reads the same after a JSON round trip (into a webview). */
function defined<N extends TreeNode>(node: N): N {
  for (const key in node) {
    if (node[key] === undefined) delete node[key];
  }
  return node;
}

const finite = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) ? x : 0);
const isId = (x: unknown): x is string => typeof x === 'string' && x !== '';

