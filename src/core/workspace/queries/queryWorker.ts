// Entry of a query worker thread: runs grep, glob/regex selection and Tree-sitter queries for one workspace.
// Everything here may be slow on purpose-built input (a backtracking regex, a pathological query), which is
// why it is here: the host thread terminates this thread when a request runs past its deadline.

import { parentPort, workerData } from 'node:worker_threads';
import { GrepCollector, parseGrepQuery } from '../GrepQuery';
import { regexSearch } from '../RegexSearch';
import { Ripgrep, type GrepEngine } from '../RipgrepSearch';
import { AstQueryRunner } from '../syntax/AstQueryRunner';
import { Grammars } from '../syntax/Grammars';
import { unpackRows } from './packedRows';
import { compilePattern } from './patterns';
import {
  PROGRESS_SLOTS,
  type AstQueryAnswer,
  type AstQueryRequest,
  type FileRow,
  type FromQueryWorker,
  type GrepAnswer,
  type GrepRequest,
  type QueryRequest,
  type QueryWorkerData,
  type SelectRequest,
  type TableRef,
  type ToQueryWorker,
} from './protocol';

const port = parentPort;
if (!port) throw new Error('queryWorker must run in a worker thread.');
const data = workerData as QueryWorkerData;
const progress = new Int32Array(data.progress);
const tables = new Map<string, { version: number; rows: unknown[] }>();
const post = (message: FromQueryWorker) => port.postMessage(message);

/** How often grep sends what it has found so far (kept by the host if this thread has to be stopped). */
const PARTIAL_EVERY_MS = 200;

port.on('message', ({ id, request }: ToQueryWorker) => {
  Atomics.store(progress, PROGRESS_SLOTS.request, id);
  Atomics.store(progress, PROGRESS_SLOTS.row, -1);
  // Through a promise, so a synchronous throw (an invalid regex) is an answer, not a crash of the thread.
  Promise.resolve().then(() => handle(id, request)).then(
    (answer) => post({ id, type: 'done', answer }),
    (error: unknown) => post({ id, type: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});

function handle(id: number, request: QueryRequest): Promise<unknown> | unknown {
  switch (request.kind) {
    case 'grep':
      return grep(id, request);
    case 'select':
      return select(request);
    case 'astQuery':
      return astQuery(request);
  }
}

function table<T>(ref: TableRef): T[] {
  if (ref.rows && ref.appendedTo !== undefined) {
    const held = tables.get(ref.name);
    if (held?.version !== ref.appendedTo) throw new Error(`query worker: table ${ref.name} v${ref.appendedTo} was never sent`);
    for (const row of unpackRows(ref.rows)) held.rows.push(row);
    held.version = ref.version;
  } else if (ref.rows) {
    tables.set(ref.name, { version: ref.version, rows: unpackRows(ref.rows) });
  }
  const known = tables.get(ref.name);
  if (!known || known.version !== ref.version) throw new Error(`query worker: table ${ref.name} v${ref.version} was never sent`);
  return known.rows as T[];
}

/** Rows of the file table with their positions, narrowed by a files() glob. */
function candidateFiles(ref: TableRef, glob: string | undefined): { files: FileRow[]; position: Map<FileRow, number> } {
  const rows = table<FileRow>(ref);
  const keep = glob ? compilePattern('fileGlob', glob) : undefined;
  const files: FileRow[] = [];
  const position = new Map<FileRow, number>();
  for (let i = 0; i < rows.length; i++) {
    // The glob runs per path: a stall here is located like one in the search itself.
    Atomics.store(progress, PROGRESS_SLOTS.row, i);
    if (keep && !keep(rows[i].path)) continue;
    files.push(rows[i]);
    position.set(rows[i], i);
  }
  return { files, position };
}

async function grep(id: number, request: GrepRequest): Promise<GrepAnswer> {
  const query = parseGrepQuery(request.pattern, request.options);
  const collector = new GrepCollector(query, request.budgetMs);
  const { files, position } = candidateFiles(request.files, query.glob);
  const onFile = (file: FileRow) => Atomics.store(progress, PROGRESS_SLOTS.row, position.get(file) ?? -1);
  let sent = 0;
  let lastSent = Date.now();
  const sendPartial = () => {
    if (collector.matches.length === sent) return;
    post({ id, type: 'partial', matches: collector.matches.slice(sent) });
    sent = collector.matches.length;
    lastSent = Date.now();
  };
  let engine: GrepEngine = 'v8';
  if (request.ripgrep && files.length > 0) {
    const onProcess = (pid: number) => Atomics.store(progress, PROGRESS_SLOTS.process, pid);
    engine = await new Ripgrep(request.ripgrep).search(request.root, files, query, collector, request.maxFileBytes, { onFile, onChunk: sendPartial, onProcess });
  } else {
    regexSearch(request.root, files, query, collector, request.maxFileBytes, (file) => {
      onFile(file);
      if (Date.now() - lastSent > PARTIAL_EVERY_MS) sendPartial();
    });
  }
  const result = collector.result();
  return { matches: result.matches, capped: result.capped, timedOut: result.timedOut === true, engine };
}

function select(request: SelectRequest): string[] {
  const rows = table<unknown>(request.table);
  const matches = compilePattern(request.patternKind, request.pattern);
  const picked: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    Atomics.store(progress, PROGRESS_SLOTS.row, i);
    const key = typeof rows[i] === 'string' ? (rows[i] as string) : (rows[i] as FileRow).path;
    if (matches(key)) picked.push(key);
  }
  return picked;
}

let grammars: Promise<Grammars> | undefined;
const runners = new Map<string, AstQueryRunner>();

async function astQuery(request: AstQueryRequest): Promise<AstQueryAnswer> {
  if (!data.assets) throw new Error('ast_query is not available: this workspace has no syntax assets');
  grammars ??= Grammars.create(data.assets);
  const loaded = await grammars;
  let runner = runners.get(request.root);
  if (!runner) runners.set(request.root, (runner = new AstQueryRunner(loaded, request.root, request.maxFileBytes)));
  const { files, position } = candidateFiles(request.files, request.glob);
  const wanted = files.filter((f) => Grammars.supports(f.language) && f.bytes <= request.maxFileBytes
    && (request.language === undefined || f.language === request.language));
  return runner.run(request.query, wanted, request.maxResults, request.budgetMs,
    (file) => Atomics.store(progress, PROGRESS_SLOTS.row, position.get(file) ?? -1));
}
