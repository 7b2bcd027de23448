// How much of an answer a chat keeps. Up to ANSWER_SHOWN_CHARS (src/protocol/messages.ts) it keeps the answer;
// past that, its start and its length: the whole answer is stored once, in the question's trace (its run_end),
// and read back from there when the user opens it in an editor (ChatService.wholeAnswer).

import type { RlmEvent } from '../../core/trajectory/events';
import { ANSWER_SHOWN_CHARS, type Exchange } from '../../protocol/messages';

/** A cut looks for a line break this close to the limit, so the shown part does not end mid-line. */
const LINE_BREAK_WINDOW = 0.05;

/** The answer as a chat keeps it: whole, or its start with the whole length. */
export function shownAnswer(answer: string): Pick<Exchange, 'answer' | 'answerChars'> {
  return answer.length <= ANSWER_SHOWN_CHARS ? { answer } : { answer: startOf(answer), answerChars: answer.length };
}

/** An exchange as a chat keeps it (one stored before answers were cut is cut when it is read). */
export function withShownAnswer<T extends Exchange>(exchange: T): T {
  return exchange.answer !== undefined && exchange.answer.length > ANSWER_SHOWN_CHARS ? { ...exchange, ...shownAnswer(exchange.answer) } : exchange;
}

/** Events for the Chat view: it folds them for its status line and never shows a run's answer from them. */
export function eventsForChat(events: readonly RlmEvent[]): RlmEvent[] {
  return events.map((e) => (e.type === 'run_end' && e.answer.length > ANSWER_SHOWN_CHARS ? { ...e, answer: startOf(e.answer) } : e));
}

function startOf(text: string): string {
  const lineEnd = text.lastIndexOf('\n', ANSWER_SHOWN_CHARS - 1) + 1;
  let end = lineEnd >= ANSWER_SHOWN_CHARS * (1 - LINE_BREAK_WINDOW) ? lineEnd : ANSWER_SHOWN_CHARS;
  if (/[\uD800-\uDBFF]/.test(text[end - 1]!)) end--;
  // A copy, not a slice: V8 keeps a slice's whole source string alive, megabytes behind every chat that holds it.
  return Buffer.from(text.slice(0, end), 'utf8').toString('utf8');
}
