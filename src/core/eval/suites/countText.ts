// count-text (OOLONG-style aggregation): how many records of a long list ask a given kind of question. The
// kind has to be read from each record's meaning (questionRecords.ts), and the answer is a count, scored with
// OOLONG's partial credit.

import type { EvalTask } from '../EvalTask';
import { seededRandom, taskSeed } from '../random';
import { charsFor, type ContextSize } from './contextSizes';
import { generateRecords, LABEL_MEANING, RECORD_LABELS, type RecordLabel } from './questionRecords';

/** About this many characters per record line, to size the user pool. */
const CHARS_PER_RECORD = 85;

export function countTextTask(size: ContextSize, seed: number, index: number): EvalTask {
  const r = seededRandom(taskSeed(seed, 'count-text', size.tokens, index));
  const users = usersFor(size);
  // Every user may ask anything; rotating the list varies each user's first (forced) record.
  const labelsOf = (user: number) => rotate(RECORD_LABELS, user);
  const { text, records } = generateRecords({ chars: charsFor(size), users, labelsOf }, r);
  const asked: RecordLabel = r.pick(RECORD_LABELS.filter((l) => l !== 'abbreviation'));
  const count = records.filter((rec) => rec.label === asked).length;
  return {
    id: `count-text/${size.label}/s${seed}/${index}`,
    suite: 'count-text',
    question: `The context is a list of records, one per line: a record number, a user id, a date and a question that user asked. How many of the records are questions asking about ${LABEL_MEANING[asked]}? Judge each question by what it asks, not by its words. Answer with the count as a number.`,
    context: { kind: 'text', text },
    answer: count,
    scorer: 'numeric',
    sizeTokens: size.tokens,
    sizeLabel: size.label,
  };
}

export function usersFor(size: ContextSize): number {
  return Math.max(10, Math.min(2000, Math.round(charsFor(size) / CHARS_PER_RECORD / 25)));
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}
