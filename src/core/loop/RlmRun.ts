// One question's run at one depth: the steps the loop is made of (ask the root model, run a cell, end),
// each reported as trajectory events. The order of the steps lives in rlmLoop.ts.

import type { ChatMessage, ChatModel, Usage } from '../models/types';
import { truncateOutput } from '../sandbox/truncate';
import type { CellResult } from '../sandbox/types';
import { runStatus, type ContextMeta, type ReceiptLine, type RunUsage, type StopReason } from '../trajectory/events';
import { UsageTally, type CallRole, type LimitHit } from './Budget';
import type { ModelPair } from './options';
import type { Repl } from './Repl';
import type { RunScope } from './RunScope';

export interface RunResult {
  answer: string;
  stopReason: StopReason;
  /** Why the run stopped, in words, when it was not a final answer. */
  detail?: string;
  iterations: number;
  subCalls: number;
  usage: RunUsage;
  durationMs: number;
  /** SHA-256 over the run's events (top-level runs only). */
  receipt?: ReceiptLine;
}

export interface ChildRunner {
  (parent: RlmRun, prompt: string, context: unknown): Promise<RunResult>;
}

export class RlmRun {
  final: string | undefined;
  /** The best answer so far, for a run that ends without FINAL: a text FINAL seen too early, or the last prose. */
  candidate = '';
  currentCellId: string | undefined;
  iterations = 0;
  private turnSeq = 0;
  private cellSeq = 0;
  private subCallSeq = 0;
  private childSeq = 0;
  private subCallsMade = 0;
  private readonly tally = new UsageTally();
  private readonly startedAt = Date.now();

  constructor(
    readonly id: string,
    readonly scope: RunScope,
    readonly depth: number,
    readonly question: string,
    private readonly models: ModelPair,
    private readonly sandbox: Repl,
    private readonly runChild: ChildRunner,
    readonly parentId?: string,
  ) {}

  get canRecurse(): boolean {
    return this.depth + 1 < this.scope.limits.maxDepth;
  }

  /** The model that plays root here: the root model at the top, the sub-model in child runs. */
  get rootModel(): ChatModel {
    return this.depth === 0 ? this.models.root : this.models.sub;
  }

  start(context: ContextMeta): void {
    this.scope.trajectory.emit({
      type: 'run_start', time: Date.now(), id: this.id, parentId: this.parentId, depth: this.depth,
      question: this.question, rootModel: this.rootModel.name, subModel: this.models.sub.name, context,
    });
  }

  /** One root turn: streams the reply and records its usage. */
  async askRoot(messages: ChatMessage[], iteration: number): Promise<string> {
    const turnId = `${this.id}.t${++this.turnSeq}`;
    const trajectory = this.scope.trajectory;
    trajectory.emit({ type: 'turn_start', time: Date.now(), id: turnId, parentId: this.id, iteration });
    const completion = await this.rootModel.complete({
      messages,
      signal: this.scope.signal,
      onText: (delta) => trajectory.emit({ type: 'model_text', time: Date.now(), parentId: turnId, delta }),
      // A retried request streams again from the start: tell viewers to drop what they showed.
      onRetry: (info) => trajectory.emit({ type: 'retry', time: Date.now(), parentId: turnId, ...info }),
    });
    // Child runs spend the sub-model: they count as sub-calls in the tree's root/sub split.
    const costUsd = this.record('root', completion.model || this.rootModel.name, completion.usage);
    trajectory.emit({
      type: 'turn_end', time: Date.now(), id: turnId, parentId: this.id, status: 'done', text: completion.text,
      model: completion.model || this.rootModel.name, usage: completion.usage, costUsd, latencyMs: completion.latencyMs,
    });
    this.lastTurnId = turnId;
    return completion.text;
  }

  private lastTurnId = '';

  async runCell(code: string, index: number): Promise<CellResult> {
    const id = `${this.lastTurnId}.c${++this.cellSeq}`;
    const trajectory = this.scope.trajectory;
    trajectory.emit({ type: 'cell_start', time: Date.now(), id, parentId: this.lastTurnId, index, code });
    this.currentCellId = id;
    let result: CellResult;
    try {
      result = await this.sandbox.run(code, { signal: this.scope.signal });
    } finally {
      this.currentCellId = undefined;
    }
    const shown = [result.output, result.value !== undefined ? `=> ${result.value}` : ''].filter(Boolean).join('\n');
    trajectory.emit({
      type: 'cell_end', time: Date.now(), id, parentId: this.lastTurnId, status: result.error === 'cancelled' ? 'cancelled' : result.error ? 'error' : 'done',
      output: truncateOutput(shown, this.scope.limits.outputChars), error: result.error, durationMs: result.durationMs,
    });
    return result;
  }

  /** Runs code the engine needs (resolving a text FINAL_VAR) without showing it as a cell. */
  runQuietly(code: string): Promise<CellResult> {
    return this.sandbox.run(code, { signal: this.scope.signal });
  }

  setFinal(value: unknown): void {
    if (value === undefined) {
      throw new Error("FINAL(undefined): pass the answer itself, e.g. FINAL(answer), or a variable's name to FINAL_VAR('answer')");
    }
    if (this.final !== undefined) return; // the first FINAL of a run wins
    this.final = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  }

  record(role: CallRole, model: string, usage: Usage): number {
    const treeRole: CallRole = this.depth === 0 ? role : 'sub';
    const cost = this.scope.budget.record(treeRole, model, usage);
    this.tally.add(role, usage, cost);
    return cost;
  }

  async modelFor(name: string | undefined): Promise<ChatModel> {
    const { sub, byName } = this.models;
    if (name === undefined || name === sub.name) return sub;
    if (typeof name !== 'string') throw new Error('the model option must be a model name string');
    if (!byName) throw new Error(`model '${name}' is not available: this run only has the sub-model '${sub.name}'`);
    return byName(name);
  }

  nextSubCallId(): string {
    return `${this.currentCellId ?? this.id}.s${++this.subCallSeq}`;
  }

  /** Counts a sub-call (or child run) this run's code started, once the budget allowed it. */
  countSubCall(): void {
    this.subCallsMade++;
  }

  async startChild(prompt: string, context: unknown): Promise<RunResult> {
    return this.runChild(this, prompt, context);
  }

  nextChildId(): string {
    return `${this.currentCellId ?? this.id}.r${++this.childSeq}`;
  }

  /** The limit that ends this run, if one was hit (cancellation, timeout, budget). */
  limitHit(): LimitHit | undefined {
    return this.scope.limitHit();
  }

  end(stopReason: StopReason, answer: string, detail?: string): RunResult {
    const trajectory = this.scope.trajectory;
    const time = Date.now();
    if (stopReason === 'final') trajectory.emit({ type: 'final', time, parentId: this.id, answer });
    else if (stopReason === 'error') trajectory.emit({ type: 'error', time, parentId: this.id, message: detail ?? 'the run failed' });
    else trajectory.emit({ type: 'limit', time, parentId: this.id, reason: stopReason, detail: detail ?? stopReason });
    const result: RunResult = {
      answer,
      stopReason,
      detail: stopReason === 'final' ? undefined : detail,
      iterations: this.iterations,
      subCalls: this.depth === 0 ? this.scope.budget.subCalls : this.subCallsMade,
      usage: this.depth === 0 ? this.scope.budget.totals() : this.tally.totals(),
      durationMs: time - this.startedAt,
    };
    trajectory.emit({
      type: 'run_end', time, id: this.id, parentId: this.parentId, status: runStatus(stopReason), answer, stopReason, detail: result.detail, iterations: result.iterations,
      subCalls: result.subCalls, usage: result.usage, durationMs: result.durationMs,
    });
    return result;
  }
}
