// The `rlm` command: `rlm ask`, `rlm replay`, `rlm eval`, `rlm export` and `rlm mcp` over the same engine as the editor.

import { EvalOutputError } from '../core/eval/runEval';
import { TaskFileError } from '../core/eval/TaskFileError';
import { ExportInputError } from '../core/export/exportTraces';
import { ConfigError } from '../core/models/configError';
import { IndexingStopped } from '../core/workspace/FirstWalk';
import { ModelError } from '../core/models/types';
import { RLM_CODE_VERSION } from '../core/version';
import { readTrace, TraceFormatError } from '../core/trajectory/readTrace';
import { parseCli, USAGE, UsageError } from './args';
import { EXIT, runAsk } from './ask';
import { runEvalCommand } from './eval';
import { runExportCommand } from './export';
import { renderTree, replayJson } from './replay';

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    const args = parseCli(argv, env);
    switch (args.command) {
      case 'help':
        process.stdout.write(USAGE + '\n');
        return EXIT.final;
      case 'version':
        process.stdout.write(RLM_CODE_VERSION + '\n');
        return EXIT.final;
      case 'replay': {
        const trace = readTrace(args.trace);
        process.stdout.write((args.json ? JSON.stringify(replayJson(trace)) : renderTree(trace)) + '\n');
        return trace.receipt === 'mismatch' ? EXIT.failed : EXIT.final;
      }
      case 'ask':
        return await runAsk(args, { stdout: process.stdout, stderr: process.stderr, env, signal: interruptSignal() });
      case 'eval':
        return await runEvalCommand(args, { stdout: process.stdout, stderr: process.stderr, env, signal: interruptSignal() });
      case 'export':
        return await runExportCommand(args, { stdout: process.stdout, stderr: process.stderr, env, signal: interruptSignal() });
      case 'mcp':
        // The client ends the server by closing its stdin; stdout carries the protocol only. Loaded here only:
        // the MCP SDK is not needed by the other commands.
        return await (await import('../mcp/server')).runMcp(args, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env });
    }
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError || err instanceof TraceFormatError || err instanceof TaskFileError || err instanceof EvalOutputError || err instanceof ExportInputError) {
      process.stderr.write(`rlm: ${err.message}\n`);
      return EXIT.usage;
    }
    if (err instanceof ModelError) {
      process.stderr.write(`rlm: ${err.message}\n`);
      return EXIT.failed;
    }
    if (err instanceof IndexingStopped) {
      process.stderr.write(`rlm: ${err.message}\n`);
      return EXIT.stopped;
    }
    process.stderr.write(`rlm: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
    return EXIT.failed;
  }
}

/** First Ctrl-C cancels the run (the best answer is still printed); a second one quits at once. */
function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  process.on('SIGINT', () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nCancelling… (Ctrl-C again to quit at once)\n');
    controller.abort();
  });
  process.on('SIGTERM', () => controller.abort());
  return controller.signal;
}

/** Resolves once everything written to `stream` so far has been handed to the OS. */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}

if (require.main === module) {
  // Exit as soon as the answer is out: nothing left running (a sub-call nobody awaited, an idle worker)
  // may keep the terminal waiting.
  main(process.argv.slice(2)).then(async (code) => {
    await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
    process.exit(code);
  });
}
