// The CLI's flags, parsed strictly: an unknown flag or a bad number is a usage error (exit 2) with one line
// that names the problem.

import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface AskArgs {
  command: 'ask';
  question: string;
  workspace?: string;
  contextFile?: string;
  provider: 'openai' | 'anthropic';
  baseUrl?: string;
  model?: string;
  subModel?: string;
  maxDepth?: number;
  maxIterations?: number;
  maxSubCalls?: number;
  maxTokens?: number;
  concurrency?: number;
  /** Cap on requests in flight at once on the endpoint, across root and sub-calls; absent: no cap. */
  endpointConcurrency?: number;
  cellTimeoutMs?: number;
  timeoutMs?: number;
  maxCostUsd?: number;
  trace?: string;
  prices?: string;
  exclude: string[];
  /** Credential files to let through (gitignore-style globs), see credentialFiles.ts. */
  allowCredentialFiles: string[];
  json: boolean;
  quiet: boolean;
}

export interface ReplayArgs {
  command: 'replay';
  trace: string;
  json: boolean;
}

export type CliArgs = AskArgs | ReplayArgs | { command: 'help' } | { command: 'version' };

export const USAGE = `Usage:
  rlm ask "<question>" (--workspace DIR | --context-file FILE)
      [--provider openai|anthropic] [--base-url URL] [--model NAME] [--sub-model NAME]
      [--max-depth N] [--max-iterations N] [--max-sub-calls N] [--max-tokens N] [--concurrency N]
      [--endpoint-concurrency N] [--cell-timeout SECONDS] [--timeout SECONDS] [--max-cost USD] [--trace FILE] [--json]
      [--prices FILE] [--exclude GLOB]... [--allow-credential-file GLOB]... [--quiet]
  rlm replay <trace.jsonl> [--json]

Keys come from OPENAI_API_KEY / ANTHROPIC_API_KEY; a local server given by --base-url (or RLM_API_URL)
needs none. --model auto picks the first model the server lists. With neither a key nor a URL, a local
OpenAI-compatible server on its usual port (Ollama 11434, LM Studio 1234, llama.cpp 8080) is used. Credential files (.env, keys, tokens:
see the README) are never sent; --allow-credential-file GLOB lets matching ones through.
Exit codes: 0 final answer, 3 stopped by a limit or Ctrl-C (best answer printed), 2 bad usage or
configuration, 1 the run failed.`;

const ASK_OPTIONS = {
  workspace: { type: 'string' },
  'context-file': { type: 'string' },
  provider: { type: 'string' },
  'base-url': { type: 'string' },
  model: { type: 'string' },
  'sub-model': { type: 'string' },
  'max-depth': { type: 'string' },
  'max-iterations': { type: 'string' },
  'max-sub-calls': { type: 'string' },
  'max-tokens': { type: 'string' },
  concurrency: { type: 'string' },
  'endpoint-concurrency': { type: 'string' },
  'cell-timeout': { type: 'string' },
  timeout: { type: 'string' },
  'max-cost': { type: 'string' },
  trace: { type: 'string' },
  prices: { type: 'string' },
  exclude: { type: 'string', multiple: true },
  'allow-credential-file': { type: 'string', multiple: true },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
} as const;

export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): CliArgs {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') return { command: 'help' };
  if (command === '--version' || command === '-v') return { command: 'version' };
  if (command === 'ask') return parseAsk(rest, env);
  if (command === 'replay') return parseReplay(rest);
  throw new UsageError(`Unknown command '${command}': use 'rlm ask' or 'rlm replay' (rlm --help)`);
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
  const provider = v.provider ?? (/^claude/i.test(v.model ?? '') ? 'anthropic' : 'openai');
  if (provider !== 'openai' && provider !== 'anthropic') {
    throw new UsageError(`Unknown provider '${provider}': use --provider openai (also for OpenAI-compatible servers) or --provider anthropic`);
  }
  const baseUrl = v['base-url'] ?? (env.RLM_API_URL || undefined);
  if (baseUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(baseUrl)) {
    throw new UsageError(`Bad --base-url '${baseUrl}': expected an http(s) URL such as http://127.0.0.1:11434/v1`);
  }
  return {
    command: 'ask',
    question: positionals[0]!,
    workspace: v.workspace,
    contextFile: v['context-file'],
    provider,
    baseUrl,
    model: v.model,
    subModel: v['sub-model'],
    maxDepth: int(v['max-depth'], '--max-depth', 1),
    maxIterations: int(v['max-iterations'], '--max-iterations', 1),
    maxSubCalls: int(v['max-sub-calls'], '--max-sub-calls', 0),
    maxTokens: int(v['max-tokens'], '--max-tokens', 1),
    concurrency: int(v.concurrency, '--concurrency', 1),
    endpointConcurrency: int(v['endpoint-concurrency'], '--endpoint-concurrency', 1),
    cellTimeoutMs: seconds(v['cell-timeout'], '--cell-timeout'),
    timeoutMs: seconds(v.timeout, '--timeout'),
    maxCostUsd: positive(v['max-cost'], '--max-cost'),
    trace: v.trace,
    prices: v.prices,
    exclude: v.exclude ?? [],
    allowCredentialFiles: v['allow-credential-file'] ?? [],
    json: v.json ?? false,
    quiet: v.quiet ?? false,
  };
}

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
