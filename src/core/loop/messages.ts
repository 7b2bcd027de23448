// The user-side messages of the root conversation: the context's metadata (never the context itself),
// the output of each turn's code, and the nudges. Kept together so a reader sees all the engine says.

import type { VariableInfo } from '../sandbox/Sandbox';
import { truncateOutput } from '../sandbox/truncate';
import type { CellResult } from '../sandbox/types';
import type { ContextMeta } from '../trajectory/events';
import { describeFocus, type FocusItem } from './focus';

const fmt = (n: number) => n.toLocaleString('en-US');

export interface PriorExchange {
  question: string;
  answer: string;
  /** Answered in an earlier REPL (a restored conversation): its variables are gone. */
  variablesLost?: boolean;
}

export function firstMessage(question: string, meta: ContextMeta, history: PriorExchange[] = [], focus: readonly FocusItem[] = []): string {
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
  const attached = describeFocus(focus);
  if (attached) parts.push(attached);
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

/** A reply that stopped at the output limit: it may end inside a code block, so none of it ran. */
export function replyCut(usage: { outputTokens: number; reasoningTokens?: number }): string {
  const thinking = usage.reasoningTokens ? `, ${fmt(usage.reasoningTokens)} of them thinking` : '';
  return `Your reply was cut off at ${fmt(usage.outputTokens)} output tokens (the output limit${thinking}), so none of its code ran. Write a shorter reply: one short \`\`\`repl block that does the next step (think less, print less), and split big work over several turns.`;
}

export function finalVarMissing(name: string): string {
  return `FINAL_VAR("${name}") failed: there is no variable named ${name}. SHOW_VARS() lists your variables; or pass the answer to FINAL(...).`;
}

/** The last request, once a limit stopped the run (`why` completes "The run stopped because ..."). */
export function lastChance(why: string): string {
  return `The run stopped because ${why}. No more code will run and no more sub-calls can be made. Give your best final answer now, based on what your code and sub-calls found so far, as FINAL(your answer) written as plain text. Say what you could not verify.`;
}

/** The REPL's variables as the model reads them in compaction messages: at most 30, one line each. */
function variableLines(variables: VariableInfo[]): string {
  if (variables.length === 0) return '(none)';
  const shown = variables.slice(0, 30).map((v) => `- ${v.name} (${v.type}): ${truncateOutput(v.summary.replace(/\s+/g, ' '), 120)}`);
  return [...shown, ...(variables.length > 30 ? [`- ... and ${variables.length - 30} more (SHOW_VARS() lists them all)`] : [])].join('\n');
}

/** Asks for the summary that replaces the older turns (RootHistory.ts); the REPL keeps every variable. */
export function summaryRequest(maxWords: number, variables: VariableInfo[], leftOut: number): string {
  const unseen = leftOut === 0 ? '' : leftOut === 1 ? ' (your earliest turn is not shown above: it no longer fits)' : ` (your ${fmt(leftOut)} earliest turns are not shown above: they no longer fit)`;
  return `Your context window is nearly full, so this conversation is about to be compacted: everything after the question will be replaced by the summary you write now${unseen}. The REPL is kept, with every variable in it. Write the summary as plain text, with no code block, in at most ${fmt(maxWords)} words:
1. What you have found so far, with the exact file paths, names and numbers.
2. The REPL variables that hold results, by name, and what each holds.
3. What you tried that did not work.
4. What remains to do to answer the question.

REPL variables now:
${variableLines(variables)}`;
}

/** Opens the user message after a compaction; the last turn's output follows it. */
export function afterCompaction(turns: number, variables: VariableInfo[]): string {
  return `[Your ${turns === 1 ? 'last turn was' : `last ${fmt(turns)} turns were`} replaced by the summary above to make room in your context window. The REPL is unchanged; its variables:
${variableLines(variables)}
The output of your last turn follows.]`;
}

/** Stands in for a summary that could not be written: the turns are dropped all the same. */
export function noSummary(why: string): string {
  return `[No summary of the earlier turns could be written (${why}); they were dropped to make room. Everything you computed is still in the REPL: SHOW_VARS() lists it.]`;
}

/**
 * The run cannot go on: even the system prompt and the question do not fit the root model's window. A child run's
 * root is the sub-model, whose window has its own setting.
 */
export function windowTooSmall(model: string, window: number, needed: number, child: boolean): string {
  const [role, setting] = child ? ['the sub-model', '--sub-context-window, rlm.subContextWindow'] : ['the root model', '--context-window, rlm.contextWindow'];
  return `${role} ${model} has a window of ${fmt(window)} tokens, too small for the system prompt and the question (about ${fmt(needed)} tokens at 85% of the window): use a model with a larger window, or set its real window (${setting}) if it is larger`;
}
