// SWE-QA's score: a judge model rates the answer against the reference answer on the benchmark's five
// dimensions (correctness, completeness, relevance, clarity, reasoning), each 1 to 20, strictly, and replies
// with JSON only (SWE-QA-Bench, "Benchmark construction/score/llm-as-a-judge.py"). The job's score is the sum
// over 100. The judge's reply is kept beside the answer; its cost counts toward --max-cost but is reported
// apart from the answering modes' cost, so RLM and the plain model are compared on their own spend.

import type { CostOf } from '../../loop/Budget';
import { ModelError, type ChatModel, type ChatMessage } from '../../models/types';
import { UsageTally } from '../../models/usage';
import { JUDGE_DIMENSIONS, type JudgeDimension, type JudgeOutcome } from '../JobResult';

const RUBRIC = `You are a strict evaluator. Rate the candidate answer to a question about a code repository against the reference answer, point by point. Award high scores (16-20) only to answers that are nearly as correct, complete and precise as the reference; when unsure between two ranges, choose the lower.

Score each dimension from 1 to 20:
1. correctness: are its facts right? Any error lowers it; a wrong or misleading answer scores 1-3.
2. completeness: does it cover every key point of the reference? Missing points lower it.
3. relevance: does it stay on the question? Off-topic content lowers it.
4. clarity: is it fluent, precise and unambiguous?
5. reasoning: is its reasoning logical and well organised?

Reply with only a JSON object of five integers, no other text:
{"correctness": <1-20>, "completeness": <1-20>, "relevance": <1-20>, "clarity": <1-20>, "reasoning": <1-20>}`;

export function judgeMessages(question: string, reference: string, candidate: string): ChatMessage[] {
  return [{ role: 'user', content: `${RUBRIC}\n\nQuestion: ${question}\n\nReference answer: ${reference}\n\nCandidate answer: ${candidate}` }];
}

/** The five scores from the judge's reply (a ```json fence allowed), or undefined when it is not that. */
export function readVerdict(reply: string): Record<JudgeDimension, number> | undefined {
  const text = reply.trim().replace(/^```(?:json)?\s*/i, '').replace(/```$/, '').trim();
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start === -1 || end <= start) return undefined;
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text.slice(start, end + 1)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const scores = {} as Record<JudgeDimension, number>;
  for (const d of JUDGE_DIMENSIONS) {
    const n = value[d];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 20) return undefined;
    scores[d] = n;
  }
  return scores;
}

export interface JudgeEnvironment {
  costOf: CostOf;
  signal: AbortSignal;
  onSpend: (usd: number) => void;
}

/** The judge's verdict and the score it gives; undefined when the eval was cancelled meanwhile. */
export async function judgeAnswer(judge: ChatModel, question: string, reference: string, candidate: string, env: JudgeEnvironment): Promise<{ score: number; outcome: JudgeOutcome; failed?: string } | undefined> {
  const tally = new UsageTally();
  if (candidate.trim() === '') {
    // SWE-QA leaves empty answers unjudged; here they score 0 without a call.
    return { score: 0, outcome: { model: judge.name, verdict: 'not judged: the answer is empty', usage: tally.totals().root } };
  }
  try {
    const completion = await judge.complete({ messages: judgeMessages(question, reference, candidate), signal: env.signal });
    const costUsd = env.costOf(completion.model || judge.name, completion.usage);
    env.onSpend(costUsd ?? 0);
    tally.add('root', completion.usage, costUsd);
    const scores = readVerdict(completion.text);
    const outcome: JudgeOutcome = { model: judge.name, ...(scores ? { scores } : {}), verdict: completion.text, usage: tally.totals().root };
    return { score: scores ? JUDGE_DIMENSIONS.reduce((n, d) => n + scores[d], 0) / 100 : 0, outcome };
  } catch (err) {
    if (!(err instanceof ModelError)) throw err;
    if (err.spent) env.onSpend(env.costOf(judge.name, err.spent) ?? 0);
    if (err.kind === 'cancelled' && env.signal.aborted) return undefined;
    return { score: 0, outcome: { model: judge.name, verdict: `the judge failed: ${err.message}`, usage: tally.totals().root }, failed: err.message };
  }
}
