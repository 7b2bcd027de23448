// The model-calling functions lent to model code: llm_query, llm_query_batched and rlm_query. Each call is
// checked against the shared budget and the sub-model's window before anything is sent, and is reported as
// a sub-call event under the cell that made it.

import type { ChatModel } from '../models/types';
import { truncateOutput } from '../sandbox/truncate';
import type { RlmRun } from './RlmRun';
import type { SubCallFunction } from '../trajectory/events';

/** Rough characters per token for prompts of code and English; errs on the side of refusing early. */
export const CHARS_PER_TOKEN = 3.5;
/** Share of a model's window a prompt may fill, leaving room for the answer. */
const PROMPT_SHARE = 0.85;
/** How much of a prompt and a response the trajectory keeps (the model saw all of it). */
const TRACE_PROMPT_CHARS = 4_000;
const TRACE_RESPONSE_CHARS = 20_000;

export function promptCharsFor(model: ChatModel): number {
  return Math.floor(model.contextWindow * PROMPT_SHARE * CHARS_PER_TOKEN);
}

export interface QueryOptions {
  model?: string;
}

export class SubCalls {
  constructor(private readonly run: RlmRun) {}

  /** One prompt to the sub-model; throws (into model code) on failure. */
  async query(prompt: unknown, options?: unknown): Promise<string> {
    const result = await this.one(prompt, options, 'llm_query');
    if (result.error) throw new Error(result.error);
    return result.text;
  }

  /** Many prompts, `concurrency` at a time; a failed slot is a string starting with "Error:". */
  async batched(prompts: unknown, options?: unknown): Promise<string[]> {
    if (!Array.isArray(prompts)) {
      throw new Error('llm_query_batched expects an array of prompt strings, e.g. llm_query_batched(chunks.map(c => `Summarise:\\n${c}`))');
    }
    const answers = new Array<string>(prompts.length);
    let next = 0;
    const worker = async () => {
      while (next < prompts.length) {
        const i = next++;
        const result = await this.one(prompts[i], options, 'llm_query_batched');
        answers[i] = result.error ? `Error: ${result.error}` : result.text;
      }
    };
    const width = Math.min(this.run.scope.limits.concurrency, prompts.length);
    await Promise.all(Array.from({ length: width }, worker));
    return answers;
  }

  /** A child RLM below max depth; a plain sub-call at max depth. */
  async recurse(prompt: unknown, options?: unknown): Promise<string> {
    if (typeof prompt !== 'string' || prompt.trim() === '') {
      throw new Error('rlm_query expects a non-empty prompt string, e.g. rlm_query("Which module parses the config?", {context: part})');
    }
    const context = (options as { context?: unknown } | undefined)?.context;
    if (!this.run.canRecurse) {
      const withContext = context === undefined ? prompt : `${prompt}\n\nContext:\n${typeof context === 'string' ? context : JSON.stringify(context, null, 2)}`;
      return this.query(withContext);
    }
    const hit = this.run.scope.budget.claimSubCall();
    if (hit) throw new Error(`rlm_query refused: ${hit.detail}. Finish with what you have (FINAL).`);
    this.run.countSubCall();
    const child = await this.run.startChild(prompt, context);
    if (child.stopReason !== 'final' && child.answer === '') {
      throw new Error(`the child run stopped (${child.stopReason}) without an answer`);
    }
    return child.answer;
  }

  private async one(prompt: unknown, options: unknown, fn: string): Promise<{ text: string; error?: string }> {
    if (typeof prompt !== 'string') {
      return { text: '', error: `${fn} expects a string prompt, got ${Array.isArray(prompt) ? 'an array (use llm_query_batched for many prompts)' : typeof prompt}` };
    }
    let model: ChatModel;
    try {
      model = await this.run.modelFor((options as QueryOptions | undefined)?.model);
    } catch (err) {
      return { text: '', error: (err as Error).message };
    }
    const maxChars = promptCharsFor(model);
    if (prompt.length > maxChars) {
      return {
        text: '',
        error: `prompt of ${prompt.length.toLocaleString('en-US')} characters is larger than ${model.name}'s context window (${model.contextWindow.toLocaleString('en-US')} tokens, about ${maxChars.toLocaleString('en-US')} characters): split it into smaller chunks`,
      };
    }
    const hit = this.run.scope.budget.claimSubCall();
    if (hit) return { text: '', error: `sub-call refused: ${hit.detail}. Finish with what you have (FINAL).` };
    this.run.countSubCall();

    const id = this.run.nextSubCallId();
    const parentId = this.run.currentCellId ?? this.run.id;
    const trajectory = this.run.scope.trajectory;
    trajectory.emit({
      type: 'subcall_start', time: Date.now(), id, parentId, fn: fn as SubCallFunction, model: model.name,
      prompt: truncateOutput(prompt, TRACE_PROMPT_CHARS), promptChars: prompt.length,
    });
    const started = Date.now();
    try {
      const completion = await model.complete({
        messages: [{ role: 'user', content: prompt }],
        signal: this.run.scope.signal,
      });
      const costUsd = this.run.record('sub', completion.model || model.name, completion.usage);
      trajectory.emit({
        type: 'subcall_end', time: Date.now(), id, parentId, status: 'done', model: completion.model || model.name,
        response: truncateOutput(completion.text, TRACE_RESPONSE_CHARS), usage: completion.usage, costUsd,
        latencyMs: completion.latencyMs,
      });
      return { text: completion.text };
    } catch (err) {
      const message = (err as Error).message || String(err);
      trajectory.emit({
        type: 'subcall_end', time: Date.now(), id, parentId, status: 'error', model: model.name, response: '', error: message,
        usage: { inputTokens: 0, outputTokens: 0, estimated: false }, costUsd: 0, latencyMs: Date.now() - started,
      });
      return { text: '', error: message };
    }
  }
}
