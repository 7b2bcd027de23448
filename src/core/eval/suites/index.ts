// The built-in suites, generated from a seed with their answers known: no download needed. needle-code reads
// a workspace (needleCode.ts); the text suites make their own context at each size.

import type { EvalTask } from '../EvalTask';
import type { ContextSize } from './contextSizes';
import { countTextTask } from './countText';
import { needleTextTask } from './needleText';
import { pairsTextTask } from './pairsText';

export const SUITE_NAMES = ['needle-code', 'count-text', 'pairs-text', 'needle-text'] as const;
export type SuiteName = (typeof SUITE_NAMES)[number];

type TextSuite = (size: ContextSize, seed: number, index: number) => EvalTask;

export const TEXT_SUITES: Record<Exclude<SuiteName, 'needle-code'>, TextSuite> = {
  'count-text': countTextTask,
  'pairs-text': pairsTextTask,
  'needle-text': needleTextTask,
};

export function isSuiteName(name: string): name is SuiteName {
  return (SUITE_NAMES as readonly string[]).includes(name);
}

/** `perSize` tasks of a text suite at each size; task i of a size is the same for the same seed. */
export function textSuiteTasks(name: Exclude<SuiteName, 'needle-code'>, sizes: ContextSize[], seed: number, perSize: number): EvalTask[] {
  return sizes.flatMap((size) => Array.from({ length: perSize }, (_, i) => TEXT_SUITES[name](size, seed, i)));
}
