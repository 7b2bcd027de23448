// How long the host thread (the editor's extension host) is held while the workspace indexes and while model
// code searches it, measured with perf_hooks.monitorEventLoopDelay and a 5 ms ticker, in a process of its
// own, bundled like the product (see phaseRunner.ts). Model code runs in the real sandbox and reaches the
// workspace through the real host functions, as in a run. Prints EventLoopResult as JSON.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SYNTAX_PRELUDE, workspaceFunctions, WORKSPACE_PRELUDE } from '../src/core/loop/workspaceFunctions';
import { Sandbox } from '../src/core/sandbox/Sandbox';
import { CodeWorkspace } from '../src/core/workspace/CodeWorkspace';
import { watchEventLoop, type EventLoopFigures } from './eventLoopWatch';

export interface DelayWindow extends EventLoopFigures {
  label: string;
  durationMs: number;
  /** What the cells printed (counts), to show the work really happened. */
  notes?: string;
}

export interface EventLoopResult {
  files: number;
  windows: DelayWindow[];
}

/** Model code as a root model writes it: searches, symbol queries, AST queries, outlines and reads. */
export const CELLS = [
  'const todo = grep("TODO|FIXME", {maxResults: 2000}); print("grep TODO", todo.length);',
  'const defs = grep("\\\\bclass\\\\s+\\\\w+", {maxResults: 10000}); print("grep class", defs.length);',
  'const ci = grep("deprecated", {ignoreCase: true, maxResults: 10000, context: 2}); print("grep -i context", ci.length);',
  'const py = files("**/*.py"); const ts = files("*.ts"); print("files", py.length, ts.length);',
  'const classes = symbols({kind: "class"}); print("classes", classes.length);',
  'const parsers = symbols({name: "/^parse[A-Z]/"}); print("parse*", parsers.length);',
  'const many = symbols({maxResults: 20000}); print("symbols", many.length);',
  'const req = ast_query(\'(call_expression function: (identifier) @fn (#eq? @fn "require"))\', {language: "javascript", maxResults: 2000}); print("ast require", req.length);',
  'const defsPy = ast_query("(function_definition name: (identifier) @n)", {language: "python", maxResults: 5000}); print("ast py defs", defsPy.length);',
  'let outlined = 0; for (const f of py.slice(0, 40)) outlined += outline(f.path).length; print("outlines", outlined);',
  'let chars = 0; for (const f of files("*.js").sort((a, b) => b.bytes - a.bytes).slice(0, 30)) chars += read(f.path).length; print("read", chars);',
];

async function measure(label: string, work: () => Promise<string | void>): Promise<DelayWindow> {
  const watch = watchEventLoop();
  const started = performance.now();
  const notes = await work().catch((error: unknown) => {
    watch.stop();
    throw error;
  });
  const durationMs = performance.now() - started;
  return { label, durationMs, ...watch.stop(), ...(notes ? { notes } : {}) };
}

async function runCells(workspace: CodeWorkspace): Promise<string> {
  const sandbox = await Sandbox.create({
    functions: workspaceFunctions(workspace),
    prelude: WORKSPACE_PRELUDE + SYNTAX_PRELUDE,
    limits: { cellTimeoutMs: 120_000 },
  });
  try {
    const printed: string[] = [];
    for (const cell of CELLS) {
      const result = await sandbox.run(cell);
      if (result.error) throw new Error(`cell failed: ${cell}\n${result.error}`);
      printed.push(result.output.trim().replace(/\n/g, ' '));
    }
    return printed.join('; ');
  } finally {
    sandbox.dispose();
  }
}

async function run(root: string): Promise<EventLoopResult> {
  const windows: DelayWindow[] = [];
  const coldCache = mkdtempSync(join(tmpdir(), 'rlm-eventloop-a-'));
  let files = 0;
  windows.push(await measure('indexing: open, parse every file in the parser threads, write the cache (cold)', async () => {
    const ws = await CodeWorkspace.openAsync(root, { exclude: [], cacheDir: coldCache });
    await ws.ready;
    files = ws.index.size;
    await ws.close();
  }));
  windows.push(await measure('indexing: open from the cache (warm)', async () => {
    const ws = await CodeWorkspace.openAsync(root, { exclude: [], cacheDir: coldCache });
    await ws.ready;
    ws.dispose();
  }));
  const ws = await CodeWorkspace.openAsync(root, { exclude: [], cacheDir: mkdtempSync(join(tmpdir(), 'rlm-eventloop-b-')) });
  try {
    windows.push(await measure('model code while indexing runs (cold: symbols() and outline() parse urgently)', () => runCells(ws)));
    await ws.ready;
    windows.push(await measure('model code after indexing (grep, files, symbols, ast_query, outline, read)', () => runCells(ws)));
  } finally {
    ws.dispose();
  }
  return { files, windows };
}

run(process.argv[2] ?? '').then(
  (result) => process.stdout.write(JSON.stringify(result)),
  (err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
