// Sentence BLEU as RepoQA computes function similarity (repoqa/metric.py): tokens split on whitespace, one
// reference, NLTK's sentence_bleu with uniform 4-gram weights and Chen & Cherry's smoothing method 4
// (nltk.translate.bleu_score, NLTK 3.8). No npm package implements NLTK's smoothing, so it is written here
// and checked against numbers NLTK printed (test/core/eval/bleu.test.ts says how they were made).

const MAX_N = 4;
/** NLTK's SmoothingFunction default k for method 4. */
const METHOD4_K = 5;

export function tokens(text: string): string[] {
  const trimmed = text.trim();
  // Python's re.split("\s+", "") gives [""]: one empty token, which NLTK counts as a word.
  return trimmed === '' ? [''] : trimmed.split(/\s+/);
}

/** NLTK's sentence_bleu([reference], candidate, smoothing_function=SmoothingFunction().method4). */
export function sentenceBleu(reference: string[], candidate: string[]): number {
  const numerators: number[] = [];
  const denominators: number[] = [];
  for (let n = 1; n <= MAX_N; n++) {
    const hyp = ngramCounts(candidate, n);
    const ref = ngramCounts(reference, n);
    let clipped = 0;
    let total = 0;
    for (const [gram, count] of hyp) {
      clipped += Math.min(count, ref.get(gram) ?? 0);
      total += count;
    }
    numerators.push(clipped);
    denominators.push(Math.max(1, total));
  }
  if (numerators[0] === 0) return 0;
  const hypLen = candidate.length;
  const refLen = reference.length;
  const bp = hypLen > refLen ? 1 : hypLen === 0 ? 0 : Math.exp(1 - refLen / hypLen);
  // method4: a zero precision becomes 1 / (2^i * k / ln(hyp_len)) over its denominator, i counting the zeros.
  let zeros = 1;
  let logSum = 0;
  for (let i = 0; i < MAX_N; i++) {
    let p = numerators[i]! / denominators[i]!;
    if (numerators[i] === 0 && hypLen > 1) {
      p = 1 / ((2 ** zeros * METHOD4_K) / Math.log(hypLen)) / denominators[i]!;
      zeros++;
    }
    // NLTK 3.8 sums w * log(p) only over p > 0 (bleu_score.py: `if p_i > 0`): the zeros method 4 leaves (a
    // one-token candidate has no bigrams and is not smoothed) drop out, so "a" against "a b c" scores its
    // brevity penalty, e^-2, and "a" against "a" scores 1.
    if (p > 0) logSum += Math.log(p) / MAX_N;
  }
  return bp * Math.exp(logSum);
}

function ngramCounts(words: string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= words.length; i++) {
    const gram = words.slice(i, i + n).join('\u0000');
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}
