// The Recursive Language Model loop (Zhang, Kraska & Khattab, arXiv 2512.24601, Algorithm 1):
// the context stays in the REPL; the root model sees only its metadata, writes code that peeks, searches,
// partitions and calls sub-models, sees the (truncated) output, and repeats until its code calls FINAL.
// The root history stays within the model's window: RootHistory compacts it when it would not fit.

import type { CellResult } from '../sandbox/types';
import type { ContextMeta } from '../trajectory/events';
import type { LimitHit } from './Budget';
import type { FocusItem } from './focus';
import { answerOf, extractCodeBlocks, findTextFinal } from './codeBlocks';
import { executionFeedback, finalVarMissing, firstMessage, keepGoing, lastChance, NO_CODE_NUDGE, replyCut, type PriorExchange } from './messages';
import type { RlmRun, RunResult } from './RlmRun';
import { RootHistory } from './RootHistory';

export interface LoopInput {
  systemPrompt: string;
  context: ContextMeta;
  history?: PriorExchange[];
  /** What the user attached to the question (named in the first message; context.focus in the REPL). */
  focus?: FocusItem[];
}

/** Limits after which one more root call may still ask for the best answer (it costs no sub-calls). */
const LAST_CALL_AFTER = new Set(['max_iterations', 'max_sub_calls']);

export async function rlmLoop(run: RlmRun, input: LoopInput): Promise<RunResult> {
  const { limits } = run.scope;
  const history = new RootHistory(run, input.systemPrompt, firstMessage(run.question, input.context, input.history, input.focus));
  run.start(input.context);
  let failedTurns = 0;

  try {
    for (let iteration = 1; iteration <= limits.maxIterations && !run.limitHit(); iteration++) {
      run.iterations = iteration;
      const reply = await history.ask(iteration);
      history.add('assistant', reply.text);
      if (reply.cut) {
        // Stopped at the output limit, perhaps inside a code block: nothing of it runs.
        history.add('user', replyCut(reply.usage));
        if (++failedTurns >= limits.maxConsecutiveErrors) break;
        continue;
      }

      const cells = extractCodeBlocks(reply.text);
      const textFinal = findTextFinal(reply.text);
      if (cells.length === 0) {
        // Only a turn without code may end on a FINAL written as text.
        if (textFinal?.kind === 'value') return await run.end('final', textFinal.value);
        if (textFinal?.kind === 'var') {
          const resolved = await run.runQuietly(`FINAL_VAR(${JSON.stringify(textFinal.name)})`);
          if (run.final !== undefined) return await run.end('final', run.final);
          history.add('user', resolved.error ? finalVarMissing(textFinal.name) : NO_CODE_NUDGE);
        } else {
          history.add('user', NO_CODE_NUDGE);
        }
        if (++failedTurns >= limits.maxConsecutiveErrors) break;
        continue;
      }
      // A text FINAL beside code is premature (the model has not seen the output yet): keep it as a fallback.
      if (textFinal?.kind === 'value') run.candidate = textFinal.value;

      const results: CellResult[] = [];
      for (const [index, code] of cells.entries()) {
        results.push(await run.runCell(code, index));
        if (run.final !== undefined || run.limitHit()) break;
      }
      if (run.final !== undefined) return await run.end('final', run.final);

      failedTurns = results.every((r) => r.error) ? failedTurns + 1 : 0;
      const stopping = run.limitHit() ?? (iteration === limits.maxIterations ? outOfIterations(run) : undefined);
      history.add('user', executionFeedback(results, limits.outputChars, stopping ? lastChance(stopping.detail) : keepGoing(iteration, limits.maxIterations, run.question)));
      if (failedTurns >= limits.maxConsecutiveErrors) break;
    }
    return await stop(run, history, failedTurns);
  } catch (err) {
    // A root call that failed for good, or an abort that surfaced as an error.
    const hit = run.limitHit();
    if (hit) return await run.end(hit.reason, run.candidate, hit.detail);
    return await run.end('error', run.candidate, (err as Error).message || String(err));
  }
}

/**
 * The run stops without a FINAL. After running out of iterations or sub-calls, one more root call (its code
 * does not run) asks for the best answer from what is known; after cancellation, the timeout, or the token
 * or cost budget, the best answer so far stands.
 */
async function stop(run: RlmRun, history: RootHistory, failedTurns: number): Promise<RunResult> {
  const { limits } = run.scope;
  const hit = run.limitHit() ?? (failedTurns >= limits.maxConsecutiveErrors ? undefined : outOfIterations(run));
  if (!hit) return run.end('error', run.candidate, `${failedTurns} turns in a row produced no working code`);
  if (!LAST_CALL_AFTER.has(hit.reason)) return run.end(hit.reason, run.candidate, hit.detail);
  const request = lastChance(hit.detail);
  const { last } = history;
  if (last.role !== 'user') history.add('user', request);
  else if (!last.content.endsWith(request)) history.replaceLast(`${last.content}\n\n${request}`);
  let answer = run.candidate;
  try {
    const reply = await history.ask(run.iterations + 1, true);
    answer = (await finalOf(run, reply.text)) || answer;
  } catch (err) {
    const now = run.limitHit();
    if (now && !LAST_CALL_AFTER.has(now.reason)) return run.end(now.reason, answer, now.detail);
    return run.end(hit.reason, answer, `${hit.detail}; the last call for an answer failed: ${(err as Error).message}`);
  }
  return run.end(hit.reason, answer, hit.detail);
}

/** The answer in the last call's reply; a FINAL_VAR there is resolved from the REPL (no model code runs). */
async function finalOf(run: RlmRun, reply: string): Promise<string> {
  const final = findTextFinal(reply);
  if (final?.kind === 'var') {
    await run.runQuietly(`FINAL_VAR(${JSON.stringify(final.name)})`);
    if (run.final !== undefined) return run.final;
  }
  return answerOf(reply);
}

function outOfIterations(run: RlmRun): LimitHit {
  return { reason: 'max_iterations', detail: `the run used all ${run.scope.limits.maxIterations} iterations` };
}
