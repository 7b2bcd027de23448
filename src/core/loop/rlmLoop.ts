// The Recursive Language Model loop (Zhang, Kraska & Khattab, arXiv 2512.24601, Algorithm 1):
// the context stays in the REPL; the root model sees only its metadata, writes code that peeks, searches,
// partitions and calls sub-models, sees the (truncated) output, and repeats until its code calls FINAL.

import type { ChatMessage } from '../models/types';
import type { CellResult } from '../sandbox/types';
import type { ContextMeta } from '../trajectory/events';
import { extractCodeBlocks, findTextFinal, proseOf } from './codeBlocks';
import { executionFeedback, finalVarMissing, firstMessage, lastChance, NO_CODE_NUDGE, type PriorExchange } from './messages';
import type { RlmRun, RunResult } from './RlmRun';

export interface LoopInput {
  systemPrompt: string;
  context: ContextMeta;
  history?: PriorExchange[];
}

export async function rlmLoop(run: RlmRun, input: LoopInput): Promise<RunResult> {
  const { limits } = run.scope;
  const messages: ChatMessage[] = [
    { role: 'system', content: input.systemPrompt },
    { role: 'user', content: firstMessage(run.question, input.context, input.history) },
  ];
  run.start(input.context);
  let failedTurns = 0;

  try {
    for (let iteration = 1; iteration <= limits.maxIterations; iteration++) {
      const hit = run.limitHit();
      if (hit) return run.end(hit.reason, run.candidate, hit.detail);

      run.iterations = iteration;
      const reply = await run.askRoot(messages, iteration);
      messages.push({ role: 'assistant', content: reply });
      const prose = proseOf(reply);
      if (prose) run.candidate = prose;

      const cells = extractCodeBlocks(reply);
      const textFinal = findTextFinal(reply);
      if (cells.length === 0) {
        // Only a turn without code may end on a FINAL written as text.
        if (textFinal?.kind === 'value') return run.end('final', textFinal.value);
        if (textFinal?.kind === 'var') {
          const resolved = await run.runQuietly(`FINAL_VAR(${JSON.stringify(textFinal.name)})`);
          if (run.final !== undefined) return run.end('final', run.final);
          messages.push({ role: 'user', content: resolved.error ? finalVarMissing(textFinal.name) : NO_CODE_NUDGE });
        } else {
          messages.push({ role: 'user', content: NO_CODE_NUDGE });
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
      if (run.final !== undefined) return run.end('final', run.final);

      failedTurns = results.every((r) => r.error) ? failedTurns + 1 : 0;
      if (failedTurns >= limits.maxConsecutiveErrors) break;
      messages.push({ role: 'user', content: executionFeedback(results, limits.outputChars, iteration, limits.maxIterations, run.question) });
    }

    const hit = run.limitHit();
    if (hit) return run.end(hit.reason, run.candidate, hit.detail);
    if (failedTurns >= limits.maxConsecutiveErrors) {
      return run.end('error', run.candidate, `${failedTurns} turns in a row produced no working code`);
    }
    // Out of iterations: one more root call asks for the best answer, as the paper's implementation does.
    messages.push({ role: 'user', content: lastChance(`iterations (${limits.maxIterations})`) });
    const reply = await run.askRoot(messages, limits.maxIterations + 1);
    const last = findTextFinal(reply);
    const answer = last?.kind === 'value' ? last.value : proseOf(reply) || run.candidate;
    return run.end('max_iterations', answer, `the run used all ${limits.maxIterations} iterations`);
  } catch (err) {
    // A model call that failed for good, or an abort that surfaced as an error.
    const hit = run.limitHit();
    if (hit) return run.end(hit.reason, run.candidate, hit.detail);
    return run.end('error', run.candidate, (err as Error).message || String(err));
  }
}
