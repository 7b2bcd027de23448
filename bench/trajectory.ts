// Trajectory fold: how fast TrajectoryTree folds a long event stream (the live UI folds every event as it
// arrives; replay folds a whole file). The stream is synthetic but shaped like a busy run: turns that stream
// their text in small deltas and sometimes retry, cells that fan out llm_query_batched batches through a
// concurrency of 8 (queued, sent, streamed, ended, a few failing), and rlm_query child runs two levels deep.
// Alone: node --import tsx bench/trajectory.ts
import { seededRandom } from '../src/core/eval/random';
import type { Usage } from '../src/core/models/types';
import type { RlmEvent, SubCallFunction } from '../src/core/trajectory/events';
import { parseTrace } from '../src/core/trajectory/readTrace';
import { Trajectory } from '../src/core/trajectory/Trajectory';
import { TrajectoryTree } from '../src/core/trajectory/TrajectoryTree';
import { renderSection, type Section } from './report';

export const FOLD_EVENTS = 100_000;
const FOLD_TARGET_MS = 1_000;
const CONCURRENCY = 8;

/** A deterministic run of at least `minEvents` events in which every node that starts also ends. */
export function syntheticStream(minEvents: number, seed = 42): RlmEvent[] {
  const r = seededRandom(seed);
  const random = r.next;
  const between = r.int;
  const events: RlmEvent[] = [];
  let time = 1_700_000_000_000;
  const tick = () => (time += between(0, 3));
  const usage = (input: number, output: number, estimated = false): Usage => ({ inputTokens: input, outputTokens: output, estimated });
  const words = 'the model reads the workspace greps for callers and asks sub-models about each file'.split(' ');
  const delta = () => `${words[between(0, words.length - 1)]} ${words[between(0, words.length - 1)]} `;
  let batchSeq = 0;

  const stream = (parentId: string, count: number) => {
    for (let i = 0; i < count; i++) events.push({ type: 'model_text', time: tick(), parentId, delta: delta() });
  };

  const turn = (runId: string, iteration: number, model: string) => {
    const id = `${runId}.t${iteration}`;
    events.push({ type: 'turn_start', time: tick(), id, parentId: runId, iteration });
    stream(id, between(20, 60));
    if (random() < 0.1) {
      events.push({ type: 'retry', time: tick(), parentId: id, attempt: 2, delayMs: 500, reason: '429 rate limited' });
      stream(id, between(20, 60));
    }
    events.push({
      type: 'turn_end', time: tick(), id, parentId: runId, status: 'done', text: 'streamed text', model,
      usage: usage(between(2_000, 40_000), between(100, 900)), costUsd: 0.01, latencyMs: between(800, 9_000),
    });
    return id;
  };

  const batch = (cellId: string, runId: string, size: number) => {
    const batchId = `${runId}.b${++batchSeq}`;
    const queued: string[] = [];
    for (let slot = 0; slot < size; slot++) {
      const id = `${cellId}.s${slot + 1}`;
      const fn: SubCallFunction = 'llm_query_batched';
      events.push({ type: 'subcall_start', time: tick(), id, parentId: cellId, fn, batchId, slot, model: 'sub', prompt: `Summarise chunk ${slot}`, promptChars: 4_000 });
      queued.push(id);
    }
    const inFlight: Array<{ id: string; left: number }> = [];
    const send = () => {
      const id = queued.shift();
      if (id === undefined) return;
      events.push({ type: 'subcall_running', time: tick(), parentId: id });
      inFlight.push({ id, left: between(2, 8) });
    };
    for (let i = 0; i < CONCURRENCY; i++) send();
    while (inFlight.length > 0) {
      const k = between(0, inFlight.length - 1);
      const call = inFlight[k]!;
      if (call.left-- > 0) {
        events.push({ type: 'model_text', time: tick(), parentId: call.id, delta: delta() });
        if (random() < 0.01) events.push({ type: 'retry', time: tick(), parentId: call.id, attempt: 2, delayMs: 250, reason: 'stream cut off' });
        continue;
      }
      const failed = random() < 0.03;
      events.push({
        type: 'subcall_end', time: tick(), id: call.id, parentId: cellId, status: failed ? 'error' : 'done', model: 'sub',
        response: failed ? '' : 'a summary', error: failed ? '500 internal error' : undefined,
        usage: usage(failed ? 0 : between(900, 1_200), failed ? 0 : between(40, 200), random() < 0.05), costUsd: failed ? 0 : 0.0004,
        latencyMs: between(300, 3_000),
      });
      inFlight.splice(k, 1);
      send();
    }
  };

  const run = (id: string, parentId: string | undefined, depth: number, turns: () => boolean) => {
    const model = depth === 0 ? 'root' : 'sub';
    events.push({ type: 'run_start', time: tick(), id, parentId, depth, question: 'Where is the retry policy?', rootModel: model, subModel: 'sub', context: { type: 'workspace', size: 48_000_000, files: 7_728 } });
    let iteration = 0;
    while (turns()) {
      const turnId = turn(id, ++iteration, model);
      const cells = between(1, 2);
      for (let c = 1; c <= cells; c++) {
        const cellId = `${turnId}.c${c}`;
        events.push({ type: 'cell_start', time: tick(), id: cellId, parentId: turnId, index: c - 1, code: 'const parts = await llm_query_batched(chunks)' });
        batch(cellId, id, depth === 0 ? between(16, 64) : between(4, 12));
        if (depth < 2 && random() < 0.3) {
          let childTurns = between(1, 3);
          run(`${cellId}.r1`, cellId, depth + 1, () => childTurns-- > 0);
        }
        const failed = random() < 0.05;
        events.push({ type: 'cell_end', time: tick(), id: cellId, parentId: turnId, status: failed ? 'error' : 'done', output: 'printed', error: failed ? 'TypeError: x is undefined' : undefined, durationMs: 1_000 });
      }
    }
    events.push({ type: 'final', time: tick(), parentId: id, answer: 'src/retry.ts:2' });
    const zero = { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, estimated: false };
    events.push({ type: 'run_end', time: tick(), id, parentId, status: 'done', answer: 'src/retry.ts:2', stopReason: 'final', iterations: iteration, subCalls: 0, usage: { root: zero, sub: zero, total: zero }, durationMs: 0 });
  };

  // Root turns until the stream is long enough (a child run's events count too).
  run('s0.r1', undefined, 0, () => events.length < minEvents - 500);
  return events;
}

export interface TrajectoryBenchResult {
  events: number;
  nodes: number;
  maxDepth: number;
  /** The first fold in this process: cold JIT, as a webview meets it. */
  firstFoldMs: number;
  /** Median of the later folds. */
  medianFoldMs: number;
  folds: number;
  /** parseTrace (JSON, receipt) of the same stream as a JSONL file, then a fold: what `rlm replay` does. */
  replayMs: number;
  jsonlMegabytes: number;
}

export function trajectoryBench(folds = 7): TrajectoryBenchResult {
  const events = syntheticStream(FOLD_EVENTS);
  const times: number[] = [];
  let tree: TrajectoryTree | undefined;
  for (let i = 0; i < folds; i++) {
    const started = performance.now();
    tree = TrajectoryTree.from(events);
    times.push(performance.now() - started);
  }
  const trajectory = new Trajectory();
  const lines = [trajectory.headerLine];
  trajectory.on((_event, line) => lines.push(line));
  for (const event of events) trajectory.emit(event);
  lines.push(JSON.stringify(trajectory.receipt()));
  const jsonl = lines.join('\n') + '\n';
  const started = performance.now();
  const trace = parseTrace(jsonl);
  TrajectoryTree.from(trace.events);
  const replayMs = performance.now() - started;
  if (trace.receipt !== 'valid') throw new Error('the synthetic trace does not verify');
  const later = times.slice(1).sort((a, b) => a - b);
  let maxDepth = 0;
  const walk = (nodes: readonly { children: readonly unknown[] }[], depth: number) => {
    for (const n of nodes) {
      maxDepth = Math.max(maxDepth, depth);
      walk(n.children as typeof nodes, depth + 1);
    }
  };
  walk(tree!.roots, 1);
  return {
    events: events.length,
    nodes: tree!.size,
    maxDepth,
    firstFoldMs: times[0]!,
    medianFoldMs: later[Math.floor(later.length / 2)] ?? times[0]!,
    folds,
    replayMs,
    jsonlMegabytes: jsonl.length / 1e6,
  };
}

export function trajectorySection(r: TrajectoryBenchResult): Section {
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  return {
    title: 'Trajectory fold (TrajectoryTree)',
    rows: [
      { measure: `fold ${r.events.toLocaleString('en-US')} events, first fold (cold)`, value: ms(r.firstFoldMs), target: `< ${ms(FOLD_TARGET_MS)}`, ok: r.firstFoldMs < FOLD_TARGET_MS },
      { measure: `fold ${r.events.toLocaleString('en-US')} events, median of ${r.folds - 1} later folds`, value: ms(r.medianFoldMs), target: `< ${ms(FOLD_TARGET_MS)}`, ok: r.medianFoldMs < FOLD_TARGET_MS },
      { measure: 'events folded per second (median fold)', value: `${Math.round(r.events / (r.medianFoldMs / 1000)).toLocaleString('en-US')}`, target: '' },
      { measure: `replay: parseTrace + fold of the same stream as JSONL (${r.jsonlMegabytes.toFixed(1)} MB)`, value: ms(r.replayMs), target: '' },
    ],
    notes: [
      `Synthetic stream (bench/trajectory.ts, seeded): ${r.nodes.toLocaleString('en-US')} nodes, ${r.maxDepth} levels deep; turns streamed in ` +
        'small deltas with occasional retries, llm_query_batched batches of 16-64 through a concurrency of 8 (queued, sent, streamed, ended, ' +
        '3% failing), rlm_query child runs two levels deep.',
    ],
  };
}

if (require.main === module) {
  console.log(renderSection(trajectorySection(trajectoryBench())));
}
