// SWE-QA (peng-weihan/SWE-QA-Bench) as `rlm eval` tasks: Benchmark/<repo>.jsonl holds {"question", "answer"}
// lines (48 per repository, 720 in all), repo_commit.txt pins each repository (`<url> <commit>` lines), and the
// repositories are clones the user made (the benchmark's clone_repos.sh puts them in datas/repos/<name>). The
// RLM only reads a clone. Scored by a judge model (judge.ts).

import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EvalTask } from '../EvalTask';
import { TaskFileError } from '../TaskFileError';

export const SWEQA_CLONE = 'git clone https://github.com/peng-weihan/SWE-QA-Bench && cd SWE-QA-Bench && git checkout d7bf283d65f4bbdc86ead92fc130eee4986355f0 && ./clone_repos.sh';

export interface SweQaOptions {
  /** The folder holding one clone per repository (<repos>/<name>). */
  reposDir: string;
  only?: string[];
}

export async function sweQaTasks(dataDir: string, options: SweQaOptions): Promise<EvalTask[]> {
  const root = resolve(dataDir);
  const bench = join(root, 'Benchmark');
  if (!existsSync(bench)) throw new TaskFileError(`${root} is not a SWE-QA-Bench clone: Benchmark/ (the questions, <repo>.jsonl) is missing. Get it with: ${SWEQA_CLONE}`);
  const commitsFile = join(root, 'repo_commit.txt');
  if (!existsSync(commitsFile)) throw new TaskFileError(`${commitsFile} is missing: it pins each repository to a commit. Get it with: ${SWEQA_CLONE}`);
  const pins = readPins(readFileSync(commitsFile, 'utf8'));
  const repos = readdirSync(bench).filter((f) => f.endsWith('.jsonl')).map((f) => f.replace(/\.jsonl$/, '')).sort();
  const unknown = (options.only ?? []).filter((r) => !repos.includes(r));
  if (unknown.length > 0) throw new TaskFileError(`--only ${unknown.join(',')}: SWE-QA has no such repository; it has ${repos.join(', ')}`);
  const wanted = options.only?.length ? repos.filter((r) => options.only!.includes(r)) : repos;
  const reposDir = resolve(options.reposDir);
  const tasks: EvalTask[] = [];
  for (const repo of wanted) {
    const pin = pins.get(repo);
    if (!pin) throw new TaskFileError(`${commitsFile} pins no commit for ${repo}`);
    const clone = join(reposDir, repo);
    const getIt = `git clone ${pin.url} ${clone} && git -C ${clone} checkout ${pin.commit}`;
    if (!existsSync(clone)) throw new TaskFileError(`${clone} is missing: the ${repo} questions are about it. Get it with: ${getIt} (or run the benchmark's ./clone_repos.sh and give --repos SWE-QA-Bench/datas/repos)`);
    const head = await headOf(clone);
    if (head !== undefined && !head.startsWith(pin.commit)) throw new TaskFileError(`${clone} is at ${head.slice(0, 12)}, not at the pinned commit ${pin.commit}: the reference answers describe that commit. Run: git -C ${clone} checkout ${pin.commit}`);
    readFileSync(join(bench, `${repo}.jsonl`), 'utf8').split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      let qa: { question?: unknown; answer?: unknown };
      try {
        qa = JSON.parse(line) as typeof qa;
      } catch {
        throw new TaskFileError(`Benchmark/${repo}.jsonl line ${i + 1} is not valid JSON`);
      }
      if (typeof qa.question !== 'string' || typeof qa.answer !== 'string') throw new TaskFileError(`Benchmark/${repo}.jsonl line ${i + 1} has no "question" and "answer" strings`);
      tasks.push({
        id: `swe-qa/${repo}/${i + 1}`, suite: 'swe-qa', question: qa.question, context: { kind: 'workspace', path: clone },
        answer: qa.answer, scorer: 'exact', sizeTokens: -1, benchmark: { kind: 'swe-qa', repo },
      });
    });
  }
  if (tasks.length === 0) throw new TaskFileError(`${bench} holds no questions`);
  return tasks;
}

/** repo_commit.txt: `<url> <commit>` per line; the repository's name is the URL's last part. */
function readPins(text: string): Map<string, { url: string; commit: string }> {
  const pins = new Map<string, { url: string; commit: string }>();
  for (const line of text.split('\n')) {
    const [url, commit] = line.trim().split(/\s+/);
    if (!url || !commit) continue;
    pins.set(url.replace(/\.git$/, '').split('/').pop()!, { url, commit });
  }
  return pins;
}

/** The clone's HEAD commit, or undefined when it is not a git repository (an unpacked archive: not checked). */
function headOf(dir: string): Promise<string | undefined> {
  if (!existsSync(join(dir, '.git'))) return Promise.resolve(undefined);
  return new Promise((done) => {
    execFile('git', ['-C', dir, 'rev-parse', 'HEAD'], { timeout: 10_000 }, (err, stdout) => done(err ? undefined : String(stdout).trim()));
  });
}
