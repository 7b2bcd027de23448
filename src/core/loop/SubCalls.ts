// The model-calling functions lent to model code: llm_query, llm_query_batched and rlm_query. Each call is
// checked against the sub-model's window before anything is sent and against the shared budget when its
// turn comes, reported as a sub-call node under the cell that made it, and stopped when that cell ends
// (nobody can await it any more) or the run ends.

import { CHARS_PER_TOKEN } from '../models/usage';
import type { ChatModel } from '../models/types';
import type { HostCall } from '../sandbox/types';
import type { RlmRun } from './RlmRun';
import { SubCallNode, type SubCallOrigin } from './SubCallNode';

/** Share of a model's window a prompt may fill, leaving room for the answer and for the rough token estimate. */
const PROMPT_SHARE = 0.75;

/** About how many characters one prompt to `model` may hold. */
export function promptCharsFor(model: ChatModel): number {
  return Math.floor(model.contextWindow * PROMPT_SHARE * CHARS_PER_TOKEN);
}

export interface QueryOptions {
  model?: string;
}

type Answer = { text: string; error?: string };

export class SubCalls {
  constructor(private readonly run: RlmRun) {}

  /** One prompt to the sub-model; throws (into model code) on failure. */
  async query([prompt, options]: unknown[], call: HostCall): Promise<string> {
    const model = await this.modelFor(options, 'llm_query');
    const result = await this.one(prompt, model, { fn: 'llm_query' }, call.signal);
    if (result.error) throw new Error(result.error);
    return result.text;
  }

  /** Many prompts, `concurrency` at a time; a failed slot is a string starting with "Error:". */
  async batched([prompts, options]: unknown[], call: HostCall): Promise<string[]> {
    if (!Array.isArray(prompts)) {
      throw new Error('llm_query_batched expects an array of prompt strings, e.g. llm_query_batched(chunks.map(c => `Summarise:\\n${c}`))');
    }
    const model = await this.modelFor(options, 'llm_query_batched');
    const batchId = this.run.nextBatchId();
    // Every prompt is a node from the start ("queued"), so a viewer sees the whole batch and its progress.
    const nodes = prompts.map((prompt, slot) => (this.checkPrompt(prompt, model, 'llm_query_batched') ?? new SubCallNode(this.run, model, prompt as string, { fn: 'llm_query_batched', batchId, slot })));
    const answers = new Array<string>(prompts.length);
    let next = 0;
    const worker = async () => {
      while (next < nodes.length) {
        const i = next++;
        const node = nodes[i];
        const result = typeof node === 'string' ? { text: '', error: node } : await this.send(node, call.signal);
        answers[i] = result.error ? `Error: ${result.error}` : result.text;
      }
    };
    const width = Math.min(this.run.scope.limits.concurrency, prompts.length);
    await Promise.all(Array.from({ length: width }, worker));
    return answers;
  }

  /** A child RLM below max depth; a plain sub-call at max depth. */
  async recurse([prompt, options]: unknown[], call: HostCall): Promise<string> {
    if (typeof prompt !== 'string' || prompt.trim() === '') {
      throw new Error('rlm_query expects a non-empty prompt string, e.g. rlm_query("Which module parses the config?", {context: part})');
    }
    const context = childContextOf(options);
    if (!this.run.canRecurse) {
      const withContext = context === undefined ? prompt : `${prompt}\n\nContext:\n${typeof context === 'string' ? context : JSON.stringify(context, null, 2)}`;
      const result = await this.one(withContext, this.run.models.sub, { fn: 'rlm_query' }, call.signal);
      if (result.error) throw new Error(result.error);
      return result.text;
    }
    const hit = this.run.scope.budget.claimSubCall();
    if (hit) throw new Error(`rlm_query refused: ${hit.detail}. Finish with what you have (FINAL).`);
    this.run.countSubCall();
    const child = await this.run.startChild(prompt, context, call.signal);
    if (child.stopReason !== 'final' && child.answer === '') {
      throw new Error(`the child run stopped (${child.stopReason}) without an answer${child.detail ? `: ${child.detail}` : ''}`);
    }
    return child.answer;
  }

  private async one(prompt: unknown, model: ChatModel, origin: SubCallOrigin, signal: AbortSignal): Promise<Answer> {
    const invalid = this.checkPrompt(prompt, model, origin.fn);
    if (invalid) return { text: '', error: invalid };
    return this.send(new SubCallNode(this.run, model, prompt as string, origin), signal);
  }

  /** Claims the budget for one call when its turn comes, then sends it. */
  private async send(node: SubCallNode, signal: AbortSignal): Promise<Answer> {
    if (node.isEnded || signal.aborted) {
      node.refuse('cancelled', 'not sent: the cell ended first');
      return { text: '', error: 'not sent: the cell ended first' };
    }
    // A reused answer is sent nowhere and costs nothing: it claims no budget.
    const reused = await node.fromCache();
    if (reused) return reused;
    if (node.isEnded) return { text: '', error: 'not sent: the cell ended first' };
    const hit = this.run.scope.budget.claimSubCall(node.model.name);
    if (hit) {
      const reason = `sub-call refused: ${hit.detail}. Finish with what you have (FINAL).`;
      node.refuse('cancelled', reason);
      return { text: '', error: reason };
    }
    this.run.countSubCall();
    return node.complete(AbortSignal.any([signal, this.run.scope.signal]), this.run.streamSubCalls);
  }

  /** Why a prompt cannot be sent, or undefined when it can. */
  private checkPrompt(prompt: unknown, model: ChatModel, fn: string): string | undefined {
    if (typeof prompt !== 'string') {
      return `${fn} expects a string prompt, got ${Array.isArray(prompt) ? 'an array (use llm_query_batched for many prompts)' : prompt === null ? 'null' : typeof prompt}`;
    }
    const maxChars = promptCharsFor(model);
    if (prompt.length > maxChars) {
      return `prompt of ${prompt.length.toLocaleString('en-US')} characters is larger than ${model.name}'s context window (${model.contextWindow.toLocaleString('en-US')} tokens, about ${maxChars.toLocaleString('en-US')} characters): split it into smaller chunks`;
    }
    return undefined;
  }

  private async modelFor(options: unknown, fn: string): Promise<ChatModel> {
    if (options !== undefined && options !== null && (typeof options !== 'object' || Array.isArray(options))) {
      throw new Error(`${fn}: options must be an object such as {model: "gpt-5-mini"}`);
    }
    return this.run.modelFor((options as { model?: unknown } | undefined)?.model);
  }
}

/**
 * What a child run's `context` holds: the `context` option, or for a partition of a refactor
 * (`{files: [...]}`) the files it is to change, with the context beside them when both are given.
 */
function childContextOf(options: unknown): unknown {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== 'object' || Array.isArray(options)) throw new Error('rlm_query: options must be an object such as {context: part} or {files: ["src/a.ts"]}');
  const { context, files } = options as { context?: unknown; files?: unknown };
  if (files === undefined) return context;
  if (!Array.isArray(files) || files.some((f) => typeof f !== 'string')) {
    throw new Error('rlm_query: files must be an array of workspace-relative paths, e.g. rlm_query("Rename X to Y in these files", {files: ["src/a.ts", "src/b.ts"]})');
  }
  return context === undefined ? { files } : { files, context };
}
