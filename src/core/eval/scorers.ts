// Scoring a reply against a task's known answer. Each scorer reads what models actually write (a sentence
// around the answer, a JSON list, `path:line`, "The correct answer is (B)") and gives a score in [0, 1], with
// what it read from the reply, so a report can show why a task scored what it did.

import type { CodeLocation, EvalTask, ScorerName, TaskAnswer } from './EvalTask';

export interface Score {
  /** 0 (wrong) to 1 (right); partial credit for numeric and f1. */
  score: number;
  /** What the scorer read from the reply (a number, items, a letter, locations), for the report. */
  parsed: unknown;
}

/** Lines either side of a definition that still count as finding it. */
export const DEFAULT_LINE_TOLERANCE = 3;
/** OOLONG's partial credit for counts: 0.75 to the power of the distance (arXiv 2511.02817; the RLM paper uses it too). */
export const NUMERIC_BASE = 0.75;

export function scoreReply(task: Pick<EvalTask, 'scorer' | 'answer' | 'tolerance'>, reply: string): Score {
  const scorer = SCORERS[task.scorer];
  if (!scorer) throw new Error(`Unknown scorer '${task.scorer}'`);
  return scorer(task.answer, reply, task.tolerance);
}

type Scorer = (answer: TaskAnswer, reply: string, tolerance?: number) => Score;

const SCORERS: Record<ScorerName, Scorer> = {
  exact: (answer, reply) => {
    const parsed = normalize(reply);
    return { score: parsed === normalize(String(answer)) ? 1 : 0, parsed };
  },
  contains: (answer, reply) => {
    const gold = normalize(String(answer));
    const text = normalize(reply);
    // Whole words only: the needle 12345 is not found in 912345.
    const found = gold !== '' && new RegExp(`(^|[^a-z0-9])${escapeRegExp(gold)}($|[^a-z0-9])`).test(text);
    return { score: found ? 1 : 0, parsed: found ? gold : null };
  },
  numeric: (answer, reply) => {
    const parsed = readNumber(reply);
    if (parsed === undefined) return { score: 0, parsed: null };
    return { score: NUMERIC_BASE ** Math.abs(parsed - Number(answer)), parsed };
  },
  f1: (answer, reply) => {
    const gold = (answer as Array<string | [string, string]>).map(itemKey);
    const pairs = (answer as unknown[]).some(Array.isArray);
    const parsed = [...new Set(readItems(reply, pairs))];
    return { score: setF1(parsed, [...new Set(gold)]), parsed };
  },
  choice: (answer, reply) => {
    const parsed = readChoice(reply);
    return { score: parsed !== undefined && parsed === String(answer).trim().toUpperCase() ? 1 : 0, parsed: parsed ?? null };
  },
  location: (answer, reply, tolerance = DEFAULT_LINE_TOLERANCE) => {
    const gold = Array.isArray(answer) ? (answer as CodeLocation[]) : [answer as CodeLocation];
    const parsed = readLocations(reply);
    const hit = parsed.some((p) => gold.some((g) => samePath(p.path, g.path) && Math.abs(p.line - g.line) <= tolerance));
    return { score: hit ? 1 : 0, parsed };
  },
};

/** Lower case, no surrounding quotes or end punctuation, single spaces. */
export function normalize(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, ' ').replace(/^["'`]+|["'`.!;:]+$/g, '').trim();
}

/** The number after the last "answer" in the reply (as in "Answer: 42"), else the last number in it. */
export function readNumber(reply: string): number | undefined {
  const text = reply.replace(/(\d),(?=\d{3}\b)/g, '$1');
  const afterAnswer = /answer\b[^0-9-]*(-?\d+(?:\.\d+)?)(?![\s\S]*answer\b)/i.exec(text);
  if (afterAnswer) return Number(afterAnswer[1]);
  const all = text.match(/-?\d+(?:\.\d+)?/g);
  return all ? Number(all[all.length - 1]) : undefined;
}

/** An item's comparison key: trimmed, lower case; a pair as its two sides sorted (pairs are unordered). */
export function itemKey(item: string | number | [unknown, unknown]): string {
  if (Array.isArray(item)) return item.map((side) => cleanItem(String(side))).sort().join('|');
  return cleanItem(String(item));
}

function cleanItem(item: string): string {
  return item.trim().replace(/^([-*•]|\d+[.)])\s+/, '').replace(/^["'`(\[]+|["'`)\].,;]+$/g, '').replace(/^\.\//, '').trim().toLowerCase();
}

/**
 * The items of a list in a reply: a JSON array if there is one, else `(a, b)` pairs when pairs are expected,
 * else one item per line or comma.
 */
export function readItems(reply: string, pairs: boolean): string[] {
  const json = jsonArray(reply);
  if (json) return json.filter((v) => v !== null && v !== '').map((v) => itemKey(Array.isArray(v) && v.length === 2 ? [v[0], v[1]] : String(v)));
  if (pairs) {
    const found = [...reply.matchAll(/\(\s*([\w.-]+)\s*,\s*([\w.-]+)\s*\)/g)].map((m) => itemKey([m[1]!, m[2]!]));
    if (found.length > 0) return found;
    return [...reply.matchAll(/(?:^|\n)\s*(?:[-*•]\s*)?([\w.-]+)\s*(?:,|&|and|-)\s*([\w.-]+)\s*(?=\n|$)/g)].map((m) => itemKey([m[1]!, m[2]!]));
  }
  // A `path:line` item names its file: the line is not part of the item.
  return reply.split(/[\n,;]+/).map((s) => cleanItem(s).replace(/:\d+(-\d+)?$/, '')).filter((s) => s !== '');
}

function jsonArray(reply: string): unknown[] | undefined {
  const start = reply.indexOf('[');
  const end = reply.lastIndexOf(']');
  if (start === -1 || end <= start) return undefined;
  try {
    const value = JSON.parse(reply.slice(start, end + 1));
    return Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** F1 of two sets of keys; two empty sets agree (1), one empty set against a non-empty one scores 0. */
export function setF1(predicted: string[], gold: string[]): number {
  if (predicted.length === 0 && gold.length === 0) return 1;
  if (predicted.length === 0 || gold.length === 0) return 0;
  const goldSet = new Set(gold);
  const hits = predicted.filter((p) => goldSet.has(p)).length;
  if (hits === 0) return 0;
  const precision = hits / predicted.length;
  const recall = hits / gold.length;
  return (2 * precision * recall) / (precision + recall);
}

/**
 * The chosen letter: LongBench-v2's "The correct answer is (B)" first (its official extraction), then "answer:
 * B", then a reply that is only a letter such as "(C)" or "D.".
 */
export function readChoice(reply: string): string | undefined {
  const patterns = [
    /correct answer is\s*\(([A-D])\)/i,
    /correct answer is\s*:?\s*([A-D])\b/i,
    /\b[Aa]nswer\s*(?:is\s*)?:?\s*\(?([A-D])\)?(?!\w)/,
    /^\s*\(?([A-D])\)?[.:]?\s*$/,
    /^\s*\(?([A-D])[.)]\s[\s\S]*$/,
  ];
  for (const pattern of patterns) {
    const m = pattern.exec(reply.trim());
    if (m) return m[1]!.toUpperCase();
  }
  return undefined;
}

/** Every `path:line` (or `path:line-line`, `path#L12`, "path, line 12") in a reply. */
export function readLocations(reply: string): CodeLocation[] {
  const found: CodeLocation[] = [];
  const file = String.raw`([\w@+~-][\w@+~.\/-]*\.[A-Za-z0-9]+)`;
  for (const m of reply.matchAll(new RegExp(`${file}(?::|#L)(\\d+)`, 'g'))) found.push({ path: m[1]!, line: Number(m[2]) });
  for (const m of reply.matchAll(new RegExp(`${file}\`?,? (?:at |on )?line (\\d+)`, 'gi'))) found.push({ path: m[1]!, line: Number(m[2]) });
  return found;
}

/** Same file: equal paths, or one is the other below some folder (a model may give the path from another root). */
function samePath(a: string, b: string): boolean {
  const x = a.replace(/^\.?\//, '');
  const y = b.replace(/^\.?\//, '');
  return x === y || x.endsWith('/' + y) || y.endsWith('/' + x);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
