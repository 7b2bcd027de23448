// RefactorBench (microsoft/RefactorBench) as `rlm eval` tasks. The clone's layout:
//   repositories/<repo>_refactor/                          the repository each task changes (static, no .git)
//   problems/{base,lazy,descriptive}_problems/<repo>_refactor/<id>-task.txt   three statements of each task
//   tests/<repo>_refactor/*.py                             one unittest file per task, reading sources with ast
//   scripts/<variant>_mapping.py                           test file -> task file, where the names differ
// Each problem names what is missing and the command that gets it.

import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { CHARS_PER_TOKEN } from '../../models/usage';
import type { EvalTask, RefactorVariant } from '../EvalTask';
import { TaskFileError } from '../TaskFileError';

export const REFACTORBENCH_CLONE = 'git clone https://github.com/microsoft/RefactorBench && git -C RefactorBench checkout 2c936969a6738a54a4f4df9175339c6d201785ac';

export interface RefactorBenchOptions {
  variant: RefactorVariant;
  /** Repository names to keep ("flask", "requests"); absent: all nine. */
  only?: string[];
}

export function refactorBenchTasks(dataDir: string, options: RefactorBenchOptions): EvalTask[] {
  const root = resolve(dataDir);
  const need = (path: string, what: string) => {
    if (!existsSync(join(root, path))) throw new TaskFileError(`${root} is not a RefactorBench clone: ${path}/ is missing (${what}). Get it with: ${REFACTORBENCH_CLONE}`);
  };
  need('repositories', 'the repositories the tasks change');
  need('tests', "the tasks' unittest files");
  need(join('problems', `${options.variant}_problems`), `the ${options.variant} statements`);
  const repos = readdirSync(join(root, 'tests')).filter((d) => d.endsWith('_refactor')).map((d) => d.replace(/_refactor$/, '')).sort();
  const unknown = (options.only ?? []).filter((r) => !repos.includes(r));
  if (unknown.length > 0) throw new TaskFileError(`--only ${unknown.join(',')}: not a RefactorBench repository here; the repositories are ${repos.join(', ')}`);
  const wanted = options.only?.length ? repos.filter((r) => options.only!.includes(r)) : repos;
  const mapping = readMapping(root, options.variant);
  const tasks: EvalTask[] = [];
  for (const repo of wanted) {
    const repoDir = join(root, 'repositories', `${repo}_refactor`);
    if (!existsSync(repoDir)) throw new TaskFileError(`${repoDir} is missing: the ${repo} tasks change it. Get the whole benchmark with: ${REFACTORBENCH_CLONE}`);
    const sizeTokens = Math.ceil(folderBytes(repoDir) / CHARS_PER_TOKEN);
    const testDir = join(root, 'tests', `${repo}_refactor`);
    for (const test of readdirSync(testDir).filter((f) => f.endsWith('.py')).sort()) {
      const statementFile = mapping.get(`tests/${repo}_refactor/${test}`)
        ?? join('problems', `${options.variant}_problems`, `${repo}_refactor`, `${test.replace(/(-test)?\.py$/, '')}-task.txt`);
      const statementPath = join(root, statementFile);
      if (!existsSync(statementPath)) throw new TaskFileError(`${statementFile} is missing: it is the ${options.variant} statement of tests/${repo}_refactor/${test}. Get the whole benchmark with: ${REFACTORBENCH_CLONE}`);
      const id = basename(statementFile).replace(/-task\.txt$/, '');
      tasks.push({
        id: `refactorbench/${repo}/${id}`,
        suite: 'refactorbench',
        question: readFileSync(statementPath, 'utf8').trim(),
        context: { kind: 'workspace', path: repoDir },
        answer: `tests/${repo}_refactor/${test}`,
        scorer: 'exact',
        sizeTokens,
        benchmark: { kind: 'refactorbench', repo, repoDir, testFile: join(testDir, test), variant: options.variant },
      });
    }
  }
  if (tasks.length === 0) throw new TaskFileError(`${root} holds no RefactorBench tests under tests/<repo>_refactor/`);
  return tasks;
}

/** scripts/<variant>_mapping.py's `'../tests/...': '../problems/...'` pairs, relative to the clone's root. */
function readMapping(root: string, variant: RefactorVariant): Map<string, string> {
  const file = join(root, 'scripts', `${variant}_mapping.py`);
  const pairs = new Map<string, string>();
  if (!existsSync(file)) return pairs;
  for (const m of readFileSync(file, 'utf8').matchAll(/['"]\.\.\/(tests\/[^'"]+)['"]\s*:\s*['"]\.\.\/(problems\/[^'"]+)['"]/g)) pairs.set(m[1]!, m[2]!);
  return pairs;
}

/** Bytes of the files under a folder (the task's size, as a workspace's). */
function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isSymbolicLink() || entry.name === '.git') continue;
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? folderBytes(path) : entry.isFile() ? statSync(path).size : 0;
  }
  return total;
}
