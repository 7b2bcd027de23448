// Token accounting for a run: what the root model and the sub-models consumed and cost, kept apart because
// the RLM's promise is that cheap sub-calls carry the bulk of the context.

import type { RunUsage, UsageTotals } from '../trajectory/events';
import { defaultPriceTable, type PriceTable } from './pricing';
import type { ChatMessage, Usage } from './types';

/** Rough characters per token for English prose and code with common BPE vocabularies. */
export const CHARS_PER_TOKEN = 4;
/** Role markers and separators each chat message adds around its text. */
const TOKENS_PER_MESSAGE = 4;

/** A rough token count for servers that report no usage; good to about +-25% on English and code. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

export function estimateMessageTokens(messages: ChatMessage[]): number {
  return messages.reduce((sum, m) => sum + TOKENS_PER_MESSAGE + estimateTokens(m.content), 0);
}

/** The usage to report when the server said nothing: estimated from the prompt and the answer. */
export function estimateUsage(messages: ChatMessage[], answer: string): Usage {
  return { inputTokens: estimateMessageTokens(messages), outputTokens: estimateTokens(answer), estimated: true };
}

export type CallKind = 'root' | 'sub';

export function emptyTotals(): UsageTotals {
  return { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, estimated: false };
}

export class UsageMeter {
  private readonly totals: Record<CallKind, UsageTotals> = { root: emptyTotals(), sub: emptyTotals() };

  constructor(private readonly prices: PriceTable = defaultPriceTable) {}

  /** Records one model call and returns its cost in USD. */
  record(kind: CallKind, model: string, usage: Usage): number {
    const cost = this.prices.costUsd(model, usage);
    addInto(this.totals[kind], { calls: 1, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, costUsd: cost, estimated: usage.estimated });
    return cost;
  }

  /** Adds totals measured elsewhere, e.g. a child run's whole usage counted as sub-calls of its parent. */
  add(kind: CallKind, totals: UsageTotals): void {
    addInto(this.totals[kind], totals);
  }

  /** A copy of the totals so far. */
  snapshot(): RunUsage {
    const root = { ...this.totals.root };
    const sub = { ...this.totals.sub };
    const total = emptyTotals();
    addInto(total, root);
    addInto(total, sub);
    return { root, sub, total };
  }
}

function addInto(target: UsageTotals, more: UsageTotals): void {
  target.calls += more.calls;
  target.inputTokens += more.inputTokens;
  target.outputTokens += more.outputTokens;
  target.costUsd += more.costUsd;
  target.estimated = target.estimated || more.estimated;
}
