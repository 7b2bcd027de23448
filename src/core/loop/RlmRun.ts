// One question's run at one depth: the steps the loop is made of (ask the root model, run a cell, end),
// each reported as trajectory events. The order of the steps lives in rlmLoop.ts. Every node a step
// starts is ended, whatever happens: a failed or cancelled root call ends its turn with that status, and a
// cell or run that ends first stops the sub-calls and child runs it left behind.

import { estimateUsage, UsageTally, type CallRole } from '../models/usage';
import { cutAtOutputLimit, ModelError, type ChatMessage, type ChatModel, type Completion, type Usage } from '../models/types';
import { truncateOutput } from '../sandbox/truncate';
import type { VariableInfo } from '../sandbox/Sandbox';
import type { CellResult } from '../sandbox/types';
import { runStatus, type ContextMeta, type EndStatus, type ReceiptLine, type RunLimitsSummary, type RunUsage, type StopReason } from '../trajectory/events';
import type { CallCost, LimitHit } from './Budget';
import { OpenCalls } from './OpenCalls';
import type { ModelPair, RlmLimits } from './options';
import type { Repl } from './Repl';
import type { RunChanges, RunEdits } from './RunEdits';
import type { RunScope } from './RunScope';
import type { SubCallCache } from './SubCallCache';
import { MAX_TRACE_LINE_CHARS } from '../trajectory/readTrace';

/**
 * The longest final answer a run takes: half the longest trace line, so the run_end event that keeps it whole
 * stays readable once escaped as JSON. Past it, FINAL fails and tells the model why (it can answer again).
 */
export const MAX_ANSWER_CHARS = MAX_TRACE_LINE_CHARS / 2;

/**
 * The `final` event carries the answer cut head and tail past this (like cell output); `run_end` has it whole,
 * so a huge answer is written to the trace once, not twice.
 */
export const FINAL_EVENT_ANSWER_CHARS = 20_000;

/** A cell_end event names at most this many of the files its cell read (a loop over files() may read thousands). */
export const MAX_CELL_FILES_READ = 200;

export interface RunResult {
  answer: string;
  stopReason: StopReason;
  /** Why the run stopped, in words, when it was not a final answer. */
  detail?: string;
  iterations: number;
  subCalls: number;
  /** Times the root history was compacted, child runs' included. */
  compactions: number;
  usage: RunUsage;
  durationMs: number;
  /** SHA-256 over the run's trace (top-level runs only). */
  receipt?: ReceiptLine;
  /** What the run proposed to change in the workspace (nothing is written), when it proposed anything. */
  edits?: RunChanges;
}

/** A root model's reply, and whether it stopped at its output limit (it may end inside a code block). */
export interface RootReply extends Completion {
  cut: boolean;
}

export interface ChildRunner {
  (parent: RlmRun, prompt: string, context: unknown, signal: AbortSignal): Promise<RunResult>;
}

export interface RunSettings {
  /** Stream sub-call text as model_text events (off by default: it costs CPU on big fan-outs). */
  streamSubCalls?: boolean;
  /** Which model writes the summary when the root history is compacted (default: the root model). */
  compactWith?: 'root' | 'sub';
  /** Sub-call answers kept across questions; absent: every sub-call is sent. */
  subCallCache?: SubCallCache;
}

export class RlmRun {
  final: string | undefined;
  /** The best answer so far for a run that ends without FINAL: a FINAL written as text too early. */
  candidate = '';
  currentCellId: string | undefined;
  iterations = 0;
  /** Sub-calls and child runs started from this run's cells and not finished yet. */
  readonly open = new OpenCalls();
  private turnSeq = 0;
  private cellSeq = 0;
  private subCallSeq = 0;
  private batchSeq = 0;
  private childSeq = 0;
  private subCallsMade = 0;
  private lastTurnId = '';
  /** The files the running cell read, in the order first read. */
  private cellReads = new Set<string>();
  private readonly tally = new UsageTally();
  private readonly startedAt = Date.now();

  constructor(
    readonly id: string,
    readonly scope: RunScope,
    readonly depth: number,
    readonly question: string,
    readonly models: ModelPair,
    private readonly sandbox: Repl,
    private readonly runChild: ChildRunner,
    readonly parentId?: string,
    private readonly settings: RunSettings = {},
    /** The run's proposed edits (workspace runs only). */
    private readonly proposals?: RunEdits,
  ) {}

  /** The run's proposed edits; only workspace runs lend the edit functions that reach this. */
  get edits(): RunEdits {
    if (!this.proposals) throw new Error('this run has no workspace to propose edits to');
    return this.proposals;
  }

  /** Where an event about model code's current call hangs: the running cell, else the run. */
  get cellOrRunId(): string {
    return this.currentCellId ?? this.id;
  }

  get canRecurse(): boolean {
    return this.depth + 1 < this.scope.limits.maxDepth;
  }

  get streamSubCalls(): boolean {
    return this.settings.streamSubCalls === true;
  }

  /**
   * The root conversation grows by a turn per request and is resent whole: it is marked for the provider's prompt
   * cache, under one key per session and depth (the runs at one depth share their system prompt).
   */
  get promptCache(): { key: string } {
    return { key: `rlm-${this.scope.trajectory.session.id}-d${this.depth}` };
  }

  /** The model that plays root here: the root model at the top, the sub-model in child runs. */
  get rootModel(): ChatModel {
    return this.depth === 0 ? this.models.root : this.models.sub;
  }

  get subCallCache(): SubCallCache | undefined {
    return this.settings.subCallCache;
  }

  /** The model that writes the summary when the root history is compacted. */
  get summarizer(): ChatModel {
    return this.settings.compactWith === 'sub' ? this.models.sub : this.rootModel;
  }

  /** The REPL's variables (a compaction names them; they outlive it). */
  variables(): VariableInfo[] {
    return this.sandbox.variables();
  }

  countCompaction(): void {
    this.scope.countCompaction();
  }

  start(context: ContextMeta): void {
    this.scope.trajectory.emit({
      type: 'run_start', time: Date.now(), id: this.id, parentId: this.parentId, depth: this.depth,
      question: this.question, rootModel: this.rootModel.name, subModel: this.models.sub.name, context,
      limits: summarize(this.scope.limits), ...(this.proposals ? { edits: true } : {}),
    });
  }

  /**
   * One root turn: streams the reply and records its usage. A call that fails for good or is cancelled still
   * ends its turn (with that status and what it spent) before the error goes on to the loop.
   */
  async askRoot(messages: ChatMessage[], iteration: number, last = false): Promise<RootReply> {
    const trajectory = this.scope.trajectory;
    const model = this.rootModel;
    // Refused before the turn starts: no node is left open, and the loop ends the run on the limit.
    const refused = this.scope.budget.claimRequest(model.name);
    if (refused) throw new Error(refused.detail);
    const turnId = `${this.id}.t${++this.turnSeq}`;
    const started = Date.now();
    let streamed = '';
    let sent = false;
    trajectory.emit({ type: 'turn_start', time: started, id: turnId, parentId: this.id, iteration, ...(last ? { last } : {}) });
    this.lastTurnId = turnId;
    try {
      const completion = await model.complete({
        messages,
        promptCache: this.promptCache,
        signal: this.scope.signal,
        onAttempt: () => (sent = true),
        onText: (delta) => {
          streamed += delta;
          trajectory.emit({ type: 'model_text', time: Date.now(), parentId: turnId, delta });
        },
        // A retried request streams again from the start: viewers drop what they showed for this turn.
        onRetry: (info) => {
          streamed = '';
          trajectory.emit({ type: 'retry', time: Date.now(), parentId: turnId, ...info });
        },
      });
      const name = completion.model || model.name;
      const cost = this.record('root', name, completion.usage);
      const cut = cutAtOutputLimit(completion);
      trajectory.emit({
        type: 'turn_end', time: Date.now(), id: turnId, parentId: this.id, status: 'done', text: completion.text,
        model: name, usage: completion.usage, ...cost, latencyMs: completion.latencyMs,
        ...(completion.finishReason ? { finishReason: completion.finishReason } : {}), ...(cut ? { cut } : {}),
      });
      return { ...completion, cut };
    } catch (err) {
      const cancelled = (err instanceof ModelError && err.kind === 'cancelled') || this.scope.signal.aborted;
      const usage: Usage = err instanceof ModelError && err.spent ? err.spent
        : sent ? estimateUsage(messages, streamed) : { inputTokens: 0, outputTokens: 0, estimated: false };
      const cost = usage.inputTokens + usage.outputTokens > 0 ? this.record('root', model.name, usage) : { costUsd: 0 };
      trajectory.emit({
        type: 'turn_end', time: Date.now(), id: turnId, parentId: this.id, status: cancelled ? 'cancelled' : 'error', text: streamed,
        model: model.name, usage, ...cost, latencyMs: Date.now() - started, error: (err as Error).message || String(err),
      });
      throw err;
    }
  }

  /** Runs one cell; what its code left running is stopped before the cell's end event. */
  async runCell(code: string, index: number): Promise<CellResult> {
    const id = `${this.lastTurnId}.c${++this.cellSeq}`;
    const trajectory = this.scope.trajectory;
    trajectory.emit({ type: 'cell_start', time: Date.now(), id, parentId: this.lastTurnId, index, code });
    this.currentCellId = id;
    this.cellReads = new Set();
    let result: CellResult;
    try {
      result = await this.sandbox.run(code, { signal: this.scope.signal });
    } finally {
      this.currentCellId = undefined;
      await this.open.cancel(id, 'the cell ended before this call finished (it was not awaited)');
    }
    const outputChars = this.scope.limits.outputChars;
    const shown = [result.output, result.value !== undefined ? `=> ${result.value}` : ''].filter(Boolean).join('\n');
    const status: EndStatus = result.cancelled ? 'cancelled' : result.error !== undefined ? 'error' : 'done';
    trajectory.emit({
      type: 'cell_end', time: Date.now(), id, parentId: this.lastTurnId, status, output: truncateOutput(shown, outputChars),
      ...(result.error !== undefined ? { error: truncateOutput(result.error, outputChars) } : {}),
      durationMs: result.durationMs, ...(result.timedOut ? { timedOut: true } : {}), ...this.filesRead(),
    });
    return result;
  }

  /** Model code read a workspace file (workspaceFunctions.ts): the cell's end event names it. */
  noteRead(path: string): void {
    if (this.currentCellId !== undefined) this.cellReads.add(path);
  }

  private filesRead(): { filesRead?: string[]; moreFilesRead?: number } {
    const read = [...this.cellReads];
    if (read.length === 0) return {};
    const more = read.length - MAX_CELL_FILES_READ;
    return { filesRead: read.slice(0, MAX_CELL_FILES_READ), ...(more > 0 ? { moreFilesRead: more } : {}) };
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
    const answer = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
    if (answer.length > MAX_ANSWER_CHARS) {
      throw new Error(`FINAL: the answer has ${answer.length.toLocaleString('en-US')} characters, more than the ${MAX_ANSWER_CHARS.toLocaleString('en-US')} a final answer may have. Answer with what the user needs to read (a summary, the places in the code), not the raw data.`);
    }
    this.final = answer;
  }

  record(role: CallRole, model: string, usage: Usage): CallCost {
    const cost = this.scope.budget.record(this.treeRole(role), model, usage);
    this.tally.add(role, usage, cost.unpriced ? undefined : cost.costUsd, cost.savedUsd);
    return cost;
  }

  /** A sub-call answered from the sub-call cache: no spend, `savedUsd` what the answer cost the first time. */
  recordReuse(savedUsd: number): void {
    this.scope.budget.reuse(this.treeRole('sub'), savedUsd);
    this.tally.reuse('sub', savedUsd);
  }

  /** Child runs spend the sub-model: they count as sub-calls in the tree's root/sub split. */
  private treeRole(role: CallRole): CallRole {
    return this.depth === 0 ? role : 'sub';
  }

  async modelFor(name: unknown): Promise<ChatModel> {
    const { sub, byName } = this.models;
    if (name === undefined || name === null || name === sub.name) return sub;
    if (typeof name !== 'string') throw new Error('the model option must be a model name string');
    if (!byName) throw new Error(`model '${name}' is not available: this run only has the sub-model '${sub.name}'`);
    return byName(name);
  }

  nextSubCallId(): string {
    return `${this.currentCellId ?? this.id}.s${++this.subCallSeq}`;
  }

  nextBatchId(): string {
    return `${this.id}.b${++this.batchSeq}`;
  }

  /** Counts a sub-call (or child run) this run's code started, once the budget allowed it. */
  countSubCall(): void {
    this.subCallsMade++;
  }

  /** A child RLM for rlm_query: cancelled on its own when `signal` fires (its cell ended), tracked until it ends. */
  startChild(prompt: string, context: unknown, signal: AbortSignal): Promise<RunResult> {
    const stop = new AbortController();
    const cellId = this.currentCellId;
    const result = this.runChild(this, prompt, context, AbortSignal.any([signal, stop.signal]));
    this.open.track({
      cellId,
      cancel: async (reason) => {
        stop.abort(new Error(reason));
        await result.catch(() => undefined);
      },
    }, result);
    return result;
  }

  /** The id of the next child run, and its place in the plan (the order rlm_query was called in). */
  nextChild(): { id: string; seq: number } {
    const seq = ++this.childSeq;
    return { id: `${this.currentCellId ?? this.id}.r${seq}`, seq };
  }

  /** The limit that ends this run, if one was hit (cancellation, timeout, budget). */
  limitHit(): LimitHit | undefined {
    return this.scope.limitHit();
  }

  /** Ends the run: stops what its cells left running, then reports how it ended. */
  async end(stopReason: StopReason, answer: string, detail?: string): Promise<RunResult> {
    await this.open.cancel(undefined, `the run ended (${stopReason}) before this call finished`);
    const trajectory = this.scope.trajectory;
    const time = Date.now();
    if (stopReason === 'final') trajectory.emit({ type: 'final', time, parentId: this.id, answer: truncateOutput(answer, FINAL_EVENT_ANSWER_CHARS) });
    else if (stopReason === 'error') trajectory.emit({ type: 'error', time, parentId: this.id, message: detail ?? 'the run failed' });
    else trajectory.emit({ type: 'limit', time, parentId: this.id, reason: stopReason, detail: detail ?? stopReason });
    const result: RunResult = {
      answer,
      stopReason,
      detail: stopReason === 'final' ? undefined : detail,
      iterations: this.iterations,
      subCalls: this.depth === 0 ? this.scope.budget.subCalls : this.subCallsMade,
      compactions: this.scope.compactions,
      usage: this.depth === 0 ? this.scope.budget.totals() : this.tally.totals(),
      durationMs: time - this.startedAt,
      ...(this.proposals && !this.proposals.isEmpty ? { edits: this.proposals.result() } : {}),
    };
    trajectory.emit({
      type: 'run_end', time, id: this.id, parentId: this.parentId, status: runStatus(stopReason), answer, stopReason,
      ...(result.detail !== undefined ? { detail: result.detail } : {}), iterations: result.iterations,
      subCalls: result.subCalls, usage: result.usage, durationMs: result.durationMs, ...(result.compactions > 0 ? { compactions: result.compactions } : {}),
    });
    return result;
  }
}

function summarize(limits: RlmLimits): RunLimitsSummary {
  const finite = (n: number) => (Number.isFinite(n) ? n : null);
  return {
    maxDepth: limits.maxDepth,
    maxIterations: limits.maxIterations,
    maxSubCalls: finite(limits.maxSubCalls),
    maxTokens: finite(limits.maxTokens),
    maxCostUsd: finite(limits.maxCostUsd),
    maxRequests: finite(limits.maxRequests),
    timeoutMs: finite(limits.timeoutMs),
    concurrency: limits.concurrency,
  };
}
