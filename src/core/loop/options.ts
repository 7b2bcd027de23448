// What a caller configures: the two models, the context, and the limits.

import type { SandboxLimits } from '../sandbox/types';
import { DEFAULT_SANDBOX_LIMITS } from '../sandbox/types';
import type { Workspace } from '../workspace/types';

export interface RlmLimits {
  /** Recursion depth: 1 means sub-calls are plain model calls (the paper's setting); 2 lets rlm_query start child RLMs. */
  maxDepth: number;
  /** Root turns per run (per child run too). */
  maxIterations: number;
  /** Sub-calls (llm_query prompts and child runs) per top-level run, children included. */
  maxSubCalls: number;
  /** Input + output tokens of every call in the run, root and sub. */
  maxTokens: number;
  maxCostUsd: number;
  /**
   * Requests per top-level run, children included, to models whose price is unknown (the editor's models, a
   * model missing from the price table): the cost cap cannot see what they spend, so this caps them instead.
   */
  maxRequests: number;
  /** Wall clock for the whole run, in ms. */
  timeoutMs: number;
  /** Turns in a row whose code all failed (or that had no code) before the run gives up. */
  maxConsecutiveErrors: number;
  /** Sub-calls in flight at once within one llm_query_batched. */
  concurrency: number;
  /** Cell output shown back to the root model is cut head+tail to this many characters. */
  outputChars: number;
  sandbox: SandboxLimits;
}

export const DEFAULT_LIMITS: RlmLimits = {
  maxDepth: 1,
  maxIterations: 30,
  maxSubCalls: 1000,
  maxTokens: Infinity,
  maxCostUsd: Infinity,
  maxRequests: Infinity,
  timeoutMs: Infinity,
  maxConsecutiveErrors: 5,
  concurrency: 16,
  outputChars: 20_000,
  sandbox: DEFAULT_SANDBOX_LIMITS,
};

export type RlmContext =
  | { kind: 'text'; text: string }
  | { kind: 'workspace'; workspace: Workspace };

/** What callers pass: any subset of the limits, the sandbox's too. */
export type RlmLimitsInput = Partial<Omit<RlmLimits, 'sandbox'>> & { sandbox?: Partial<SandboxLimits> };

export function resolveLimits(partial: RlmLimitsInput = {}): RlmLimits {
  const limits = { ...DEFAULT_LIMITS, ...partial, sandbox: { ...DEFAULT_LIMITS.sandbox, ...partial.sandbox } };
  for (const [key, value] of Object.entries(limits)) {
    if (typeof value === 'number' && !(value > 0) && !(key === 'maxSubCalls' && value === 0)) throw new RangeError(`Limit ${key} must be a positive number, got ${value}`);
  }
  if (!Number.isInteger(limits.maxDepth)) throw new RangeError(`Limit maxDepth must be a whole number, got ${limits.maxDepth}`);
  return limits;
}

// The root and sub-model live with the models (createModelPair builds them); the loop takes them as they are.
export type { ModelPair } from '../models/modelPair';
