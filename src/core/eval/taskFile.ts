// Tasks from a file: our JSONL format (one task a line; docs/eval.md, "Tasks file"), or LongBench-v2's data.json
// (longBench.ts), told apart by their first character. Every problem names its line and what to write instead.

import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CHARS_PER_TOKEN } from '../models/usage';
import { SCORER_NAMES, type EvalTask, type ScorerName, type TaskAnswer, type TaskContext } from './EvalTask';
import { longBenchTasks } from './longBench';
import { TaskFileError } from './TaskFileError';

export { TaskFileError };

export interface TaskFileOptions {
  /** LongBench-v2 only: keep entries of this domain ("codeqa" is "Code Repository Understanding"). */
  domain?: string;
}

export function loadTaskFile(file: string, options: TaskFileOptions = {}): EvalTask[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TaskFileError(code === 'ENOENT' ? `Tasks file not found: ${file}` : `Cannot read tasks file ${file}: ${code ?? String(err)}`);
  }
  if (text.trimStart().startsWith('[')) return longBenchTasks(text, file, options.domain);
  if (options.domain) throw new TaskFileError(`--domain applies to LongBench-v2's data.json only, and ${file} is a JSONL tasks file`);
  return parseTaskLines(text, file);
}

export function parseTaskLines(text: string, file: string): EvalTask[] {
  const tasks: EvalTask[] = [];
  const ids = new Set<string>();
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${file} line ${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new TaskFileError(`${where} is not valid JSON`);
    }
    const task = toTask(value, where, dirname(resolve(file)));
    if (ids.has(task.id)) throw new TaskFileError(`${where}: the id "${task.id}" was used before: each task needs its own id`);
    ids.add(task.id);
    tasks.push(task);
  });
  if (tasks.length === 0) throw new TaskFileError(`${file} holds no tasks: expected one JSON object per line`);
  return tasks;
}

function toTask(value: unknown, where: string, base: string): EvalTask {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new TaskFileError(`${where} must be a JSON object with id, question, context, answer and scorer`);
  const v = value as Record<string, unknown>;
  const text = (key: string) => {
    if (typeof v[key] !== 'string' || (v[key] as string).trim() === '') throw new TaskFileError(`${where}: "${key}" must be a non-empty string`);
    return v[key] as string;
  };
  const id = text('id');
  const question = text('question');
  const scorer = text('scorer') as ScorerName;
  if (!SCORER_NAMES.includes(scorer)) throw new TaskFileError(`${where}: unknown scorer "${scorer}" (one of ${SCORER_NAMES.join(', ')})`);
  const choices = v.choices === undefined ? undefined : stringList(v.choices, `${where}: "choices"`);
  const tolerance = v.tolerance === undefined ? undefined : Number(v.tolerance);
  if (tolerance !== undefined && !(Number.isInteger(tolerance) && tolerance >= 0)) throw new TaskFileError(`${where}: "tolerance" must be a whole number of lines >= 0`);
  const context = toContext(v.context, where, base);
  return {
    id, suite: 'file', question, context, scorer, answer: toAnswer(v.answer, scorer, where),
    ...(choices ? { choices } : {}), ...(tolerance !== undefined ? { tolerance } : {}), sizeTokens: sizeOf(context),
  };
}

function toContext(value: unknown, where: string, base: string): TaskContext {
  if (typeof value === 'string') return { kind: 'text', text: value };
  const v = (value ?? {}) as Record<string, unknown>;
  if (typeof v.text === 'string') return { kind: 'text', text: v.text };
  if (typeof v.file === 'string') return { kind: 'file', path: resolve(base, v.file) };
  if (typeof v.workspace === 'string') return { kind: 'workspace', path: resolve(base, v.workspace) };
  throw new TaskFileError(`${where}: "context" must be a string, or {"text": ...}, {"file": "path"} or {"workspace": "folder"} (paths relative to the tasks file)`);
}

function toAnswer(value: unknown, scorer: ScorerName, where: string): TaskAnswer {
  const bad = (shape: string) => new TaskFileError(`${where}: the ${scorer} scorer needs "answer" to be ${shape}`);
  switch (scorer) {
    case 'numeric':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
      throw bad('a number');
    case 'f1':
      if (!Array.isArray(value)) throw bad('a list of items (strings) or of [a, b] pairs');
      return value.map((item) => {
        if (Array.isArray(item) && item.length === 2) return [String(item[0]), String(item[1])] as [string, string];
        if (typeof item === 'string' || typeof item === 'number') return String(item);
        throw bad('a list of items (strings) or of [a, b] pairs');
      });
    case 'choice':
      if (typeof value === 'string' && /^[A-Da-d]$/.test(value.trim())) return value.trim().toUpperCase();
      throw bad('a letter A to D');
    case 'location': {
      const one = (loc: unknown) => {
        const l = loc as { path?: unknown; line?: unknown };
        if (typeof l?.path !== 'string' || !Number.isInteger(l.line)) throw bad('{"path": "src/a.ts", "line": 12} or a list of them');
        return { path: l.path, line: l.line as number };
      };
      return Array.isArray(value) ? value.map(one) : one(value);
    }
    default:
      if (typeof value === 'string' || typeof value === 'number') return String(value);
      throw bad('a string');
  }
}

function stringList(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.some((c) => typeof c !== 'string')) throw new TaskFileError(`${where} must be a list of strings`);
  return value as string[];
}

/** Tokens of a text or file context; a workspace's is measured when it is opened (-1 until then). */
function sizeOf(context: TaskContext): number {
  if (context.kind === 'text') return Math.ceil(context.text.length / CHARS_PER_TOKEN);
  if (context.kind === 'file') {
    try {
      return Math.ceil(statSync(context.path).size / CHARS_PER_TOKEN);
    } catch {
      return -1;
    }
  }
  return -1;
}
