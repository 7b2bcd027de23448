// pairs-text (OOLONG-Pairs-style): list every pair of users who both asked a rare kind of question. Only a
// few users ever ask it, so the answer stays a readable list (a handful of users: tens of pairs) at any size,
// while finding them still means reading every record. Scored by F1 over the pairs.

import type { EvalTask } from '../EvalTask';
import { seededRandom, shuffled, taskSeed } from '../random';
import { charsFor, type ContextSize } from './contextSizes';
import { usersFor } from './countText';
import { generateRecords, LABEL_MEANING, RECORD_LABELS, type RecordLabel } from './questionRecords';

const RARE: RecordLabel = 'abbreviation';
const COMMON = RECORD_LABELS.filter((l) => l !== RARE);

export function pairsTextTask(size: ContextSize, seed: number, index: number): EvalTask {
  const r = seededRandom(taskSeed(seed, 'pairs-text', size.tokens, index));
  const users = usersFor(size);
  const chosen = new Set(shuffled(Array.from({ length: users }, (_, i) => 1000 + i), r).slice(0, r.int(5, 8)));
  // A chosen user's first record is the rare kind; after that about one in nine of theirs is.
  const labelsOf = (user: number) => (chosen.has(user) ? [RARE, ...COMMON, ...COMMON] : COMMON);
  const { text, records } = generateRecords({ chars: charsFor(size), users, labelsOf }, r);
  // The answer is what the records hold: a chosen user who never appeared is not in it.
  const askers = [...new Set(records.filter((rec) => rec.label === RARE).map((rec) => rec.user))].sort((a, b) => a - b);
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < askers.length; i++) {
    for (let j = i + 1; j < askers.length; j++) pairs.push([String(askers[i]), String(askers[j])]);
  }
  return {
    id: `pairs-text/${size.label}/s${seed}/${index}`,
    suite: 'pairs-text',
    question: `The context is a list of records, one per line: a record number, a user id, a date and a question that user asked. List every pair of user ids such that both users asked at least one question about ${LABEL_MEANING[RARE]}. Judge each question by what it asks. Give each pair once, smaller id first, as a JSON array of pairs, e.g. [[1001, 1005], [1001, 1010]].`,
    context: { kind: 'text', text },
    answer: pairs,
    scorer: 'f1',
    sizeTokens: size.tokens,
    sizeLabel: size.label,
  };
}
