// SWE-QA's score: a judge model rates the answer against the reference answer with the benchmark's own prompt
// (score bands for each of five dimensions, 1 to 20, its evaluation principles and scoring instructions) and
// replies with JSON only. The job's score is the sum over 100, as SWE-QA totals it. The judge's reply is kept
// beside the answer; its cost counts toward --max-cost but is reported apart from the answering modes' cost, so
// RLM and the plain model are compared on their own spend.

import type { CostOf } from '../../loop/Budget';
import { ModelError, type ChatModel, type ChatMessage } from '../../models/types';
import { UsageTally } from '../../models/usage';
import { JUDGE_DIMENSIONS, type JudgeDimension, type JudgeOutcome } from '../JobResult';

/*!
 * The judge prompt below is SWE-QA-Bench's, word for word: `prompt` in score_answer() of "Benchmark
 * construction/score/llm-as-a-judge.py", https://github.com/peng-weihan/SWE-QA-Bench at commit
 * d7bf283d65f4bbdc86ead92fc130eee4986355f0. Copyright 2025 peng-weihan. @license Apache-2.0
 * (http://www.apache.org/licenses/LICENSE-2.0). Changed here: the Python f-string became a template string
 * (its doubled braces single); the script's request also asks its Azure endpoint for a 1,024-token thinking
 * budget, which is not a prompt and is left to the judge model's own settings.
 */
export function judgePrompt(question: string, reference: string, candidate: string): string {
  return `You are a STRICT and RIGOROUS evaluator. You must rate the candidate answer STRICTLY against the reference answer. Be CONSERVATIVE with high scores - only award high scores (16-20) when the candidate answer is truly excellent and closely matches the reference answer in quality and content.

CRITICAL EVALUATION PRINCIPLES:
1. Compare the candidate answer DIRECTLY with the reference answer point by point
2. Any deviation, omission, or inaccuracy should result in score reduction
3. High scores (16-20) should be RARE - reserve them only for answers that are nearly perfect
4. Be strict about factual accuracy - even minor errors should lower the correctness score
5. Missing key points from the reference answer should significantly reduce completeness score
6. Vague or imprecise language should lower clarity scores
7. When in doubt between two score ranges, choose the LOWER one

Evaluation Criteria and Scoring Guidelines (each scored 1 to 20, total score 100):
        1. Correctness (STRICT - penalize any inaccuracies):
            20 — ONLY if completely correct with ALL core points and details accurate, matching reference answer precisely
            16-19 — Mostly correct but must have only TRIVIAL inaccuracies; any noticeable error reduces to 15 or below
            12-15 — Partially correct; has some errors or omissions that affect understanding; main points may be accurate but details are wrong
            8-11 — Several errors or ambiguities that significantly affect understanding of core information
            4-7 — Many errors; misleading or fails to convey key information correctly
            1-3 — Serious errors; completely wrong or misleading
        2. Completeness (STRICT - penalize missing information):
            20 — ONLY if covers ALL key points from reference answer without ANY omission; must match reference in depth
            16-19 — Covers most key points but missing some non-trivial information; minor omissions are acceptable
            12-15 — Missing several important key points; content is noticeably incomplete compared to reference
            8-11 — Important information largely missing; content is one-sided or superficial
            4-7 — Covers very little relevant information; seriously incomplete
            1-3 — Covers almost no relevant information; completely incomplete
        3. Relevance (STRICT - penalize off-topic content):
            20 — ONLY if content is fully focused on question topic with NO irrelevant information whatsoever
            16-19 — Mostly focused but may have minor peripheral information; any significant off-topic content reduces score
            12-15 — Generally on topic but contains some off-topic content that detracts from answer
            8-11 — Topic not sufficiently focused; contains considerable off-topic or tangential content
            4-7 — Content deviates from topic; includes excessive irrelevant information
            1-3 — Majority of content irrelevant to the question
        4. Clarity (STRICT - penalize unclear expression):
            20 — ONLY if language is exceptionally fluent, clear, and precise; very easy to understand without any ambiguity
            16-19 — Mostly fluent and clear but may have minor unclear points; any significant ambiguity reduces score
            12-15 — Generally clear but some expressions are unclear or not concise; may require effort to understand
            8-11 — Expression somewhat awkward; has ambiguity or lacks fluency that hinders understanding
            4-7 — Language obscure; sentences are not smooth; significantly hinders understanding
            1-3 — Expression confusing; very difficult to understand
        5. Reasoning (STRICT - penalize weak logic):
            20 — ONLY if reasoning is exceptionally clear, logical, and well-structured; argumentation is excellent and matches reference quality
            16-19 — Reasoning is clear and logical with solid argumentation; minor logical gaps may exist
            12-15 — Reasoning generally reasonable but has noticeable logical jumps or organization issues
            8-11 — Reasoning is average; has logical jumps or organization problems that affect understanding
            4-7 — Reasoning unclear; lacks logical order; difficult to follow
            1-3 — No clear reasoning; logic is chaotic

INPUT:
    Question:${question}
    Reference Answer:${reference}
    Candidate Answer:${candidate}

OUTPUT:
    Please output ONLY a JSON object with 5 integer fields in the range [1,20], corresponding
    to the evaluation scores:
        {
        "correctness": <1-20>,
        "completeness": <1-20>,
        "relevance": <1-20>,
        "clarity": <1-20>,
        "reasoning": <1-20>
        }

SCORING INSTRUCTIONS:
- Read the reference answer carefully and identify ALL key points, details, and structure
- Compare the candidate answer systematically against the reference answer
- For each criterion, start with a conservative score and only increase if the candidate truly deserves it
- If the candidate answer is significantly shorter, less detailed, or less precise than the reference, reduce scores accordingly
- If the candidate answer contains information not in the reference (unless it's clearly relevant and accurate), consider reducing relevance score
- When scoring, ask yourself: "Does this candidate answer match the quality and completeness of the reference answer?" If not, reduce scores
- Average or mediocre answers should receive scores in the 8-15 range, not higher
- Only truly excellent answers that closely match the reference should receive 16-20 scores

REQUIREMENT:
    No explanation, no extra text, no formatting other than valid JSON. Be strict and conservative with your scores.`;
}

/** One user message, as the script sends it. */
export function judgeMessages(question: string, reference: string, candidate: string): ChatMessage[] {
  return [{ role: 'user', content: judgePrompt(question, reference, candidate) }];
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
