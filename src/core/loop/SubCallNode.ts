// One sub-call's life as a trajectory node: made by model code (queued), sent (running), retried, then
// done, failed or cancelled; or answered from the sub-call cache, never sent. Whatever it spent is recorded
// exactly once: the server's usage, or an estimate when it was cut short after its request went out.

import { estimateUsage } from '../models/usage';
import { cutAtOutputLimit, ModelError, type ChatModel, type Completion, type Usage } from '../models/types';
import { truncateOutput } from '../sandbox/truncate';
import type { EndStatus, SubCallFunction } from '../trajectory/events';
import type { CallCost } from './Budget';
import type { OpenCall } from './OpenCalls';
import type { RlmRun } from './RlmRun';
import { subCallKey, type CachedAnswer } from './SubCallCache';

/** How much of a prompt and a response the trajectory keeps (the model saw all of it). */
const TRACE_PROMPT_CHARS = 4_000;
const TRACE_RESPONSE_CHARS = 20_000;
/** Sub-calls send no system text; the cache key has room for one. */
const NO_SYSTEM = '';
const NO_USAGE: Usage = { inputTokens: 0, outputTokens: 0, estimated: false };

export interface SubCallOrigin {
  fn: SubCallFunction;
  batchId?: string;
  slot?: number;
}

export class SubCallNode implements OpenCall {
  readonly id: string;
  readonly cellId: string | undefined;
  private readonly parentId: string;
  private readonly controller = new AbortController();
  private readonly startedAt = Date.now();
  private sent = false;
  private ended = false;
  private streamed = '';
  private markSettled!: () => void;
  /** Resolves once the node has ended, however it ended. */
  readonly settled = new Promise<void>((resolve) => { this.markSettled = resolve; });

  constructor(
    private readonly run: RlmRun,
    readonly model: ChatModel,
    private readonly prompt: string,
    origin: SubCallOrigin,
  ) {
    this.id = run.nextSubCallId();
    this.cellId = run.currentCellId;
    this.parentId = run.currentCellId ?? run.id;
    run.scope.trajectory.emit({
      type: 'subcall_start', time: Date.now(), id: this.id, parentId: this.parentId, ...origin, model: model.name,
      prompt: truncateOutput(prompt, TRACE_PROMPT_CHARS), promptChars: prompt.length,
    });
    // Tracked from the start: a queued node whose cell or run ends is ended then, in order, and never sent.
    run.open.track(this, this.settled);
  }

  /** True once the node has ended (a cancelled node is never sent). */
  get isEnded(): boolean {
    return this.ended;
  }

  /** The answer the sub-call cache holds for this prompt, ending the node as reused; undefined on a miss. */
  async fromCache(): Promise<{ text: string } | undefined> {
    const cache = this.run.subCallCache;
    const found = cache && (await cache.get(this.cacheKey));
    if (!found || this.ended) return undefined;
    this.endReused(found);
    return { text: found.text };
  }

  /** Sends the prompt; resolves with the answer or the error text (never rejects). */
  async complete(signal: AbortSignal, stream: boolean): Promise<{ text: string; error?: string }> {
    const trajectory = this.run.scope.trajectory;
    try {
      const completion: Completion = await this.model.complete({
        messages: [{ role: 'user', content: this.prompt }],
        signal: AbortSignal.any([signal, this.controller.signal]),
        onAttempt: ({ attempt }) => {
          if (attempt === 1 && !this.ended) {
            this.sent = true;
            trajectory.emit({ type: 'subcall_running', time: Date.now(), parentId: this.id });
          }
        },
        onRetry: (info) => {
          this.streamed = '';
          if (!this.ended) trajectory.emit({ type: 'retry', time: Date.now(), parentId: this.id, ...info });
        },
        onText: stream ? (delta) => {
          this.streamed += delta;
          if (!this.ended) trajectory.emit({ type: 'model_text', time: Date.now(), parentId: this.id, delta });
        } : undefined,
      });
      const model = completion.model || this.model.name;
      const cost = this.end('done', model, completion.usage, completion.text);
      // A reply cut at its output limit is not worth reusing.
      if (cost && !cutAtOutputLimit(completion)) this.run.subCallCache?.set(this.cacheKey, { text: completion.text, model, usage: completion.usage, costUsd: cost.costUsd });
      return { text: completion.text };
    } catch (err) {
      const message = (err as Error).message || String(err);
      const cancelled = (err instanceof ModelError && err.kind === 'cancelled') || signal.aborted || this.controller.signal.aborted;
      this.end(cancelled ? 'cancelled' : 'error', this.model.name, this.spent(err), '', message);
      return { text: '', error: message };
    }
  }

  /** Ends the node without sending (the budget refused it, or its batch was cancelled before its turn). */
  refuse(status: 'cancelled', reason: string): void {
    this.end(status, this.model.name, { inputTokens: 0, outputTokens: 0, estimated: false }, '', reason);
  }

  async cancel(reason: string): Promise<void> {
    this.controller.abort(new Error(reason));
    this.end('cancelled', this.model.name, this.spent(undefined), '', reason);
  }

  /** What a call cut short spent: the provider's figure when it has one, else an estimate once it was sent. */
  private spent(err: unknown): Usage {
    if (err instanceof ModelError && err.spent) return err.spent;
    if (!this.sent) return { inputTokens: 0, outputTokens: 0, estimated: false };
    return estimateUsage([{ role: 'user', content: this.prompt }], this.streamed);
  }

  private get cacheKey(): string {
    return subCallKey(this.model.name, NO_SYSTEM, this.prompt);
  }

  /** Ends the node; returns what it cost, or undefined when it had already ended. */
  private end(status: EndStatus, model: string, usage: Usage, response: string, error?: string): CallCost | undefined {
    if (this.ended) return undefined;
    this.ended = true;
    this.markSettled();
    const cost = usage.inputTokens + usage.outputTokens > 0 ? this.run.record('sub', model, usage) : { costUsd: 0 };
    this.run.scope.trajectory.emit({
      type: 'subcall_end', time: Date.now(), id: this.id, parentId: this.parentId, status, model,
      response: truncateOutput(response, TRACE_RESPONSE_CHARS), ...(error !== undefined ? { error } : {}), usage, ...cost,
      latencyMs: Date.now() - this.startedAt,
    });
    return cost;
  }

  /** Ends the node with a reused answer: nothing spent; what the answer cost the first time is what it saved. */
  private endReused(found: CachedAnswer): void {
    this.ended = true;
    this.markSettled();
    this.run.recordReuse(found.costUsd);
    this.run.scope.trajectory.emit({
      type: 'subcall_end', time: Date.now(), id: this.id, parentId: this.parentId, status: 'done', model: found.model,
      response: truncateOutput(found.text, TRACE_RESPONSE_CHARS), usage: NO_USAGE, costUsd: 0, savedUsd: found.costUsd, cached: true,
      latencyMs: Date.now() - this.startedAt,
    });
  }
}
