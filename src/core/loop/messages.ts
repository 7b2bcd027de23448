// The user-side messages of the root conversation: the context's metadata (never the context itself),
// the output of each turn's code, and the nudges. Kept together so a reader sees all the engine says.

import { truncateOutput } from '../sandbox/truncate';
import type { CellResult } from '../sandbox/types';
import type { ContextMeta } from '../trajectory/events';

const fmt = (n: number) => n.toLocaleString('en-US');

export interface PriorExchange {
  question: string;
  answer: string;
  /** Answered in an earlier REPL (a restored conversation): its variables are gone. */
  variablesLost?: boolean;
}

export function firstMessage(question: string, meta: ContextMeta, history: PriorExchange[] = []): string {
  const parts: string[] = [describeContext(meta)];
  if (history.length > 0) {
    const kept = history.some((h) => !h.variablesLost);
    const note = kept
      ? 'the variables you created for them still exist, except where marked; SHOW_VARS() lists them'
      : 'the REPL was restarted since, so the variables you created for them are gone';
    parts.push(
      `Earlier questions in this session (${note}):\n` +
        history.map((h, i) => `${i + 1}. Q: ${h.question}${kept && h.variablesLost ? ' (variables gone)' : ''}\n   A: ${truncateOutput(h.answer, 600)}`).join('\n'),
    );
  }
  parts.push(`Question: ${question}`);
  parts.push('You have not looked at the context yet. Start by exploring it in the REPL: your reply must contain a ```repl block.');
  return parts.join('\n\n');
}

export function describeContext(meta: ContextMeta): string {
  if (meta.type === 'text') {
    return `Your context is a string of ${fmt(meta.size)} characters (about ${fmt(Math.ceil(meta.size / 4))} tokens), held in the REPL variable \`context\`.`;
  }
  const langs = Object.entries(meta.languages ?? {})
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([lang, n]) => `${lang} ${fmt(n)}`)
    .join(', ');
  const workspace = meta.incomplete
    ? `a code workspace still being indexed (${fmt(meta.files ?? 0)} files, ${fmt(meta.size)} bytes found so far; the functions wait for the rest or say what is missing)`
    : `a code workspace of ${fmt(meta.files ?? 0)} files (${fmt(meta.size)} bytes)`;
  return `Your context is ${workspace} reached through files(), read() and grep() in the REPL. Files by language${meta.incomplete ? ' so far' : ''}: ${langs || 'none'}.`;
}


/**
 * What the model sees after its code ran: each cell's output, value and error, each cut head + tail to its
 * share of the output budget, then how to go on (or, once the run is stopping, the last request).
 */
export function executionFeedback(cells: CellResult[], outputChars: number, next: string): string {
  const share = Math.max(1_000, Math.floor(outputChars / Math.max(1, cells.length)));
  const parts = cells.map((cell, i) => {
    const lines: string[] = [`[cell ${i + 1} output]`];
    const body = [cell.output, cell.value !== undefined ? `=> ${cell.value}` : ''].filter(Boolean).join('\n');
    lines.push(body === '' ? '(no output: print() what you want to see)' : truncateOutput(body, share));
    if (cell.error) lines.push(`[cell ${i + 1} error] ${truncateOutput(cell.error, share)}`);
    return lines.join('\n');
  });
  parts.push(next);
  return parts.join('\n\n');
}

export function keepGoing(iteration: number, maxIterations: number, question: string): string {
  const left = maxIterations - iteration;
  return `Turn ${iteration} of ${maxIterations} done (${left} left). Continue working on the question in the REPL: "${truncateOutput(question, 500)}". When your code has verified the answer, call FINAL(...) or FINAL_VAR(...) in a repl block.`;
}

export const NO_CODE_NUDGE =
  'Your reply had no ```repl block, so nothing ran. Write JavaScript in a ```repl block to explore the context, or, if you already know the answer from code output you have seen, call FINAL(answer) in a repl block.';

export function finalVarMissing(name: string): string {
  return `FINAL_VAR("${name}") failed: there is no variable named ${name}. SHOW_VARS() lists your variables; or pass the answer to FINAL(...).`;
}

/** The last request, once a limit stopped the run (`why` completes "The run stopped because ..."). */
export function lastChance(why: string): string {
  return `The run stopped because ${why}. No more code will run and no more sub-calls can be made. Give your best final answer now, based on what your code and sub-calls found so far, as FINAL(your answer) written as plain text. Say what you could not verify.`;
}
