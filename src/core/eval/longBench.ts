// LongBench-v2's data.json (THUDM/LongBench, v2): a JSON array of multiple-choice questions over long contexts.
// Each entry has _id, domain, sub_domain, difficulty, length, question, choice_A..choice_D, answer (a letter)
// and context. The paper's CodeQA is the domain "Code Repository Understanding"; scored by the chosen letter.

import { CHARS_PER_TOKEN } from '../models/usage';
import type { EvalTask } from './EvalTask';
import { TaskFileError } from './TaskFileError';

export const CODEQA_DOMAIN = 'Code Repository Understanding';

interface LongBenchEntry {
  _id: string;
  domain: string;
  sub_domain?: string;
  difficulty?: string;
  length?: string;
  question: string;
  choice_A: string;
  choice_B: string;
  choice_C: string;
  choice_D: string;
  answer: string;
  context: string;
}

/** `domain` filters entries: a domain name (any case) or "codeqa". */
export function longBenchTasks(json: string, file: string, domain?: string): EvalTask[] {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (err) {
    throw new TaskFileError(`${file} starts like LongBench-v2's data.json (a JSON array) but is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(data)) throw new TaskFileError(`${file} is not a JSON array of LongBench-v2 entries`);
  const wanted = domain === undefined ? undefined : domain.toLowerCase() === 'codeqa' ? CODEQA_DOMAIN.toLowerCase() : domain.toLowerCase();
  const tasks = data.map((entry, i) => checkEntry(entry, `${file} entry ${i}`))
    .filter((e) => wanted === undefined || e.domain.toLowerCase() === wanted)
    .map((e): EvalTask => ({
      id: `longbench/${e._id}`,
      suite: e.domain === CODEQA_DOMAIN ? 'codeqa' : 'longbench',
      question: e.question,
      choices: [e.choice_A, e.choice_B, e.choice_C, e.choice_D],
      context: { kind: 'text', text: e.context },
      answer: e.answer.trim().toUpperCase(),
      scorer: 'choice',
      sizeTokens: Math.ceil(e.context.length / CHARS_PER_TOKEN),
    }));
  if (tasks.length === 0) {
    const domains = [...new Set((data as LongBenchEntry[]).map((e) => e?.domain))].filter(Boolean).join('; ');
    throw new TaskFileError(`${file} has no entries${domain ? ` in the domain "${domain}"` : ''}; its domains: ${domains || 'none'}`);
  }
  return tasks;
}

function checkEntry(entry: unknown, where: string): LongBenchEntry {
  const e = entry as Partial<LongBenchEntry> | null;
  const fields = ['_id', 'domain', 'question', 'choice_A', 'choice_B', 'choice_C', 'choice_D', 'answer', 'context'] as const;
  const missing = fields.filter((f) => typeof e?.[f] !== 'string');
  if (missing.length > 0) throw new TaskFileError(`${where} is not a LongBench-v2 entry: missing ${missing.join(', ')}`);
  if (!/^[A-D]$/i.test(e!.answer!.trim())) throw new TaskFileError(`${where}: answer "${e!.answer}" is not a letter A to D`);
  return e as LongBenchEntry;
}
