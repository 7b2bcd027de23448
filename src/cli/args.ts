// The CLI's flags, parsed strictly: an unknown flag or a bad number is a usage error (exit 2) with one line
// that names the problem.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EVAL_MODES, REFACTOR_VARIANTS, type EvalMode, type RefactorVariant } from '../core/eval/EvalTask';
import { BENCHMARK_NAMES, isBenchmarkName, type BenchmarkName } from '../core/eval/benchmarks';
import { DEFAULT_SIZES, parseSizes, type ContextSize } from '../core/eval/suites/contextSizes';
import { isSuiteName, SUITE_NAMES, type SuiteName } from '../core/eval/suites';
import { EXPORT_FORMATS, type ExportFormat } from '../core/export/exampleFormats';
import { REASONING_EFFORTS, type ReasoningEffort } from '../core/models/types';
import type { StopReason } from '../core/trajectory/events';

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Which models answer, and where: the same flags for every command that calls models. */
export interface ModelFlags {
  provider: 'openai' | 'anthropic';
  baseUrl?: string;
  model?: string;
  subModel?: string;
  /** Cap on requests in flight at once on the endpoint, across root and sub-calls; absent: no cap. */
  endpointConcurrency?: number;
  prices?: string;
  /** Reply caps (thinking included) and reasoning effort, for the root model and for sub-calls. */
  maxOutputTokens?: number;
  subMaxOutputTokens?: number;
  reasoningEffort?: ReasoningEffort;
  subReasoningEffort?: ReasoningEffort;
  /** The root model's window in tokens (also the sub-model's when it is the same model). */
  contextWindow?: number;
  /** The sub-model's window in tokens: child runs (rlm_query) compact their history to it. */
  subContextWindow?: number;
}

/** The budgets of one run (one question), child runs included. */
export interface RunBudgetFlags {
  maxDepth?: number;
  maxIterations?: number;
  maxSubCalls?: number;
  maxTokens?: number;
  /** Requests to models without a known price (0: no cap); absent: DEFAULT_MAX_REQUESTS. */
  maxRequests?: number;
  cellTimeoutMs?: number;
  timeoutMs?: number;
}

/** What may be sent from a workspace folder. */
export interface WorkspaceFlags {
  exclude: string[];
  /** Folders (globs) to index only, see IncludeRules; empty: the whole folder. */
  include: string[];
  /** Credential files to let through (gitignore-style globs), see credentialFiles.ts. */
  allowCredentialFiles: string[];
}

export interface AskArgs extends ModelFlags, RunBudgetFlags, WorkspaceFlags {
  command: 'ask';
  question: string;
  workspace?: string;
  contextFile?: string;
  concurrency?: number;
  maxCostUsd?: number;
  trace?: string;
  json: boolean;
  quiet: boolean;
  /** Write the proposed change set as a unified diff that `git apply` accepts. */
  patch?: string;
  /** Write the proposed changes to disk (files changed since the run read them are merged or refused). */
  apply: boolean;
  /** The user's command that checks the applied change (run in the workspace after --apply). */
  validate?: string;
  /** Let --apply write sensitive files (see core/edits/sensitive.ts); without it they are refused. */
  allowSensitive: boolean;
  /** More sensitive paths (gitignore-style globs) on top of the built-in list. */
  sensitivePaths: string[];
  /** Write the refactor summary (Markdown, ending with its receipt). */
  summary?: string;
  /** Send every sub-call instead of reusing answers from the cache (RLM_CACHE_DIR). */
  noCache: boolean;
  /** Which model writes the summary when the root history is compacted. */
  compactWith?: 'root' | 'sub';
}

export interface EvalArgs extends ModelFlags, RunBudgetFlags, WorkspaceFlags {
  command: 'eval';
  suites: SuiteName[];
  tasksFile?: string;
  /** LongBench-v2 only: the domain to keep ("codeqa" for Code Repository Understanding). */
  domain?: string;
  modes: EvalMode[];
  sizes: ContextSize[];
  trials: number;
  /** Tasks per suite and size (needle-code: questions about the workspace). */
  perSize: number;
  seed: number;
  /** needle-code's workspace (default: the current folder). */
  workspace: string;
  /** Jobs at once. */
  concurrency: number;
  /** USD this command may spend. */
  maxCostUsd?: number;
  out: string;
  resume: boolean;
  /** A line shown under the report's title (which endpoint, which machine). */
  label?: string;
  json: boolean;
  quiet: boolean;
  /** A published benchmark run from the user's copy of its data (then `suites` is empty). */
  benchmark?: BenchmarkName;
  /** The benchmark's data: RefactorBench's or SWE-QA-Bench's clone, RepoQA's .json.gz. */
  data?: string;
  /** SWE-QA: the folder of the repositories' clones. */
  repos?: string;
  /** RefactorBench: which statements. */
  variant: RefactorVariant;
  /** Repositories to keep. */
  only?: string[];
  /** SWE-QA's judge (default: the root model). */
  judgeModel?: string;
  /** RepoQA: compare functions with their comments removed (its --eval-ignore-comments; default: kept, as RepoQA). */
  ignoreComments: boolean;
}

export interface ExportArgs {
  command: 'export';
  inputs: string[];
  format: ExportFormat;
  stopReasons?: StopReason[];
  maxCostUsd?: number;
  includeSubcalls: boolean;
  out: string;
  json: boolean;
}

/** `rlm mcp`: RLM as an MCP server over stdio, for another agent (Claude Code, Cursor, Codex, Cline, VS Code). */
export interface McpArgs extends ModelFlags, RunBudgetFlags, WorkspaceFlags {
  command: 'mcp';
  workspace: string;
  concurrency?: number;
  maxCostUsd?: number;
  /** More sensitive paths (gitignore-style globs), flagged in proposed changes. */
  sensitivePaths: string[];
  /** Where each call's trace is written (replay_trace reads traces there); absent: none is written. */
  traceDir?: string;
}

export interface ReplayArgs {
  command: 'replay';
  trace: string;
  json: boolean;
}

export type CliArgs = AskArgs | ReplayArgs | EvalArgs | ExportArgs | McpArgs | { command: 'help' } | { command: 'version' };

export const USAGE = `Usage:
  rlm ask "<question>" (--workspace DIR | --context-file FILE)
      [--provider openai|anthropic] [--base-url URL] [--model NAME] [--sub-model NAME]
      [--max-depth N] [--max-iterations N] [--max-sub-calls N] [--max-tokens N] [--concurrency N]
      [--endpoint-concurrency N] [--cell-timeout SECONDS] [--timeout SECONDS] [--max-cost USD] [--max-requests N]
      [--trace FILE] [--json]
      [--prices FILE] [--exclude GLOB]... [--include FOLDER]... [--allow-credential-file GLOB]... [--quiet]
      [--max-output-tokens N] [--sub-max-output-tokens N] [--reasoning-effort minimal|low|medium|high]
      [--sub-reasoning-effort minimal|low|medium|high] [--context-window N] [--sub-context-window N]
      [--patch FILE] [--apply [--validate "CMD"] [--allow-sensitive]] [--sensitive-path GLOB]... [--summary FILE]
      [--no-cache] [--compact-with root|sub]
  rlm replay <trace.jsonl> [--json]
  rlm mcp --workspace DIR [--trace-dir DIR] [--sensitive-path GLOB]... [model flags, run budgets, --max-cost and
      workspace flags as in ask]   (an MCP server on stdin/stdout: ask_codebase, propose_refactor, replay_trace;
      each limit a flag leaves unset may come from RLM_ and its name: RLM_MAX_COST, RLM_MAX_ITERATIONS...)
  rlm eval (--suite NAME[,NAME] | --tasks FILE) [--modes rlm,vanilla] [--sizes 8k,32k,128k,512k,2m]
      [--trials N] [--per-size N] [--seed N] [--workspace DIR] [--domain NAME] [--concurrency N] [--max-cost USD]
      [--out DIR] [--resume] [--label TEXT] [--json] [--quiet] [model flags and run budgets as in ask]
  rlm eval --suite refactorbench --data DIR [--variant base|lazy|descriptive] [--only REPO[,REPO]] [eval flags]
  rlm eval --suite swe-qa --data DIR --repos DIR [--judge-model NAME] [--only REPO[,REPO]] [eval flags]
  rlm eval --suite repoqa --data FILE.json.gz [--ignore-comments] [--only REPO[,REPO]] [eval flags]
  rlm export <trace.jsonl|DIR>... --format openai-chat|sharegpt --out FILE.jsonl [--only final]
      [--max-cost USD] [--include-subcalls] [--json]

Keys come from OPENAI_API_KEY / ANTHROPIC_API_KEY; a local server given by --base-url (or RLM_API_URL)
needs none. A model with no known price (not in the built-in table, not priced by the server's model list,
not in --prices) shows its cost as unknown: --max-cost cannot see it, and --max-requests (default 300, 0 for
none) caps the requests sent to it per question. --model auto picks the first model the server lists. With neither a key nor a URL, a local
OpenAI-compatible server on its usual port (Ollama 11434, LM Studio 1234, llama.cpp 8080) is used. Credential files (.env, keys, tokens:
see the README) are never sent; --allow-credential-file GLOB lets matching ones through.
The model never writes files: it proposes edits. --patch FILE saves them as a diff for \`git apply\`, --apply
writes them (a file changed since the run read it is merged when that is clean, else refused; so are files with
an unresolved conflict, and sensitive files such as .vscode/, .github/, scripts, Makefiles, package.json scripts
and .env unless --allow-sensitive), --validate "CMD" runs your check afterwards (not after a refusal, nor when a
sensitive file or a file the command names was written), --summary FILE writes a Markdown report with a receipt.
--sensitive-path GLOB (repeatable, gitignore syntax) adds to the sensitive list.
Exit codes: 0 final answer, 3 stopped by a limit or Ctrl-C (best answer printed), or --apply refused a file,
or --validate failed or did not run; 2 bad usage or configuration, 1 the run failed.
eval suites: ${SUITE_NAMES.join(', ')}; published benchmarks: ${BENCHMARK_NAMES.join(', ')}; in eval, --concurrency is jobs at once and --max-cost the cap on
the whole eval (exit 3 when reached; --resume continues). See docs/eval.md.`;

const MODEL_OPTIONS = {
  provider: { type: 'string' },
  'base-url': { type: 'string' },
  model: { type: 'string' },
  'sub-model': { type: 'string' },
  'endpoint-concurrency': { type: 'string' },
  prices: { type: 'string' },
  'max-output-tokens': { type: 'string' },
  'sub-max-output-tokens': { type: 'string' },
  'reasoning-effort': { type: 'string' },
  'sub-reasoning-effort': { type: 'string' },
  'context-window': { type: 'string' },
  'sub-context-window': { type: 'string' },
} as const;

const RUN_BUDGET_OPTIONS = {
  'max-depth': { type: 'string' },
  'max-iterations': { type: 'string' },
  'max-sub-calls': { type: 'string' },
  'max-tokens': { type: 'string' },
  'max-requests': { type: 'string' },
  'cell-timeout': { type: 'string' },
  timeout: { type: 'string' },
} as const;

const WORKSPACE_OPTIONS = {
  exclude: { type: 'string', multiple: true },
  include: { type: 'string', multiple: true },
  'allow-credential-file': { type: 'string', multiple: true },
} as const;

const ASK_OPTIONS = {
  ...MODEL_OPTIONS,
  ...RUN_BUDGET_OPTIONS,
  ...WORKSPACE_OPTIONS,
  workspace: { type: 'string' },
  'context-file': { type: 'string' },
  concurrency: { type: 'string' },
  'max-cost': { type: 'string' },
  trace: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  patch: { type: 'string' },
  apply: { type: 'boolean' },
  validate: { type: 'string' },
  'allow-sensitive': { type: 'boolean' },
  'sensitive-path': { type: 'string', multiple: true },
  summary: { type: 'string' },
  'no-cache': { type: 'boolean' },
  'compact-with': { type: 'string' },
} as const;

const EVAL_OPTIONS = {
  ...MODEL_OPTIONS,
  ...RUN_BUDGET_OPTIONS,
  ...WORKSPACE_OPTIONS,
  suite: { type: 'string' },
  tasks: { type: 'string' },
  domain: { type: 'string' },
  modes: { type: 'string' },
  sizes: { type: 'string' },
  trials: { type: 'string' },
  'per-size': { type: 'string' },
  seed: { type: 'string' },
  workspace: { type: 'string' },
  concurrency: { type: 'string' },
  'max-cost': { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'boolean' },
  label: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  data: { type: 'string' },
  repos: { type: 'string' },
  variant: { type: 'string' },
  only: { type: 'string' },
  'judge-model': { type: 'string' },
  'ignore-comments': { type: 'boolean' },
} as const;

const MCP_OPTIONS = {
  ...MODEL_OPTIONS,
  ...RUN_BUDGET_OPTIONS,
  ...WORKSPACE_OPTIONS,
  workspace: { type: 'string' },
  concurrency: { type: 'string' },
  'max-cost': { type: 'string' },
  'sensitive-path': { type: 'string', multiple: true },
  'trace-dir': { type: 'string' },
} as const;

const EXPORT_OPTIONS = {
  format: { type: 'string' },
  only: { type: 'string' },
  'max-cost': { type: 'string' },
  'include-subcalls': { type: 'boolean' },
  out: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Where eval writes when --out is not given: a fixed name, so `--resume` finds it again. */
export const DEFAULT_EVAL_OUT = 'rlm-eval';
const STOP_REASONS: readonly StopReason[] = ['final', 'max_iterations', 'max_sub_calls', 'max_tokens', 'max_cost', 'max_requests', 'timeout', 'cancelled', 'error'];

export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): CliArgs {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') return { command: 'help' };
  if (command === '--version' || command === '-v') return { command: 'version' };
  if (command === 'ask') return parseAsk(rest, env);
  if (command === 'replay') return parseReplay(rest);
  if (command === 'eval') return parseEval(rest, env);
  if (command === 'export') return parseExport(rest);
  if (command === 'mcp') return parseMcp(rest, env);
  throw new UsageError(`Unknown command '${command}': use 'rlm ask', 'rlm replay', 'rlm eval', 'rlm export' or 'rlm mcp' (rlm --help)`);
}

function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    // Node's messages are good ("Unknown option '--foo'"); drop its hint about '--' which does not apply.
    throw new UsageError(String((err as Error).message).replace(/\. To specify a positional.*$/s, '') + ' (rlm --help)');
  }
}

function parseAsk(args: string[], env: NodeJS.ProcessEnv): AskArgs {
  const { values: v, positionals } = parse(args, ASK_OPTIONS);
  if (positionals.length !== 1 || positionals[0]!.trim() === '') {
    throw new UsageError(positionals.length === 0 ? 'Missing the question: rlm ask "<question>" --workspace DIR' : `Expected one question, got ${positionals.length} arguments: quote the question`);
  }
  if (!v.workspace === !v['context-file']) {
    throw new UsageError('Give exactly one of --workspace DIR or --context-file FILE');
  }
  if (v.validate !== undefined && !v.apply) {
    throw new UsageError('--validate runs after the changes are written: add --apply (or check the --patch yourself)');
  }
  if (v.validate !== undefined && v.validate.trim() === '') throw new UsageError('--validate needs a command, e.g. --validate "npm test"');
  if (v['allow-sensitive'] && !v.apply) throw new UsageError('--allow-sensitive lets --apply write sensitive files: add --apply');
  if ((v.patch !== undefined || v.apply || v.summary !== undefined) && !v.workspace) {
    throw new UsageError('--patch, --apply and --summary need --workspace DIR: edits are proposed to a workspace\'s files');
  }
  return {
    command: 'ask',
    question: positionals[0]!,
    workspace: v.workspace,
    contextFile: v['context-file'],
    ...modelFlags(v, env),
    ...runBudgetFlags(v),
    ...workspaceFlags(v),
    concurrency: int(v.concurrency, '--concurrency', 1),
    maxCostUsd: positive(v['max-cost'], '--max-cost'),
    trace: v.trace,
    json: v.json ?? false,
    quiet: v.quiet ?? false,
    patch: v.patch,
    apply: v.apply ?? false,
    validate: v.validate,
    allowSensitive: v['allow-sensitive'] ?? false,
    sensitivePaths: v['sensitive-path'] ?? [],
    summary: v.summary,
    noCache: v['no-cache'] ?? false,
    compactWith: compactWith(v['compact-with']),
  };
}

function compactWith(value: string | undefined): 'root' | 'sub' | undefined {
  if (value === undefined || value === 'root' || value === 'sub') return value;
  throw new UsageError(`Bad --compact-with '${value}': use root (the root model summarises its own history) or sub`);
}

/** What parseArgs gives for a group of string options. */
type Strings<T> = { [K in keyof T]?: string };

function modelFlags(v: Strings<typeof MODEL_OPTIONS>, env: NodeJS.ProcessEnv): ModelFlags {
  const model = v.model;
  const provider = v.provider ?? (/^claude/i.test(model ?? '') ? 'anthropic' : 'openai');
  if (provider !== 'openai' && provider !== 'anthropic') {
    throw new UsageError(`Unknown provider '${provider}': use --provider openai (also for OpenAI-compatible servers) or --provider anthropic`);
  }
  const baseUrl = v['base-url'] ?? (env.RLM_API_URL || undefined);
  if (baseUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(baseUrl)) {
    throw new UsageError(`Bad --base-url '${baseUrl}': expected an http(s) URL such as http://127.0.0.1:11434/v1`);
  }
  return {
    provider,
    baseUrl,
    model,
    subModel: v['sub-model'],
    endpointConcurrency: int(v['endpoint-concurrency'], '--endpoint-concurrency', 1),
    prices: v.prices,
    maxOutputTokens: int(v['max-output-tokens'], '--max-output-tokens', 1),
    subMaxOutputTokens: int(v['sub-max-output-tokens'], '--sub-max-output-tokens', 1),
    reasoningEffort: effort(v['reasoning-effort'], '--reasoning-effort'),
    subReasoningEffort: effort(v['sub-reasoning-effort'], '--sub-reasoning-effort'),
    contextWindow: int(v['context-window'], '--context-window', 1),
    subContextWindow: int(v['sub-context-window'], '--sub-context-window', 1),
  };
}

function effort(value: string | undefined, flag: string): ReasoningEffort | undefined {
  if (value === undefined) return undefined;
  if (!(REASONING_EFFORTS as readonly string[]).includes(value)) throw new UsageError(`Bad ${flag} '${value}': use ${REASONING_EFFORTS.join(', ')}`);
  return value as ReasoningEffort;
}

/** Where a limit's value came from, as an error message names it: the flag, or the environment variable. */
type SourceOf = (flag: string) => string;
const FROM_FLAG: SourceOf = (flag) => `--${flag}`;

function runBudgetFlags(v: Strings<typeof RUN_BUDGET_OPTIONS>, from: SourceOf = FROM_FLAG): RunBudgetFlags {
  return {
    maxDepth: int(v['max-depth'], from('max-depth'), 1),
    maxIterations: int(v['max-iterations'], from('max-iterations'), 1),
    maxSubCalls: int(v['max-sub-calls'], from('max-sub-calls'), 0),
    maxTokens: int(v['max-tokens'], from('max-tokens'), 1),
    maxRequests: int(v['max-requests'], from('max-requests'), 0),
    cellTimeoutMs: seconds(v['cell-timeout'], from('cell-timeout')),
    timeoutMs: seconds(v.timeout, from('timeout')),
  };
}

/** rlm mcp's limits that may also come from the environment, RLM_ and the flag's name (RLM_MAX_COST for --max-cost). */
export const MCP_LIMIT_FLAGS = [...Object.keys(RUN_BUDGET_OPTIONS), 'concurrency', 'max-cost'] as const;

export function limitEnvName(flag: string): string {
  return `RLM_${flag.toUpperCase().replace(/-/g, '_')}`;
}

/**
 * An agent's MCP configuration often sets only the server's environment: each limit a flag leaves unset is read
 * from its RLM_* variable (empty counts as unset). A flag wins; a client's arguments can only lower either.
 */
function limitsWithEnv<V extends Record<string, unknown>>(v: V, env: NodeJS.ProcessEnv): { values: V; from: SourceOf } {
  const values: Record<string, unknown> = { ...v };
  const fromEnv = new Set<string>();
  for (const flag of MCP_LIMIT_FLAGS) {
    const value = env[limitEnvName(flag)];
    if (values[flag] !== undefined || value === undefined || value === '') continue;
    values[flag] = value;
    fromEnv.add(flag);
  }
  return { values: values as V, from: (flag) => (fromEnv.has(flag) ? limitEnvName(flag) : FROM_FLAG(flag)) };
}

function workspaceFlags(v: { exclude?: string[]; include?: string[]; 'allow-credential-file'?: string[] }): WorkspaceFlags {
  return { exclude: v.exclude ?? [], include: v.include ?? [], allowCredentialFiles: v['allow-credential-file'] ?? [] };
}

function parseEval(args: string[], env: NodeJS.ProcessEnv): EvalArgs {
  const { values: v, positionals } = parse(args, EVAL_OPTIONS);
  if (positionals.length > 0) throw new UsageError(`Unexpected argument '${positionals[0]}': rlm eval takes flags only (rlm --help)`);
  if (!v.suite === !v.tasks) throw new UsageError(`Give one of --suite NAME[,NAME] (${[...SUITE_NAMES, ...BENCHMARK_NAMES].join(', ')}) or --tasks FILE`);
  const named = (v.suite ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = named.filter((s) => !isSuiteName(s) && !isBenchmarkName(s));
  if (unknown.length > 0) throw new UsageError(`Unknown suite '${unknown[0]}': the suites are ${SUITE_NAMES.join(', ')}, and the published benchmarks ${BENCHMARK_NAMES.join(', ')}`);
  const benchmarks = named.filter(isBenchmarkName);
  if (benchmarks.length > 0 && named.length > 1) throw new UsageError(`--suite ${benchmarks[0]} runs alone: give one published benchmark per eval (and its own --out)`);
  const benchmark = benchmarks[0];
  const suites = benchmark ? [] : named;
  checkBenchmarkFlags(benchmark, v);
  const modes = list(v.modes ?? EVAL_MODES.join(','));
  const badMode = modes.find((m) => !(EVAL_MODES as readonly string[]).includes(m));
  if (badMode !== undefined || modes.length === 0) throw new UsageError(`Unknown mode '${badMode ?? ''}': use --modes rlm, vanilla or rlm,vanilla`);
  if (v.domain !== undefined && !v.tasks) throw new UsageError('--domain filters a LongBench-v2 data.json given with --tasks');
  let sizes: ContextSize[];
  try {
    sizes = parseSizes(v.sizes ?? DEFAULT_SIZES);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (sizes.length === 0) throw new UsageError('--sizes needs at least one size, e.g. --sizes 8k,32k');
  return {
    command: 'eval',
    suites: suites as SuiteName[],
    tasksFile: v.tasks,
    domain: v.domain,
    modes: [...new Set(modes)] as EvalMode[],
    sizes,
    trials: int(v.trials, '--trials', 1) ?? 1,
    perSize: int(v['per-size'], '--per-size', 1) ?? 3,
    seed: int(v.seed, '--seed', 0) ?? 1,
    workspace: v.workspace ?? '.',
    ...modelFlags(v, env),
    ...runBudgetFlags(v),
    ...workspaceFlags(v),
    concurrency: int(v.concurrency, '--concurrency', 1) ?? 2,
    maxCostUsd: positive(v['max-cost'], '--max-cost'),
    out: v.out ?? DEFAULT_EVAL_OUT,
    resume: v.resume ?? false,
    label: v.label,
    json: v.json ?? false,
    quiet: v.quiet ?? false,
    ...(benchmark ? { benchmark } : {}),
    data: v.data,
    repos: v.repos,
    variant: (v.variant ?? 'base') as RefactorVariant,
    only: v.only === undefined ? undefined : list(v.only),
    judgeModel: v['judge-model'],
    ignoreComments: v['ignore-comments'] ?? false,
  };
}

/** Each benchmark's own flags, and only its own. */
function checkBenchmarkFlags(benchmark: BenchmarkName | undefined, v: { data?: string; repos?: string; variant?: string; only?: string; 'judge-model'?: string; 'ignore-comments'?: boolean }): void {
  const data: Record<BenchmarkName, string> = {
    refactorbench: '--data DIR (a clone of microsoft/RefactorBench)',
    'swe-qa': '--data DIR (a clone of SWE-QA-Bench) and --repos DIR (its repositories, cloned by its clone_repos.sh)',
    repoqa: '--data FILE (repoqa-<version>.json.gz)',
  };
  if (!benchmark) {
    const stray = (['data', 'repos', 'variant', 'only', 'judge-model', 'ignore-comments'] as const).find((f) => v[f] !== undefined);
    if (stray) throw new UsageError(`--${stray} belongs to a published benchmark: --suite ${BENCHMARK_NAMES.join(' | ')}`);
    return;
  }
  if (!v.data) throw new UsageError(`--suite ${benchmark} needs ${data[benchmark]}`);
  if (benchmark === 'swe-qa' && !v.repos) throw new UsageError(`--suite swe-qa needs ${data['swe-qa']}`);
  if (benchmark !== 'swe-qa' && v.repos !== undefined) throw new UsageError('--repos is for --suite swe-qa');
  if (benchmark !== 'refactorbench' && v.variant !== undefined) throw new UsageError('--variant is for --suite refactorbench');
  if (v.variant !== undefined && !(REFACTOR_VARIANTS as readonly string[]).includes(v.variant)) throw new UsageError(`Unknown --variant '${v.variant}': use ${REFACTOR_VARIANTS.join(', ')}`);
  if (benchmark !== 'swe-qa' && v['judge-model'] !== undefined) throw new UsageError('--judge-model is for --suite swe-qa');
  if (benchmark !== 'repoqa' && v['ignore-comments'] !== undefined) throw new UsageError('--ignore-comments is for --suite repoqa');
}

function parseMcp(args: string[], env: NodeJS.ProcessEnv): McpArgs {
  const { values: flags, positionals } = parse(args, MCP_OPTIONS);
  if (positionals.length > 0) throw new UsageError(`Unexpected argument '${positionals[0]}': rlm mcp takes flags only (rlm --help)`);
  if (!flags.workspace) throw new UsageError('Missing --workspace DIR: the folder the MCP server answers about');
  const { values: v, from } = limitsWithEnv(flags, env);
  return {
    command: 'mcp',
    workspace: flags.workspace,
    ...modelFlags(v, env),
    ...runBudgetFlags(v, from),
    ...workspaceFlags(v),
    concurrency: int(v.concurrency, from('concurrency'), 1),
    maxCostUsd: positive(v['max-cost'], from('max-cost')),
    sensitivePaths: v['sensitive-path'] ?? [],
    traceDir: v['trace-dir'],
  };
}

function parseExport(args: string[]): ExportArgs {
  const { values: v, positionals } = parse(args, EXPORT_OPTIONS);
  const usage = 'rlm export <trace.jsonl|DIR>... --format openai-chat|sharegpt --out FILE.jsonl';
  if (positionals.length === 0) throw new UsageError(`Missing the traces: ${usage}`);
  if (!v.format || !(EXPORT_FORMATS as readonly string[]).includes(v.format)) {
    throw new UsageError(v.format ? `Unknown format '${v.format}': use --format ${EXPORT_FORMATS.join(' or --format ')}` : `Missing --format: ${usage}`);
  }
  if (!v.out) throw new UsageError(`Missing --out FILE.jsonl: ${usage}`);
  let stopReasons: StopReason[] | undefined;
  if (v.only !== undefined) {
    stopReasons = list(v.only) as StopReason[];
    const bad = stopReasons.find((r) => !STOP_REASONS.includes(r));
    if (bad !== undefined || stopReasons.length === 0) throw new UsageError(`Unknown stop reason '${bad ?? ''}' for --only: use ${STOP_REASONS.join(', ')}`);
  }
  return {
    command: 'export',
    inputs: positionals,
    format: v.format as ExportFormat,
    stopReasons,
    maxCostUsd: positive(v['max-cost'], '--max-cost'),
    includeSubcalls: v['include-subcalls'] ?? false,
    out: v.out,
    json: v.json ?? false,
  };
}

const list = (value: string) => value.split(',').map((s) => s.trim()).filter(Boolean);

function parseReplay(args: string[]): ReplayArgs {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } });
  if (positionals.length !== 1) throw new UsageError('Usage: rlm replay <trace.jsonl> [--json]');
  return { command: 'replay', trace: positionals[0]!, json: values.json ?? false };
}

function int(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < min) {
    throw new UsageError(`Bad number for ${flag}: '${value}' (expected a whole number >= ${min})`);
  }
  return Number(value);
}

function positive(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`Bad number for ${flag}: '${value}' (expected a positive number)`);
  return n;
}

function seconds(value: string | undefined, flag: string): number | undefined {
  const n = positive(value, flag);
  return n === undefined ? undefined : Math.round(n * 1000);
}
