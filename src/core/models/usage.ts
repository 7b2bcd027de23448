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

/** The figures of UsageTotals that are left out while zero. */
const OPTIONAL_FIGURES = [
  'cachedInputTokens', 'cacheWriteTokens', 'reasoningTokens', 'savedUsd', 'reusedCalls', 'unpriced',
] as const;
type Tally = Required<UsageTotals>;

/** Usage split root/sub. A run keeps one for itself; the shared Budget keeps one for the whole tree. */
export class UsageTally {
  private readonly usage: Record<CallRole, Tally> = { root: emptyTally(), sub: emptyTally() };

  /**
   * Records one model call; the caller prices it (the price table lives with the run's options): `costUsd` as
   * billed (undefined: the model has no known price), `savedUsd` what the prompt cache took off the list price.
   */
  add(role: CallRole, usage: Usage, costUsd: number | undefined, savedUsd = 0): void {
    const t = this.usage[role];
    t.calls++;
    t.inputTokens += usage.inputTokens;
    t.outputTokens += usage.outputTokens;
    if (costUsd === undefined) t.unpriced++;
    else t.costUsd += costUsd;
    t.estimated ||= usage.estimated;
    t.cachedInputTokens += usage.cachedInputTokens ?? 0;
    t.cacheWriteTokens += usage.cacheWriteTokens ?? 0;
    t.reasoningTokens += usage.reasoningTokens ?? 0;
    t.savedUsd += savedUsd;
  }

  /** Records a sub-call answered from the sub-call cache: no call, no spend, `savedUsd` what it cost the first time. */
  reuse(role: CallRole, savedUsd: number): void {
    this.usage[role].reusedCalls++;
    this.usage[role].savedUsd += savedUsd;
  }

  /** A copy of the totals so far. */
  totals(): RunUsage {
    const { root, sub } = this.usage;
    const total = emptyTally();
    for (const key of Object.keys(total) as Array<keyof Tally>) {
      if (key === 'estimated') total.estimated = root.estimated || sub.estimated;
      else total[key] = root[key] + sub[key];
    }
    return { root: shown(root), sub: shown(sub), total: shown(total) };
  }
}

function emptyTally(): Tally {
  return {
    ...emptyTotals(), cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, savedUsd: 0, reusedCalls: 0, unpriced: 0,
  };
}

/** A copy without the optional figures that are zero. */
function shown(tally: Tally): UsageTotals {
  const totals: UsageTotals = { ...tally };
  for (const key of OPTIONAL_FIGURES) if (totals[key] === 0) delete totals[key];
  return totals;
}
