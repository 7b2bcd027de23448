// needle-text (S-NIAH-style): one fact hidden at a seeded depth in a long filler text; the question asks for
// it. The filler is made of plain sentences with no seven-digit numbers, so the needle's number is the only one.

import type { EvalTask } from '../EvalTask';
import { seededRandom, taskSeed, type Random } from '../random';
import { charsFor, type ContextSize } from './contextSizes';

const SUBJECTS = ['The old ferryman', 'A quiet committee', 'The harbour master', 'Every apprentice', 'The village choir', 'A travelling botanist', 'The night watch', 'The mapmaker'];
const VERBS = ['considered', 'repainted', 'described', 'carried', 'measured', 'forgot', 'praised', 'rebuilt'];
const OBJECTS = ['the narrow bridge', 'a basket of apples', 'the western lighthouse', 'the winter accounts', 'an unfinished letter', 'the copper kettle', 'the lower meadow', 'a box of lanterns'];
const TAILS = ['before the rain came.', 'while the tide was low.', 'after the market closed.', 'with great patience.', 'as the bells rang.', 'without saying why.', 'for the third time that week.', 'under a grey sky.'];
const KEYS = ['amber', 'harbor', 'willow', 'granite', 'lantern', 'meadow', 'falcon', 'cobalt', 'juniper', 'thistle'];

export function needleTextTask(size: ContextSize, seed: number, index: number): EvalTask {
  const r = seededRandom(taskSeed(seed, 'needle-text', size.tokens, index));
  const key = `${r.pick(KEYS)}-${r.pick(KEYS)}-${r.int(10, 99)}`;
  const value = String(r.int(1_000_000, 9_999_999));
  const needle = `The special magic number for ${key} is ${value}.`;
  const chars = charsFor(size);
  const depth = 0.05 + r.next() * 0.9;
  const text = filler(Math.floor((chars - needle.length) * depth), r) + needle + ' ' + filler(chars - needle.length - 1 - Math.floor((chars - needle.length) * depth), r);
  return {
    id: `needle-text/${size.label}/s${seed}/${index}`,
    suite: 'needle-text',
    question: `Somewhere in the text is a special magic number for ${key}. What is it? Answer with the number.`,
    context: { kind: 'text', text },
    answer: value,
    scorer: 'contains',
    sizeTokens: size.tokens,
    sizeLabel: size.label,
  };
}

/** Sentences up to `chars` characters, padded with spaces to exactly that length. */
function filler(chars: number, r: Random): string {
  const parts: string[] = [];
  let length = 0;
  for (;;) {
    const sentence = `${r.pick(SUBJECTS)} ${r.pick(VERBS)} ${r.pick(OBJECTS)} ${r.pick(TAILS)}${r.int(0, 5) === 0 ? '\n' : ' '}`;
    if (length + sentence.length > chars) break;
    parts.push(sentence);
    length += sentence.length;
  }
  return parts.join('') + ' '.repeat(Math.max(0, chars - length));
}
