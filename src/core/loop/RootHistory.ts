// The root conversation, kept within the root model's window. Each request resends the whole history (the
// provider's prompt cache makes that cheap), so it grows a turn at a time. Before a request would fill more
// than COMPACT_AT of the window (the official RLM library's threshold), the turns after the question are
// replaced by a summary that the root model (or the sub-model, by setting) writes, naming the REPL variables
// that hold results. The REPL is not touched, so nothing computed is lost. A provider that refuses a prompt as
// too long anyway (its window is smaller than we were told, or its tokenizer counts more) gets the same
// treatment, and the request is sent once more. Token counts are estimates from characters, scaled up when the
// provider's reported prompt tokens show the estimate was low.

import { CHARS_PER_TOKEN, estimateMessageTokens } from '../models/usage';
import { ModelError, type ChatMessage, type ChatModel, type Usage } from '../models/types';
import type { VariableInfo } from '../sandbox/Sandbox';
import { truncateOutput } from '../sandbox/truncate';
import type { CompactionReason, EndStatus } from '../trajectory/events';
import { afterCompaction, noSummary, summaryRequest, windowTooSmall } from './messages';
import type { RlmRun, RootReply } from './RlmRun';

/** Share of the window a root request may fill; the rest is room for the reply. */
export const COMPACT_AT = 0.85;
/** The window assumed for a root model whose window nobody configured and the price table does not know. */
export const UNKNOWN_WINDOW = 32_768;
/** What a compacted history aims at, so the next turns do not compact again at once. */
const COMPACT_TO = 0.5;
/** A provider refused a prompt without saying its window: take it as this share of the refused prompt. */
const REFUSED_SHARE = 0.8;
/** How much of a summary and of a message kept whole the trace and the tree keep. */
const TRACE_SUMMARY_CHARS = 20_000;
/** Least of the last turn's output kept after a compaction, however tight the window. */
const MIN_KEPT_CHARS = 1_000;

const NO_USAGE: Usage = { inputTokens: 0, outputTokens: 0, estimated: false };

/** The window the root history works to: the model's, or a safe default when that is a mere stand-in. */
export function rootWindow(model: ChatModel): number {
  return model.contextWindowKnown === false ? Math.min(model.contextWindow, UNKNOWN_WINDOW) : model.contextWindow;
}

/**
 * What a provider stated when it refused a prompt as too long: its window (OpenAI's "maximum context length is
 * 8192 tokens", llama.cpp's "context size (8192 tokens)" or "n_ctx = 8192", Anthropic's "> 200000 maximum") and the
 * prompt's size in its own tokens (OpenAI's "resulted in 9013 tokens", Anthropic's "too long: 210000 tokens").
 */
export function readRefusal(message: string): { window?: number; promptTokens?: number } {
  const number = (...patterns: RegExp[]) => {
    for (const pattern of patterns) {
      const n = Number(pattern.exec(message)?.[1]?.replace(/,/g, ''));
      if (Number.isInteger(n) && n > 0) return n;
    }
    return undefined;
  };
  return {
    window: number(/maximum context length is (\d[\d,]*)/i, /context size \((\d[\d,]*) tokens\)/i, /n_ctx\w*\s*[=:]\s*(\d[\d,]*)/i, />\s*(\d[\d,]*) maximum/i),
    promptTokens: number(/resulted in (\d[\d,]*) tokens/i, /too long: (\d[\d,]*) tokens/i, /request \((\d[\d,]*) tokens\)/i),
  };
}

export class RootHistory {
  private messages: ChatMessage[];
  private window: number;
  /** Real tokens per estimated token, from the provider's reports (never below 1: estimates may only err high). */
  private scale = 1;
  private compactionSeq = 0;

  constructor(private readonly run: RlmRun, systemPrompt: string, firstMessage: string) {
    this.messages = [{ role: 'system', content: systemPrompt }, { role: 'user', content: firstMessage }];
    this.window = rootWindow(run.rootModel);
  }

  /** The newest message: the one the next request ends with. */
  get last(): ChatMessage {
    return this.messages[this.messages.length - 1]!;
  }

  add(role: 'user' | 'assistant', content: string): void {
    this.messages.push({ role, content });
  }

  /** Replaces the newest message (never sent yet) by a new one: messages already handed to a model stay as they were sent. */
  replaceLast(content: string): void {
    this.messages[this.messages.length - 1] = { role: this.last.role, content };
  }

  /**
   * Asks the root model for its next turn. The history is compacted first when the request would not fit; a
   * provider that refuses the prompt as too long anyway gets it once more, compacted to the window it stated.
   */
  async ask(iteration: number, last = false): Promise<RootReply> {
    if (this.tokens(this.messages) > this.limit) await this.compactWithinBudget('window');
    const sent = this.messages;
    try {
      const reply = await this.run.askRoot(sent, iteration, last);
      if (!reply.usage.estimated) this.scale = Math.max(1, reply.usage.inputTokens / estimateMessageTokens(sent));
      return reply;
    } catch (err) {
      if (!(err instanceof ModelError && err.kind === 'context_overflow') || this.run.limitHit()) throw err;
      const refusal = readRefusal(err.message);
      // Its own count of the prompt says how far our estimate fell short.
      if (refusal.promptTokens) this.scale = Math.max(this.scale, refusal.promptTokens / estimateMessageTokens(sent));
      this.window = Math.min(this.window, refusal.window ?? Math.floor(this.tokens(sent) * REFUSED_SHARE));
      await this.compactWithinBudget('refused');
      return this.run.askRoot(this.messages, iteration, last);
    }
  }

  /** Compacts; the summary's cost may reach a budget limit, which then ends the run before the root call. */
  private async compactWithinBudget(reason: CompactionReason): Promise<void> {
    const before = this.run.limitHit();
    await this.compact(reason);
    const hit = this.run.limitHit();
    if (hit && hit !== before) throw new Error(hit.detail);
  }

  /** Most tokens a root request may hold. */
  private get limit(): number {
    return Math.floor(this.window * COMPACT_AT);
  }

  private tokens(messages: ChatMessage[]): number {
    return Math.ceil(estimateMessageTokens(messages) * this.scale);
  }

  /**
   * Replaces every turn after the question by a summary, then the last turn's output. A summary that cannot be
   * written (the call failed, or came back empty) leaves a note instead: the turns go all the same, so the next
   * request fits. Cancellation ends the compaction and goes on to the loop.
   */
  private async compact(reason: CompactionReason): Promise<void> {
    const [system, first, ...turns] = this.messages as [ChatMessage, ChatMessage, ...ChatMessage[]];
    if (turns.length === 0) throw this.tooSmall(this.messages);
    const run = this.run;
    const model = run.summarizer;
    const isRoot = model === run.rootModel;
    // The summary is a request like any other: a model without a price counts it against the request cap.
    const refused = run.scope.budget.claimRequest(model.name);
    if (refused) throw new Error(refused.detail);
    const id = `${run.id}.k${++this.compactionSeq}`;
    // After an earlier compaction the first reply is its summary, not a turn.
    const replaced = turns.filter((m) => m.role === 'assistant').length - (this.compactionSeq > 1 ? 1 : 0);
    const trajectory = run.scope.trajectory;
    const started = Date.now();
    trajectory.emit({
      type: 'compaction_start', time: started, id, parentId: run.id, reason, model: model.name, window: this.window,
      tokensBefore: this.tokens(this.messages), turns: replaced,
    });
    const variables = run.variables();
    let summary = '';
    let usage = NO_USAGE;
    let answered = model.name;
    let status: EndStatus = 'done';
    let error: string | undefined;
    try {
      const completion = await model.complete({
        messages: this.summaryPrompt(model, variables),
        signal: run.scope.signal,
        // The root model reads its own history: the prefix its last request cached.
        ...(isRoot ? { promptCache: run.promptCache } : {}),
      });
      ({ usage } = completion);
      answered = completion.model || model.name;
      summary = completion.text.trim();
      if (summary === '') [status, error] = ['error', 'the model wrote an empty summary'];
    } catch (err) {
      usage = err instanceof ModelError && err.spent ? err.spent : NO_USAGE;
      error = (err as Error).message || String(err);
      status = (err instanceof ModelError && err.kind === 'cancelled') || run.scope.signal.aborted ? 'cancelled' : 'error';
    }
    const cost = usage.inputTokens + usage.outputTokens > 0 ? run.record(isRoot ? 'root' : 'sub', answered, usage) : { costUsd: 0 };
    const end = (tokensAfter: number) => trajectory.emit({
      type: 'compaction_end', time: Date.now(), id, parentId: run.id, status, summary: truncateOutput(summary, TRACE_SUMMARY_CHARS),
      model: answered, usage, ...cost, latencyMs: Date.now() - started, tokensAfter, ...(error !== undefined ? { error } : {}),
    });
    if (status === 'cancelled') {
      end(this.tokens(this.messages));
      throw new ModelError(error ?? 'cancelled', 'cancelled');
    }
    let compacted: ChatMessage[];
    try {
      compacted = this.rebuilt(system, first, summary || noSummary(error ?? 'no reason given'), afterCompaction(replaced, variables), turns.at(-1)!);
    } catch (err) {
      [status, error] = ['error', (err as Error).message];
      end(this.tokens(this.messages));
      throw err;
    }
    this.messages = compacted;
    end(this.tokens(compacted));
    run.countCompaction();
  }

  /**
   * What the summarizer reads: the history and the request for a summary, within its window. Its oldest turns
   * go first when they do not fit (the request says so), then long messages are cut head and tail.
   */
  private summaryPrompt(model: ChatModel, variables: VariableInfo[]): ChatMessage[] {
    const window = model === this.run.rootModel ? this.window : rootWindow(model);
    const budget = Math.floor(window * COMPACT_AT);
    const maxWords = Math.max(100, Math.min(800, Math.floor(window * 0.075)));
    const [system, first, ...turns] = this.messages as [ChatMessage, ChatMessage, ...ChatMessage[]];
    let leftOut = 0;
    const request = () => ({ role: 'user' as const, content: summaryRequest(maxWords, variables, leftOut) });
    // Whole pairs (a reply and its output) go, so the roles still alternate; an earlier summary stays.
    const kept = this.compactionSeq > 1 ? 2 : 0;
    while (turns.length > kept + 2 && this.tokens([system, first, ...turns, request()]) > budget) {
      turns.splice(kept, 2);
      leftOut++;
    }
    return this.cutToFit([system, first, ...turns, request()], budget, 2, turns.length + 1);
  }

  /**
   * The history after a compaction: the system prompt and the question as they were (their cache still serves),
   * the summary as the model's own reply, then the note and the last turn's output, cut to leave the next turns
   * room. Throws when even that cannot fit the window.
   */
  private rebuilt(system: ChatMessage, first: ChatMessage, summary: string, note: string, lastOutput: ChatMessage): ChatMessage[] {
    const fixed: ChatMessage[] = [system, first, { role: 'assistant', content: summary }];
    const room = Math.floor(this.window * COMPACT_TO) - this.tokens([...fixed, { role: 'user', content: note }]);
    const keptChars = Math.max(MIN_KEPT_CHARS, Math.floor((room * CHARS_PER_TOKEN) / this.scale));
    const compacted = [...fixed, { role: 'user' as const, content: `${note}\n\n${truncateOutput(lastOutput.content, keptChars)}` }];
    // Over the limit still (a long summary in a small window): the summary and the output are cut further.
    return this.cutToFit(compacted, this.limit, 2, 2);
  }

  /**
   * Cuts the `count` messages from `from` on, head and tail, longest first, until `messages` fit `budget` tokens.
   * Throws when they cannot (the system prompt and the question alone are too big).
   */
  private cutToFit(messages: ChatMessage[], budget: number, from: number, count: number): ChatMessage[] {
    const out = messages.map((m) => ({ ...m }));
    for (let round = 0; round < 8 && this.tokens(out) > budget; round++) {
      const fixedTokens = this.tokens(out.filter((_, i) => i < from || i >= from + count));
      const chars = Math.floor(((budget - fixedTokens - 4 * count) * CHARS_PER_TOKEN) / this.scale) - 100 * count;
      if (chars <= 0) break;
      // Water-filling: messages shorter than an equal share keep their text and leave the rest to the longer ones.
      const cut = out.slice(from, from + count).map((m, i) => ({ i: from + i, length: m.content.length })).sort((a, b) => a.length - b.length);
      let left = chars;
      cut.forEach(({ i, length }, k) => {
        const share = Math.floor(left / (cut.length - k));
        const keep = Math.min(length, share);
        out[i] = { ...out[i]!, content: truncateOutput(out[i]!.content, keep) };
        left -= keep;
      });
    }
    if (this.tokens(out) > budget) throw this.tooSmall(out.slice(0, from));
    return out;
  }

  /** The run's end when `needed` (what must be sent whole) does not fit the window. */
  private tooSmall(needed: ChatMessage[]): Error {
    return new Error(windowTooSmall(this.run.rootModel.name, this.window, this.tokens(needed), this.run.depth > 0));
  }
}
