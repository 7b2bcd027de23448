// `rlm mcp --workspace DIR`: RLM as an MCP server on stdin/stdout, for another agent (Claude Code, Cursor, Codex,
// Cline, VS Code). Tools: ask_codebase (the answer and the files it rests on), propose_refactor (a summary and a
// patch; nothing is written) and replay_trace (a run's tree). The folder is opened once and kept indexed; each call
// runs in a session of its own over it, with the limits of the flags: a client's arguments may lower them, never
// raise them. Progress per turn goes out as notifications/progress; notifications/cancelled stops the call. Only
// the protocol goes to stdout: what the server has to say goes to stderr.

import { mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CallToolResult, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { z } from 'zod';
import { proposalReport } from '../core/edits/proposalReport';
import { askedLimits, askInput, questionWithPaths, refactorQuestion, type AskInput } from '../core/integrations/askInput';
import { RunNarration } from '../core/integrations/RunNarration';
import { answerText, refactorText, type ToolAnswer } from '../core/integrations/toolResults';
import { AskedLimitError, capsText, lowerLimits } from '../core/loop/lowerLimits';
import type { RlmLimitsInput } from '../core/loop/options';
import type { RunResult } from '../core/loop/RlmRun';
import { RlmSession } from '../core/loop/RlmSession';
import { formatCost } from '../core/models/costText';
import type { ModelPair } from '../core/models/modelPair';
import type { PriceTable } from '../core/models/pricing';
import { ModelError } from '../core/models/types';
import { readTrace, TraceFormatError } from '../core/trajectory/readTrace';
import { TraceWriter } from '../core/trajectory/TraceWriter';
import { RLM_CODE_VERSION } from '../core/version';
import type { CodeWorkspace } from '../core/workspace/CodeWorkspace';
import { realFileIn } from '../core/workspace/rootPaths';
import { findPathRefs } from '../../webview/shared/pathRefs';
import type { McpArgs } from '../cli/args';
import { limitsFrom, modelsFromFlags } from '../cli/modelSetup';
import { renderTree } from '../cli/replay';
import { closeWorkspace, openWorkspace } from '../cli/workspaceSetup';

/** The server's tools, as clients list and call them. */
export const MCP_TOOLS = { askCodebase: 'ask_codebase', proposeRefactor: 'propose_refactor', replayTrace: 'replay_trace' } as const;

export interface McpIO {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

export interface McpDeps {
  workspace: CodeWorkspace;
  models: Required<ModelPair>;
  prices: PriceTable;
  secrets: Array<string | undefined>;
  /** The limits of the flags: the most any call gets. */
  limits: RlmLimitsInput;
  sensitivePaths: readonly string[];
  traceDir?: string;
  log(line: string): void;
}

/** Serves until the client closes stdin; the exit code. */
export async function runMcp(args: McpArgs, io: McpIO): Promise<number> {
  const log = (line: string) => void io.stderr.write(`rlm mcp: ${line}\n`);
  const traceDir = args.traceDir === undefined ? undefined : resolve(args.traceDir);
  if (traceDir) mkdirSync(traceDir, { recursive: true });
  const { models, prices, secrets } = await modelsFromFlags(args, { stderr: io.stderr, env: io.env });
  const workspace = await openWorkspace(args.workspace, args, io.env, { whileListing: true });
  try {
    const server = rlmMcpServer({ workspace, models, prices, secrets, limits: limitsFrom(args), sensitivePaths: args.sensitivePaths, ...(traceDir ? { traceDir } : {}), log });
    const closed = new Promise<void>((done) => { server.server.onclose = done; });
    const transport = new StdioServerTransport(io.stdin as NodeJS.ReadStream, io.stdout as NodeJS.WriteStream);
    await server.connect(transport);
    // The stdio transport does not notice the end of its input: the client went away, so the server ends.
    io.stdin.once('end', () => void server.close());
    log(`serving ${workspace.index.root} (root ${models.root.name}, sub-calls ${models.sub.name}; ${capsText(limitsFrom(args))})`);
    await closed;
    return 0;
  } finally {
    await closeWorkspace(workspace);
  }
}

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export function rlmMcpServer(deps: McpDeps): McpServer {
  const server = new McpServer({ name: 'rlm-code', version: RLM_CODE_VERSION });
  const caps = capsText(deps.limits);
  server.registerTool(MCP_TOOLS.askCodebase, {
    title: 'Ask the codebase (RLM)',
    description: `Answers a question about the whole workspace, however large: a Recursive Language Model explores the code with a sandboxed REPL (grep, symbols, reads) and sub-model calls, then answers with path:line references and lists the files the answer rests on. For questions that need many files at once. Runs ${caps}; limits in the arguments may only lower these.`,
    inputSchema: askInput,
    annotations: { readOnlyHint: true, openWorldHint: true },
  }, (input, extra) => call(deps, 'ask', input, extra));
  server.registerTool(MCP_TOOLS.proposeRefactor, {
    title: 'Propose a refactor (RLM)',
    description: `Proposes a change across the whole workspace (a rename with every call site, an API migration) and returns it as a Markdown summary (files, sensitive files flagged, a receipt) and a unified diff for \`git apply\`. Nothing is written. Runs ${caps}; limits in the arguments may only lower these.`,
    inputSchema: askInput,
    annotations: { readOnlyHint: true, openWorldHint: true },
  }, (input, extra) => call(deps, 'refactor', input, extra));
  server.registerTool(MCP_TOOLS.replayTrace, {
    title: 'Replay an RLM trace',
    description: 'Shows an RLM run from its trace file (.rlm.jsonl, in the workspace or the server\'s trace folder) as a tree: turns, code, sub-calls, costs, and whether its receipt verifies.',
    inputSchema: { trace: z.string().min(1).max(1000).describe('The trace file: a path in the workspace or the trace folder, or a file name the server wrote') },
    annotations: { readOnlyHint: true },
  }, ({ trace }) => replay(deps, trace));
  return server;
}

async function call(deps: McpDeps, kind: 'ask' | 'refactor', input: AskInput, extra: Extra): Promise<CallToolResult> {
  let limits: RlmLimitsInput;
  try {
    const lowered = lowerLimits(deps.limits, askedLimits(input));
    for (const line of lowered.kept) deps.log(line);
    limits = lowered.limits;
  } catch (err) {
    if (err instanceof AskedLimitError) return failed(err.message);
    throw err;
  }
  const progressToken = extra._meta?.progressToken;
  let told = 0;
  const say = (message: string) => {
    if (progressToken === undefined || extra.signal.aborted) return;
    void extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress: ++told, message } }).catch(() => undefined);
  };
  say('Starting…');
  const narration = new RunNarration(say);
  const question = questionWithPaths(input);
  const session = await RlmSession.create({
    models: deps.models,
    context: { kind: 'workspace', workspace: deps.workspace },
    limits,
    costOf: (model, usage) => deps.prices.costUsd(model, usage),
    secrets: deps.secrets,
    proposeEdits: kind === 'refactor',
  });
  const trajectory = session.newTrajectory();
  const id = `mcp-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const writer = deps.traceDir ? new TraceWriter(trajectory, join(deps.traceDir, `${id}.rlm.jsonl`)) : undefined;
  let result: RunResult;
  try {
    result = await session.ask(kind === 'refactor' ? refactorQuestion(question) : question, { signal: extra.signal, trajectory, onEvent: narration.onEvent });
  } catch (err) {
    if (err instanceof ModelError) return failed(err.message);
    throw err;
  } finally {
    writer?.close();
    session.dispose();
  }
  deps.log(`${id}: ${result.stopReason} after ${result.iterations} turns`);
  if (result.stopReason === 'error') return failed(`RLM could not answer: ${result.detail ?? 'the run failed.'}`);
  if (result.stopReason === 'cancelled' && result.answer === '') return failed('Cancelled.');
  const answer = toolAnswer(deps, result, narration.readPaths(), writer?.file);
  if (kind === 'ask') return text(answerText(answer));
  const report = await proposalReport(input.question.split('\n')[0]!.slice(0, 80), result, deps.sensitivePaths, '--sensitive-path');
  return text(refactorText(report, answer));
}

function toolAnswer(deps: McpDeps, result: RunResult, readPaths: readonly string[], trace: string | undefined): ToolAnswer {
  const index = deps.workspace.index;
  const cited = findPathRefs(result.answer).map((r) => r.path);
  // Only files of the workspace as it is indexed (an ignored or credential file is no file of it).
  const files = [...new Set([...readPaths, ...cited].map((p) => p.replace(/^\.\//, '')))].filter((p) => index.get(p) !== undefined);
  const figures = [
    `${result.iterations} turns`,
    `${result.subCalls} sub-calls`,
    `cost ${formatCost(result.usage.total.costUsd, result.usage.total.unpriced ?? 0)}`,
    ...(trace ? [`trace ${trace} (replay_trace)`] : []),
  ].join(', ');
  return { answer: result.answer, stopReason: result.stopReason, ...(result.detail ? { detail: result.detail } : {}), files, figures };
}

/** A trace's tree; only .jsonl files in the workspace or the trace folder are read (by real path). */
async function replay(deps: McpDeps, trace: string): Promise<CallToolResult> {
  const where = `in the workspace${deps.traceDir ? ' or the trace folder' : ''}`;
  if (!trace.endsWith('.jsonl')) return failed(`replay_trace reads .jsonl trace files ${where}: ${JSON.stringify(trace)} is not one.`);
  const file = await realFileIn(trace, [...(deps.traceDir ? [deps.traceDir] : []), deps.workspace.index.root]);
  if (!file) return failed(`No trace file ${JSON.stringify(trace)} ${where}.`);
  try {
    return text(renderTree(readTrace(file)));
  } catch (err) {
    if (err instanceof TraceFormatError) return failed(err.message);
    return failed(`Cannot read ${trace}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function text(value: string): CallToolResult {
  return { content: [{ type: 'text', text: value }] };
}

function failed(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}
