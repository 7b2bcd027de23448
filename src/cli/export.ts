// `rlm export`: traces to a JSONL file of training examples, saying what was left out and why.

import { resolve } from 'node:path';
import { exportTraces } from '../core/export/exportTraces';
import type { ExportArgs } from './args';
import { EXIT, type CliIO } from './ask';

export async function runExportCommand(args: ExportArgs, io: CliIO): Promise<number> {
  const summary = await exportTraces({
    inputs: args.inputs,
    format: args.format,
    out: resolve(args.out),
    stopReasons: args.stopReasons,
    maxCostUsd: args.maxCostUsd,
    includeSubcalls: args.includeSubcalls,
    secrets: [io.env.OPENAI_API_KEY, io.env.ANTHROPIC_API_KEY],
    signal: io.signal,
  });
  const { runs, childRuns, subCalls } = summary.examples;
  if (args.json) {
    io.stdout.write(JSON.stringify({ out: resolve(args.out), format: args.format, ...summary }) + '\n');
    return EXIT.final;
  }
  const parts = [`${runs} run${runs === 1 ? '' : 's'}`, ...(args.includeSubcalls ? [`${childRuns} child runs`, `${subCalls} sub-calls`] : [])];
  io.stdout.write(`Wrote ${runs + childRuns + subCalls} ${args.format} examples (${parts.join(', ')}) from ${summary.traces} trace files to ${resolve(args.out)}.\n`);
  for (const { file, reason } of summary.skipped) io.stderr.write(`skipped ${file}: ${reason}\n`);
  if (summary.truncatedSubCalls > 0) io.stderr.write(`${summary.truncatedSubCalls} sub-calls left out: the trace kept only part of their prompt or response.\n`);
  return EXIT.final;
}
