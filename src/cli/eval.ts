// `rlm eval`: the RLM against the plain model on long-context tasks, on the user's own endpoint. Builds the
// tasks (built-in suites, a file, or a published benchmark from the user's copy of its data), prints the plan and
// a cost estimate, runs the jobs with progress on stderr, and writes the report (Markdown, JSON, SVG) beside
// every answer and trace under --out.

import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pythonVersion, PythonMissing } from '../core/eval/benchmarks/pythonTests';
import { refactorBenchTasks } from '../core/eval/benchmarks/refactorBench';
import { repoQaTasks } from '../core/eval/benchmarks/repoQa';
import { sweQaTasks } from '../core/eval/benchmarks/sweQa';
import type { EvalTask } from '../core/eval/EvalTask';
import type { ScratchWorkspace } from '../core/eval/runJob';
import { estimateCost, type CostEstimate } from '../core/eval/estimate';
import type { JobResult } from '../core/eval/JobResult';
import { buildReport, reportMarkdown } from '../core/eval/report';
import { readResults } from '../core/eval/ResultsLog';
import { checkResumable, jobsToDo, RESULTS_FILE, runEval } from '../core/eval/runEval';
import { textSuiteTasks } from '../core/eval/suites';
import { needleCodeTasks } from '../core/eval/suites/needleCode';
import { loadTaskFile } from '../core/eval/taskFile';
import { writeReport } from '../core/eval/writeReport';
import { CHARS_PER_TOKEN } from '../core/models/usage';
import { formatCost, formatUsd } from '../core/models/costText';
import type { CodeWorkspace } from '../core/workspace/CodeWorkspace';
import { UsageError, type EvalArgs } from './args';
import { EXIT, type CliIO } from './ask';
import { limitsFrom, modelsFromFlags } from './modelSetup';
import { closeWorkspace, openWorkspace } from './workspaceSetup';

const usd = formatUsd;

export async function runEvalCommand(args: EvalArgs, io: CliIO): Promise<number> {
  const workspaces = new Map<string, Promise<CodeWorkspace>>();
  const workspaceAt = (path: string) => {
    const key = resolve(path);
    let open = workspaces.get(key);
    if (!open) workspaces.set(key, (open = openWorkspace(key, args, io.env, { signal: io.signal })));
    return open;
  };
  // A job's own scratch copy (RefactorBench): opened with the same excludes, no symbol cache kept for it.
  const scratchWorkspace = async (path: string, signal: AbortSignal): Promise<ScratchWorkspace> => {
    const workspace = await openWorkspace(path, args, io.env, { signal, noSymbolCache: true });
    return { workspace, close: () => closeWorkspace(workspace) };
  };
  const cleanups: Array<() => void> = [];
  try {
    const tasks = await buildTasks(args, workspaceAt, io, cleanups);
    const { models, prices, secrets } = await modelsFromFlags(args, io);
    const judge = args.benchmark === 'swe-qa' && args.judgeModel ? await models.byName(args.judgeModel) : undefined;
    const outDir = resolve(args.out);
    const { results: previous } = readResults(join(outDir, RESULTS_FILE));
    checkResumable(outDir, previous, args.resume);
    const todo = jobsToDo(tasks, args.modes, args.trials, args.resume ? previous : []);
    const estimate = estimateCost({
      jobs: todo,
      root: models.root,
      sub: models.sub,
      costOf: (model, usage) => prices.costUsd(model, usage),
      maxIterations: args.maxIterations,
      known: (model) => prices.lookup(model).known,
      judge,
    });
    const say = (line: string) => { if (!args.quiet) io.stderr.write(line + '\n'); };
    say(planLine(args, tasks, todo.length, estimate));
    for (const assumption of estimate.assumptions) say(`  assumed: ${assumption}`);
    if (args.maxCostUsd !== undefined && estimate.usd > args.maxCostUsd) say(`  The estimate is over --max-cost ${usd(args.maxCostUsd)}: the eval will stop there (--resume continues later).`);
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'plan.json'), JSON.stringify({
      createdAt: new Date().toISOString(), suites: args.benchmark ? [args.benchmark] : args.suites, tasksFile: args.tasksFile ?? null,
      ...(args.benchmark ? { benchmark: { name: args.benchmark, data: resolve(args.data!), repos: args.repos ? resolve(args.repos) : null, variant: args.benchmark === 'refactorbench' ? args.variant : null, only: args.only ?? null, judge: args.benchmark === 'swe-qa' ? (judge ?? models.root).name : null, ignoreComments: args.benchmark === 'repoqa' ? args.ignoreComments : null } } : {}), sizes: args.sizes.map((s) => s.label),
      seed: args.seed, perSize: args.perSize, modes: args.modes, trials: args.trials, models: { root: models.root.name, sub: models.sub.name },
      tasks: tasks.map((t) => ({ id: t.id, suite: t.suite, sizeTokens: t.sizeTokens, question: t.question, answer: t.answer, scorer: t.scorer })),
      estimate,
    }, null, 2) + '\n');

    const outcome = await runEval(tasks, {
      models, costOf: (model, usage) => prices.costUsd(model, usage), limits: limitsFrom(args), secrets, outDir,
      workspaces: workspaceAt, scratchWorkspace, ...(judge ? { judge } : {}), modes: args.modes, trials: args.trials, concurrency: args.concurrency, maxCostUsd: args.maxCostUsd,
      resume: args.resume, signal: io.signal, onResult: (r, done, total) => say(progressLine(r, done, total)),
    });
    const report = buildReport(outcome.results, { estimate, note: args.label });
    const files = writeReport(outDir, report);
    const stopped = outcome.stopped === 'max_cost'
      ? `Stopped at --max-cost ${usd(args.maxCostUsd!)} (spent ${usd(outcome.spentUsd)}): ${outcome.ran} of ${outcome.planned} jobs done. Run again with --resume (and a higher --max-cost) to finish.`
      : outcome.stopped === 'cancelled' ? `Cancelled: ${outcome.ran} of ${outcome.planned} jobs done. Run again with --resume to finish.` : undefined;
    if (args.json) {
      io.stdout.write(JSON.stringify({ out: outDir, ran: outcome.ran, skipped: outcome.skipped, planned: outcome.planned, stopped: outcome.stopped ?? null, spentUsd: outcome.spentUsd, estimate, report }) + '\n');
    } else {
      io.stdout.write(reportMarkdown(report));
    }
    if (outcome.repairedChars > 0) say(`(The results log ended in a partial line from an interrupted run: ${outcome.repairedChars} characters cut off; that job was done again.)`);
    if (outcome.skipped > 0) say(`${outcome.skipped} jobs were done already (--resume).`);
    say(`This run: ${outcome.ran} jobs, ${usd(outcome.spentUsd)} (estimated ${usd(estimate.usd)}). Report: ${files.join(', ')}; answers and traces under ${join(outDir, 'tasks')}.`);
    if (stopped) {
      io.stderr.write(stopped + '\n');
      return EXIT.stopped;
    }
    return EXIT.final;
  } finally {
    await Promise.all([...workspaces.values()].map(async (open) => closeWorkspace(await open).catch(() => undefined)));
    for (const cleanup of cleanups) cleanup();
  }
}

async function buildTasks(args: EvalArgs, workspaceAt: (path: string) => Promise<CodeWorkspace>, io: CliIO, cleanups: Array<() => void>): Promise<EvalTask[]> {
  if (args.benchmark) return benchmarkTasks(args, workspaceAt, io, cleanups);
  if (args.tasksFile) {
    const tasks = loadTaskFile(args.tasksFile, { domain: args.domain });
    for (const task of tasks) {
      if (task.context.kind === 'workspace') task.sizeTokens = Math.ceil((await workspaceAt(task.context.path)).summary().bytes / CHARS_PER_TOKEN);
    }
    return tasks;
  }
  const tasks: EvalTask[] = [];
  for (const suite of args.suites) {
    if (suite !== 'needle-code') {
      tasks.push(...textSuiteTasks(suite, args.sizes, args.seed, args.perSize));
      continue;
    }
    if (!args.quiet) io.stderr.write(`needle-code: indexing ${resolve(args.workspace)} for questions...\n`);
    const workspace = await workspaceAt(args.workspace);
    tasks.push(...await needleCodeTasks(workspace, { seed: args.seed, count: args.perSize, name: basename(resolve(args.workspace)), path: resolve(args.workspace), signal: io.signal }));
  }
  return tasks;
}

async function benchmarkTasks(args: EvalArgs, workspaceAt: (path: string) => Promise<CodeWorkspace>, io: CliIO, cleanups: Array<() => void>): Promise<EvalTask[]> {
  const say = (line: string) => { if (!args.quiet) io.stderr.write(line + '\n'); };
  switch (args.benchmark!) {
    case 'refactorbench': {
      const tasks = refactorBenchTasks(args.data!, { variant: args.variant, only: args.only });
      // Every task ends in its tests: without python3 nothing could be scored, so say so before spending.
      try {
        say(`refactorbench: ${tasks.length} tasks (${args.variant} statements); the tests run with python3 ${await pythonVersion(undefined, io.env)}`);
      } catch (err) {
        if (err instanceof PythonMissing) throw new UsageError(err.message);
        throw err;
      }
      return tasks;
    }
    case 'swe-qa': {
      const tasks = await sweQaTasks(args.data!, { reposDir: args.repos!, only: args.only });
      for (const task of tasks) {
        if (task.context.kind === 'workspace') task.sizeTokens = Math.ceil((await workspaceAt(task.context.path)).summary().bytes / CHARS_PER_TOKEN);
      }
      say(`swe-qa: ${tasks.length} questions over ${new Set(tasks.map((t) => t.context.kind === 'workspace' ? t.context.path : '')).size} repositories`);
      return tasks;
    }
    case 'repoqa': {
      const data = await repoQaTasks(args.data!, { only: args.only, ignoreComments: args.ignoreComments });
      cleanups.push(data.dispose);
      say(`repoqa: ${data.tasks.length} needles; each repository's content written under ${data.scratch} (removed at the end); functions compared ${args.ignoreComments ? 'with their comments removed (--ignore-comments)' : 'with their comments, as RepoQA\'s default'}`);
      return data.tasks;
    }
  }
}

function planLine(args: EvalArgs, tasks: EvalTask[], todo: number, estimate: CostEstimate): string {
  const all = tasks.length * args.modes.length * args.trials;
  const modes = Object.entries(estimate.byMode).map(([mode, m]) => `${mode} ${m.calls} calls ${usd(m.usd)}`).join(', ');
  return `Plan: ${tasks.length} tasks x ${args.modes.length} mode${args.modes.length > 1 ? 's' : ''} x ${args.trials} trial${args.trials > 1 ? 's' : ''} = ${all} jobs` +
    `${todo < all ? ` (${all - todo} done already, ${todo} to do)` : ''}; about ${estimate.calls} model calls, estimated ${usd(estimate.usd)} (${modes})` +
    `${estimate.priced ? '' : '; a model has no known price, so its calls are not counted in dollars and --max-cost cannot stop them (give --prices FILE)'}.`;
}

function progressLine(r: JobResult, done: number, total: number): string {
  const cut = r.cut ? ` · context cut to ${Math.round((r.cut.keptChars / r.cut.contextChars) * 100)}%` : '';
  return `[${done}/${total}] ${r.taskId} ${r.mode}${r.trial > 1 ? ` #${r.trial}` : ''}: score ${r.score.toFixed(2)} · ${r.stopReason} · ${formatCost(r.usage.total.costUsd, r.usage.total.unpriced)} · ${(r.durationMs / 1000).toFixed(1)}s${cut}`;
}
