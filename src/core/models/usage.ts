// Token accounting: estimates for servers that report no usage (and for calls cut short), and the tally of a
// run, root model and sub-models kept apart because the RLM's promise is that cheap sub-calls carry the bulk
// of the context.

import type { RunUsage, UsageTotals } from '../trajectory/events';
import type { ChatMessage, Usage } from './types';

/** Rough characters per token for English prose and code with common BPE vocabularies. */
export const CHARS_PER_TOKEN = 4;
/** Role markers and separators each chat message adds around its text. */
const TOKENS_PER_MESSAGE = 4;

/** A rough token count for servers that report no usage; good to about +-25% on English and code. */
export function estimateTokens(text: string): number {
  return estimateTokensOfChars(text.length);
}

export function estimateTokensOfChars(chars: number): number {
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

export function estimateMessageTokens(messages: ChatMessage[]): number {
  return messages.reduce((sum, m) => sum + TOKENS_PER_MESSAGE + estimateTokens(m.content), 0);
}

/** The usage to report when the server said nothing: estimated from the prompt and the answer. */
export function estimateUsage(messages: ChatMessage[], answer: string): Usage {
  return { inputTokens: estimateMessageTokens(messages), outputTokens: estimateTokens(answer), estimated: true };
}

/** Whose call it was: the root model's turn, or a sub-call (llm_query, a child run's calls). */
export type CallRole = 'root' | 'sub';

export function emptyTotals(): UsageTotals {
  return { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, estimated: false };
}

/** Usage split root/sub. A run keeps one for itself; the shared Budget keeps one for the whole tree. */
export class UsageTally {
  private readonly usage: Record<CallRole, UsageTotals> = { root: emptyTotals(), sub: emptyTotals() };

  /** Records one model call; the caller prices it (undefined: the model has no known price). */
  add(role: CallRole, usage: Usage, costUsd: number | undefined): void {
    const t = this.usage[role];
    t.calls++;
    t.inputTokens += usage.inputTokens;
    t.outputTokens += usage.outputTokens;
    if (costUsd === undefined) t.unpriced = (t.unpriced ?? 0) + 1;
    else t.costUsd += costUsd;
    t.estimated ||= usage.estimated;
  }

  /** A copy of the totals so far. */
  totals(): RunUsage {
    const { root, sub } = this.usage;
    return {
      root: { ...root },
      sub: { ...sub },
      total: {
        calls: root.calls + sub.calls,
        inputTokens: root.inputTokens + sub.inputTokens,
        outputTokens: root.outputTokens + sub.outputTokens,
        costUsd: root.costUsd + sub.costUsd,
        estimated: root.estimated || sub.estimated,
        ...(root.unpriced || sub.unpriced ? { unpriced: (root.unpriced ?? 0) + (sub.unpriced ?? 0) } : {}),
      },
    };
  }
}
