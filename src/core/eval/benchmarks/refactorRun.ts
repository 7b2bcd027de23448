// One RefactorBench job. The task's repository is copied to a scratch folder (the user's clone is only read),
// the change is made there, and the task's tests judge the copy:
// - rlm: the refactor path of `rlm ask --max-depth 2 --apply`: the RLM proposes edits over the copy (child runs
//   for partitions, integration), and the engine's applyChanges writes them, refusing files left in conflict;
// - vanilla: one plain call given the statement and the files it names, answering with a patch that
//   `git apply --3way` applies to the copy (a git repository made for it).
// Score: the task's tests passed out of its tests, broken tests (the test's own fault) left out.

import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { applyChanges } from '../../edits/applyChanges';
import { conflictedPaths } from '../../edits/conflicts';
import { toPatch } from '../../edits/patch';
import { CHARS_PER_TOKEN, estimateTokens } from '../../models/usage';
import type { BenchmarkTask, EvalMode, EvalTask } from '../EvalTask';
import type { RefactorOutcome } from '../JobResult';
import { runRlm, runVanilla, type JobEnvironment, type Outcome } from '../runJob';
import { VANILLA_REPLY_TOKENS, type VanillaPrompt } from '../vanillaPrompt';
import { runTestFile, type TestFileRun } from './pythonTests';

type RefactorBenchTask = Extract<BenchmarkTask, { kind: 'refactorbench' }>;

/** `rlm ask`'s refactor mode: a root that may split the work into child runs over partitions. */
export const REFACTOR_MAX_DEPTH = 2;

export const REFACTOR_VANILLA_SYSTEM = 'You change a code repository as asked. You are given the request and the files it names. Reply with the whole change as one unified diff in git\'s format (paths a/... and b/... from the repository root, new files from /dev/null) in a single ```diff block.';

export interface RefactorRun {
  outcome: Outcome;
  refactor: RefactorOutcome;
  score: number;
}

export async function runRefactorTask(task: EvalTask, bench: RefactorBenchTask, mode: EvalMode, trial: number, dir: string, env: JobEnvironment): Promise<RefactorRun | undefined> {
  const scratch = await mkdtemp(join(tmpdir(), 'rlm-eval-refactor-'));
  const root = join(scratch, 'repo');
  try {
    await cp(bench.repoDir, root, { recursive: true, filter: (src) => !/[\\/]\.git$/.test(src) });
    const made = mode === 'rlm' ? await changeWithRlm(task, trial, dir, root, env) : await changeWithPatch(task, trial, dir, root, env);
    if (!made) return undefined;
    const tests = await runTestFile(bench.testFile, root, scratch, { signal: env.signal, timeoutMs: env.testTimeoutMs });
    if (env.signal.aborted) return undefined;
    const refactor = verdictOf(tests, made.applied);
    await writeFile(join(dir, `${mode}.${trial}.tests.json`), JSON.stringify({ ...tests, applied: made.applied }, null, 2) + '\n');
    return { outcome: made.outcome, refactor, score: refactor.tests > 0 ? refactor.passed / refactor.tests : 0 };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

interface Change {
  outcome: Outcome;
  applied: Pick<RefactorOutcome, 'applied' | 'filesTouched' | 'conflicts'>;
}

async function changeWithRlm(task: EvalTask, trial: number, dir: string, root: string, env: JobEnvironment): Promise<Change | undefined> {
  if (!env.scratchWorkspace) throw new Error('RefactorBench needs a workspace over each scratch copy, and this eval has no way to open one');
  const opened = await env.scratchWorkspace(root, env.signal);
  try {
    const limits = { ...env.limits, maxDepth: Math.max(env.limits.maxDepth ?? 0, REFACTOR_MAX_DEPTH) };
    const question = `${task.question}\n\nMake this change in the repository: propose every edit (propose_edit, propose_rename, propose_delete); nothing is written until you finish. Then answer with a one-line summary of what you changed.`;
    const outcome = await runRlm(task, trial, dir, env, { context: { kind: 'workspace', workspace: opened.workspace }, question, limits });
    if (!outcome) return undefined;
    const edits = outcome.edits;
    if (!edits || edits.changes.size === 0) return { outcome, applied: { applied: 'no edits were proposed', filesTouched: 0, conflicts: 0 } };
    await writeFile(join(dir, `rlm.${trial}.patch`), await toPatch(edits.changes));
    const open = edits.conflicts.filter((c) => !c.resolved);
    // As `rlm ask --apply`: a run cut short may have proposed half a change, so nothing is written.
    if (outcome.stopReason !== 'final') return { outcome, applied: { applied: `not applied: the run stopped before its final answer (${outcome.stopReason})`, filesTouched: 0, conflicts: open.length } };
    // Sensitive files are written too: the copy is thrown away and nothing in it is run (the tests only parse it).
    const report = await applyChanges(edits.changes, { root, refuse: conflictedPaths(open) });
    const written = report.applied.length + report.merged.length;
    const refused = report.refused.map((e) => `${e.path} (${e.message})`);
    return { outcome, applied: { applied: `applied ${written} file${written === 1 ? '' : 's'}${refused.length ? `; refused ${refused.join(', ')}` : ''}`, filesTouched: written, conflicts: open.length } };
  } finally {
    await opened.close();
  }
}

async function changeWithPatch(task: EvalTask, trial: number, dir: string, root: string, env: JobEnvironment): Promise<Change | undefined> {
  const files = await namedFiles(task.question, root);
  const window = env.models.root.contextWindow;
  const promptFor = (share: number) => refactorPrompt(task.question, files, window, share);
  const outcome = await runVanilla(task, trial, dir, env, promptFor);
  if (!outcome) return undefined;
  const patch = patchOf(outcome.answer);
  if (!patch) return { outcome, applied: { applied: 'no patch in the reply', filesTouched: 0, conflicts: 0 } };
  const patchFile = join(dir, `vanilla.${trial}.patch`);
  await writeFile(patchFile, patch);
  await git(root, 'init', '-q');
  await git(root, 'add', '-A');
  await git(root, 'commit', '-q', '--no-verify', '-m', 'base');
  let apply = await git(root, 'apply', '--3way', '--whitespace=nowarn', patchFile).catch((err: Error) => err);
  // Models often write paths without git's a/ and b/ prefixes: then the patch applies with -p0.
  if (apply instanceof Error && !/^(---|\+\+\+) (a|b)\//m.test(patch)) apply = await git(root, 'apply', '--3way', '-p0', '--whitespace=nowarn', patchFile).catch((err: Error) => err);
  const status = String(await git(root, 'status', '--porcelain', '-uall')).split('\n').filter(Boolean);
  const touched = status.filter((l) => !l.slice(3).startsWith('.rlm-eval-tests-'));
  const conflicts = touched.filter((l) => /^(U.|.U|AA|DD)/.test(l)).length;
  // git apply --3way exits 1 when it left conflicts: the patch did apply, with markers in those files.
  const how = apply instanceof Error && conflicts === 0 ? `git apply --3way failed: ${apply.message.split('\n').find((l) => /error|fatal/i.test(l)) ?? apply.message.split('\n')[0]}` : `git apply --3way: ${touched.length} file${touched.length === 1 ? '' : 's'}${conflicts ? `, ${conflicts} with conflicts` : ''}`;
  return { outcome, applied: { applied: how, filesTouched: touched.length, conflicts } };
}

/** The plain model's prompt: the statement and the files it names, whole, as many as fit the window. */
export function refactorPrompt(statement: string, files: Array<{ path: string; text: string }>, contextWindow: number, share: number): VanillaPrompt {
  const budget = Math.max(0, Math.floor((contextWindow * share - VANILLA_REPLY_TOKENS - estimateTokens(REFACTOR_VANILLA_SYSTEM) - estimateTokens(statement) - 64) * CHARS_PER_TOKEN));
  const kept: string[] = [];
  let used = 0;
  let left = 0;
  for (const file of files) {
    const part = `==> ${file.path} <==\n${file.text}${file.text.endsWith('\n') ? '' : '\n'}`;
    if (used + part.length > budget) { left += part.length; continue; }
    kept.push(part);
    used += part.length;
  }
  const body = files.length === 0 ? '(The request names no file of the repository.)' : kept.join('\n') + (left > 0 ? '\n(Some named files did not fit the window and are left out.)' : '');
  return {
    messages: [
      { role: 'system', content: REFACTOR_VANILLA_SYSTEM },
      { role: 'user', content: `Files of the repository:\n\n${body}\n\nRequest: ${statement}` },
    ],
    ...(left > 0 ? { cut: { how: 'files' as const, contextChars: used + left, keptChars: used, cutChars: left, contextWindow } } : {}),
  };
}

/** The repository's files whose path, or name, the statement mentions (`helpers.py`, `sansio/app.py`). */
export async function namedFiles(statement: string, root: string): Promise<Array<{ path: string; text: string }>> {
  const mentioned = [...new Set([...statement.matchAll(/[\w./-]*\w\.(?:py|pyi|cfg|toml|ini|txt|rst|md|json|yaml|yml)\b/g)].map((m) => m[0].replace(/^\.?\//, '')))];
  if (mentioned.length === 0) return [];
  const all = await listFiles(root);
  const paths = all.filter((p) => mentioned.some((m) => p === m || p.endsWith('/' + m)));
  return Promise.all(paths.sort().map(async (path) => ({ path, text: await readFile(join(root, path), 'utf8') })));
}

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(root, join(e.parentPath, e.name)).split('\\').join('/')).filter((p) => !p.startsWith('.git/'));
}

/** The patch in a reply: the first ```diff (or ```patch) block, else a reply that is a diff itself. */
export function patchOf(reply: string): string | undefined {
  const fenced = /```(?:diff|patch)[^\n]*\n([\s\S]*?)```/.exec(reply) ?? /```[^\n]*\n((?:diff --git|--- )[\s\S]*?)```/.exec(reply);
  const text = fenced ? fenced[1]! : /^(diff --git|--- )/m.test(reply) ? reply.slice(reply.search(/^(diff --git|--- )/m)) : undefined;
  if (!text || !/^@@ /m.test(text) && !/^(new|deleted) file mode/m.test(text) && !/^rename from/m.test(text)) return undefined;
  return text.endsWith('\n') ? text : text + '\n';
}

function verdictOf(run: TestFileRun, applied: Change['applied']): RefactorOutcome {
  const counted = run.results.filter((r) => r.outcome !== 'skip' && !r.broken);
  const failed = counted.filter((r) => r.outcome !== 'pass').map((r) => ({ test: r.test, why: r.why ?? r.outcome }));
  const broken = run.results.filter((r) => r.broken).map((r) => ({ test: r.test, why: r.why ?? 'error' }));
  return {
    tests: counted.length,
    passed: counted.length - failed.length,
    failed,
    broken,
    ...applied,
    ...(run.timedOut ? { timedOut: true } : {}),
  };
}

/** git in the scratch copy, with no user or system settings (hooks, signing) and a fixed identity. */
function git(cwd: string, ...args: string[]): Promise<string> {
  const env = { PATH: process.env.PATH ?? '', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', HOME: cwd, GIT_AUTHOR_NAME: 'rlm eval', GIT_AUTHOR_EMAIL: 'eval@rlm.invalid', GIT_COMMITTER_NAME: 'rlm eval', GIT_COMMITTER_EMAIL: 'eval@rlm.invalid' };
  return new Promise((resolve, reject) => {
    execFile('git', ['-c', 'core.hooksPath=/dev/null', '-c', 'commit.gpgsign=false', ...args], { cwd, env, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${String(stderr).trim() || err.message}`));
      else resolve(String(stdout));
    });
  });
}
