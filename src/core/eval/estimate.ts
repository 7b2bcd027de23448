// What an eval will cost, before it starts: the number of calls and USD. A plain-model job is one call whose
// prompt we build exactly; an RLM job's calls depend on what the model decides to do, so its estimate rests on
// stated assumptions (printed with it, and compared with the actual spend in the report).

import type { CostOf } from '../loop/Budget';
import type { ChatModel } from '../models/types';
import { CHARS_PER_TOKEN } from '../models/usage';
import type { EvalMode, EvalTask } from './EvalTask';
import { VANILLA_REPLY_TOKENS, WINDOW_SHARE } from './vanillaPrompt';

/** Assumed shape of one RLM run: a few root turns whose prompt grows by the output each one shows. */
export const RLM_ASSUMPTIONS = {
  rootTurns: 4,
  /** The system prompt and first message (measured: about 5,500 characters). */
  rootPromptTokens: 1_500,
  /** What each turn adds to the root conversation: its reply and the output it was shown. */
  turnGrowthTokens: 1_500,
  replyTokens: 300,
  /** Sub-calls read the context once, in chunks of this size (the system prompt's example: 100,000 characters). */
  chunkTokens: 25_000,
  /** A workspace is searched, not read whole: sub-calls read at most this many chunks of it. */
  workspaceChunks: 4,
  subReplyTokens: 200,
} as const;

/** Assumed length of the plain model's answer. */
export const VANILLA_REPLY_GUESS = 200;

/** RefactorBench's plain model: the files its statement names (not the repository), and a patch back. */
export const REFACTOR_VANILLA_ASSUMPTIONS = { promptTokens: 20_000, patchTokens: 2_000 } as const;

/** SWE-QA's judge: one call per job reading the rubric, the question, the reference and the answer. */
export const JUDGE_ASSUMPTIONS = { inputTokens: 2_500, outputTokens: 60 } as const;

export interface ModeEstimate {
  jobs: number;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  usd: number;
}

export interface CostEstimate {
  calls: number;
  usd: number;
  /** SWE-QA's judge calls, part of `calls` and `usd` (reported apart after the run). */
  judge?: { calls: number; usd: number };
  byMode: Partial<Record<EvalMode, ModeEstimate>>;
  /** False when a model is not in the price table: its calls are counted at $0. */
  priced: boolean;
  assumptions: string[];
}

export interface EstimateInput {
  jobs: Array<{ task: Pick<EvalTask, 'sizeTokens' | 'context' | 'benchmark'>; mode: EvalMode }>;
  root: ChatModel;
  sub: ChatModel;
  /** SWE-QA's judge (default: the root model). */
  judge?: ChatModel;
  costOf: CostOf;
  /** The runs' iteration limit caps the assumed root turns. */
  maxIterations?: number;
  /** Whether each model has a price (PriceTable.lookup(...).known). */
  known?: (model: string) => boolean;
}

export function estimateCost(input: EstimateInput): CostEstimate {
  const byMode: Partial<Record<EvalMode, ModeEstimate>> = {};
  const a = RLM_ASSUMPTIONS;
  const turns = Math.min(a.rootTurns, input.maxIterations ?? a.rootTurns);
  const judged = { calls: 0, usd: 0 };
  let refactors = 0;
  for (const { task, mode } of input.jobs) {
    const m = (byMode[mode] ??= { jobs: 0, calls: 0, inputTokens: 0, outputTokens: 0, usd: 0 });
    const tokens = Math.max(0, task.sizeTokens);
    m.jobs++;
    if (task.benchmark?.kind === 'swe-qa') {
      const judge = input.judge ?? input.root;
      const usage = { ...JUDGE_ASSUMPTIONS, estimated: true };
      const usd = input.costOf(judge.name, usage) ?? 0;
      judged.calls++;
      judged.usd += usd;
      add(m, 1, usage, usd);
    }
    if (mode === 'vanilla') {
      const fit = Math.floor(input.root.contextWindow * WINDOW_SHARE - VANILLA_REPLY_TOKENS);
      const refactor = task.benchmark?.kind === 'refactorbench';
      const prompt = refactor ? Math.min(REFACTOR_VANILLA_ASSUMPTIONS.promptTokens, fit) : Math.min(tokens, fit);
      const usage = { inputTokens: prompt + 100, outputTokens: refactor ? REFACTOR_VANILLA_ASSUMPTIONS.patchTokens : VANILLA_REPLY_GUESS, estimated: true };
      refactors += refactor ? 1 : 0;
      add(m, 1, usage, input.costOf(input.root.name, usage) ?? 0);
      continue;
    }
    const root = { inputTokens: turns * a.rootPromptTokens + (a.turnGrowthTokens * turns * (turns - 1)) / 2, outputTokens: turns * a.replyTokens, estimated: true };
    add(m, turns, root, input.costOf(input.root.name, root) ?? 0);
    const chunks = Math.ceil(tokens / a.chunkTokens);
    const subCalls = task.context.kind === 'workspace' ? Math.min(chunks, a.workspaceChunks) : chunks;
    const read = task.context.kind === 'workspace' ? Math.min(tokens, subCalls * a.chunkTokens) : tokens;
    const sub = { inputTokens: read + subCalls * 100, outputTokens: subCalls * a.subReplyTokens, estimated: true };
    add(m, subCalls, sub, input.costOf(input.sub.name, sub) ?? 0);
  }
  const modes = Object.values(byMode);
  const known = input.known ?? (() => true);
  return {
    calls: modes.reduce((n, m) => n + m.calls, 0),
    usd: modes.reduce((n, m) => n + m.usd, 0),
    byMode,
    priced: known(input.root.name) && known(input.sub.name) && (judged.calls === 0 || known((input.judge ?? input.root).name)),
    ...(judged.calls > 0 ? { judge: judged } : {}),
    assumptions: [
      ...(refactors > 0 ? [`refactorbench vanilla: the files a statement names, about ${REFACTOR_VANILLA_ASSUMPTIONS.promptTokens.toLocaleString('en-US')} tokens, and a patch of about ${REFACTOR_VANILLA_ASSUMPTIONS.patchTokens.toLocaleString('en-US')}`] : []),
      ...(judged.calls > 0 ? [`judge: one call per SWE-QA job, about ${JUDGE_ASSUMPTIONS.inputTokens.toLocaleString('en-US')} tokens in and ${JUDGE_ASSUMPTIONS.outputTokens} out`] : []),
      `vanilla: one call per task, the context cut to ${Math.round(WINDOW_SHARE * 100)}% of the root model's window (${input.root.contextWindow.toLocaleString('en-US')} tokens), about ${VANILLA_REPLY_GUESS} tokens of answer`,
      `rlm: ${turns} root turns of a prompt growing from ${a.rootPromptTokens.toLocaleString('en-US')} tokens by ${a.turnGrowthTokens.toLocaleString('en-US')} a turn; sub-calls read a text context once in ${a.chunkTokens.toLocaleString('en-US')}-token chunks (${CHARS_PER_TOKEN} characters a token), a workspace at most ${a.workspaceChunks} chunks`,
    ],
  };
}

function add(m: ModeEstimate, calls: number, usage: { inputTokens: number; outputTokens: number; estimated: boolean }, usd: number): void {
  m.calls += calls;
  m.inputTokens += usage.inputTokens;
  m.outputTokens += usage.outputTokens;
  m.usd += usd;
}
