// Trajectories as training data: each root run of a trace becomes one chat example (system prompt, question,
// each turn's code and the output the model saw); with `includeSubcalls`, child runs become examples of their
// own and sub-calls prompt/response pairs. Traces are checked (a receipt that does not verify, or none, skips
// the trace with a note), deduplicated by receipt, filtered by stop reason and cost, and redacted again.

import { readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatUsd } from '../models/costText';
import type { ChatMessage } from '../models/types';
import type { StopReason } from '../trajectory/events';
import { readTraceAsync, TraceFormatError } from '../trajectory/readTrace';
import { exampleLine, type ExportFormat } from './exampleFormats';
import { redactSecrets } from '../redact';
import { runConversations, subCallExchanges } from './traceConversation';

export interface ExportOptions {
  /** Trace files, or folders searched (with their subfolders) for `*.jsonl` files. */
  inputs: string[];
  format: ExportFormat;
  out: string;
  /** Keep runs that stopped for one of these reasons (e.g. ['final']); absent: any. */
  stopReasons?: StopReason[];
  /** Skip runs that cost more than this, in USD (child runs and sub-calls included). */
  maxCostUsd?: number;
  includeSubcalls?: boolean;
  /** Known secrets (the API keys in use), redacted on top of the credential patterns. */
  secrets?: Array<string | undefined>;
  signal?: AbortSignal;
}

export interface ExportSummary {
  traces: number;
  examples: { runs: number; childRuns: number; subCalls: number };
  /** A trace left out, and why. */
  skipped: Array<{ file: string; reason: string }>;
  /** Sub-calls left out because the trace kept only part of their prompt or response. */
  truncatedSubCalls: number;
}

export class ExportInputError extends Error {
  override name = 'ExportInputError';
}

/** Sub-call prompts and responses longer than the trace keeps end with this note (truncateOutput's). */
const CUT_NOTE = /\[\.\.\. [\d,]+ characters cut; print less, or slice the output \.\.\.\]/;

export async function exportTraces(options: ExportOptions): Promise<ExportSummary> {
  // The output may sit in a folder being exported (an eval's --out): never read it back as input.
  const files = options.inputs.flatMap((input) => traceFiles(input)).filter((file) => resolve(file) !== resolve(options.out));
  const summary: ExportSummary = { traces: files.length, examples: { runs: 0, childRuns: 0, subCalls: 0 }, skipped: [], truncatedSubCalls: 0 };
  const lines: string[] = [];
  const seen = new Map<string, string>();
  const emit = (messages: ChatMessage[]) => lines.push(exampleLine(options.format, messages.map((m) => ({ role: m.role, content: redactSecrets(m.content, options.secrets) }))));
  for (const file of files) {
    const skip = (reason: string) => summary.skipped.push({ file, reason });
    let trace;
    try {
      trace = await readTraceAsync(file, { signal: options.signal });
    } catch (err) {
      if (err instanceof TraceFormatError) { skip(`not an RLM trace (${err.message})`); continue; }
      throw err;
    }
    if (trace.receipt === 'mismatch') { skip('its receipt does not verify: the trace was changed after it was written'); continue; }
    if (trace.receipt === 'missing') { skip('it has no receipt: the run did not finish writing it (crash or kill), so it cannot be verified'); continue; }
    const first = seen.get(trace.sha256!);
    if (first) { skip(`the same trace as ${first} (same receipt)`); continue; }
    seen.set(trace.sha256!, file);
    const runs = runConversations(trace.events);
    const top = runs.find((r) => r.run.depth === 0);
    if (!top?.end) { skip('it holds no finished top-level run'); continue; }
    if (options.stopReasons && !options.stopReasons.includes(top.end.stopReason)) { skip(`the run stopped with ${top.end.stopReason}, not ${options.stopReasons.join(' or ')}`); continue; }
    const cost = top.end.usage.total.costUsd;
    if (options.maxCostUsd !== undefined && cost > options.maxCostUsd) { skip(`the run cost ${formatUsd(cost)}, over --max-cost $${options.maxCostUsd}`); continue; }
    // A run whose calls had no price cost an unknown amount: it cannot be shown to be under the cap.
    const unpriced = top.end.usage.total.unpriced ?? 0;
    if (options.maxCostUsd !== undefined && unpriced > 0) { skip(`the run's cost is unknown (${unpriced} call${unpriced === 1 ? '' : 's'} without a price), so it cannot be shown to be under --max-cost`); continue; }
    emit(top.messages);
    summary.examples.runs++;
    if (!options.includeSubcalls) continue;
    for (const child of runs.filter((r) => r.run.depth > 0 && r.end?.status === 'done' && r.messages.length > 2)) {
      emit(child.messages);
      summary.examples.childRuns++;
    }
    for (const { start, end } of subCallExchanges(trace.events)) {
      if (start.fn === 'rlm_query' && end.response === '') continue;
      if (start.prompt.length < start.promptChars || CUT_NOTE.test(start.prompt) || CUT_NOTE.test(end.response)) { summary.truncatedSubCalls++; continue; }
      emit([{ role: 'user', content: start.prompt }, { role: 'assistant', content: end.response }]);
      summary.examples.subCalls++;
    }
  }
  // Written whole, then renamed: an interrupted export never leaves a half file behind under the name asked for.
  const partial = `${options.out}.partial`;
  writeFileSync(partial, lines.length ? lines.join('\n') + '\n' : '');
  renameSync(partial, options.out);
  return summary;
}

function traceFiles(input: string): string[] {
  let stat;
  try {
    stat = statSync(input);
  } catch {
    throw new ExportInputError(`Not found: ${input} (give trace files or folders holding them)`);
  }
  if (stat.isFile()) return [input];
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && entry.name.endsWith('.jsonl')) found.push(path);
    }
  };
  walk(input);
  if (found.length === 0) throw new ExportInputError(`No .jsonl files under ${input}`);
  return found;
}
