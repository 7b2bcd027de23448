// RepoQA's "search needle function" score (repoqa/compute_score.py, needle_evaluator): the answer's first code
// block is the model's function; the needle with the highest BLEU (bleu.ts) against it is the model's pick. It
// passes when that pick is the true needle and its similarity is at least 0.8 (the threshold RepoQA's
// leaderboard reports). Comments are kept on both sides, as RepoQA's default (compute_main's
// ignore_comments=False); `ignoreComments` removes them from the answer and from every needle first, as its
// optional --eval-ignore-comments does.
//
// Where we differ, and why: RepoQA takes the first function inside the block and finds comments with
// Tree-sitter; here the whole first block is the function (RepoQA's own fallback when the block does not
// parse) and comments are found by a scanner that skips string literals. A reply that is the function alone
// (what the prompt asks for) scores the same either way.

import { sentenceBleu, tokens } from './bleu';

export const NEEDLE_PASS_SIMILARITY = 0.8;

export interface NeedleFunction {
  name: string;
  /** The function's text as in the repository (lines start_line..end_line of its file). */
  code: string;
}

export interface NeedleVerdict {
  /** The needle most similar to the answer ("" when none is similar at all). */
  best: string;
  similarity: number;
  pass: boolean;
  /** Comments were removed from the answer and the needles before comparing (RepoQA's --eval-ignore-comments). */
  ignoreComments: boolean;
}

/** RepoQA's regex: the first fenced block; no block at all means the whole reply. */
export function firstCodeBlock(reply: string): string {
  const m = /^```(?:\w+)?\s*\n([\s\S]*?)(?=^```)```/m.exec(reply);
  return m ? m[1]! : reply;
}

const HASH_COMMENTS = new Set(['python', 'ruby', 'shell']);

/** Line and block comments out, strings kept: `//` and `/* *\/` (C family, Go, Rust, Java, TS), `#` (Python). */
export function removeComments(code: string, lang: string): string {
  const hash = HASH_COMMENTS.has(lang);
  const pattern = hash
    ? /("""[\s\S]*?"""|'''[\s\S]*?'''|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')|(#[^\n]*)/g
    : /("(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`)|(\/\/[^\n]*|\/\*[\s\S]*?\*\/)/g;
  return code.replace(pattern, (all, literal: string | undefined) => (literal !== undefined ? all : ''));
}

export function judgeNeedle(reply: string, truth: string, needles: readonly NeedleFunction[], lang: string, ignoreComments = false): NeedleVerdict {
  const compared = (code: string) => tokens(ignoreComments ? removeComments(code, lang) : code);
  const answer = compared(firstCodeBlock(reply));
  let best = '';
  let similarity = 0;
  for (const needle of needles) {
    const s = sentenceBleu(compared(needle.code), answer);
    // Strictly greater, as RepoQA: the first of equally similar needles wins.
    if (s > similarity) {
      similarity = s;
      best = needle.name;
    }
  }
  return { best, similarity, pass: best === truth && similarity >= NEEDLE_PASS_SIMILARITY, ignoreComments };
}
