// What a host would send the pages in the webview tests: set-ups, chats, exchanges and event streams.

import type { RlmEvent } from '../../src/core/trajectory/events';
import type { ChatSnapshot, Exchange, Review, ReviewFile, SetupStatus } from '../../src/protocol/messages';

export const T0 = 1_795_985_172_837;
const usage = (inputTokens: number, outputTokens: number) => ({ inputTokens, outputTokens, estimated: false });
const totals = { calls: 1, inputTokens: 0, outputTokens: 0, costUsd: 0, estimated: false };

export const READY: SetupStatus = { ready: true, provider: 'openai', rootModel: 'gpt-5', subModel: 'gpt-5-mini', maxCostUsd: 2 };

export function chat(exchanges: Exchange[], id = 'c1', title = 'Backoff'): ChatSnapshot {
  return { id, title, updatedAt: T0, exchanges };
}

export function doneExchange(id: string, answer: string, extra: Partial<Exchange> = {}): Exchange {
  return {
    id, question: `Question ${id}`, status: 'done', answer, stopReason: 'final', costUsd: 0.0123,
    inputTokens: 4_000, outputTokens: 83, durationMs: 5_300, startedAt: T0, ...extra,
  };
}

/**
 * A question half-way: turn 1 streamed and done, its cell running with three sub-calls (one done, one failed,
 * one still out). `id` is the run's id; every node id starts with it.
 */
export function runningEvents(id = 's1.r1'): RlmEvent[] {
  const t = `${id}.t1`;
  const c = `${t}.c1`;
  return [
    { type: 'run_start', time: T0, id, depth: 0, question: 'Where is the backoff computed?', rootModel: 'gpt-5', subModel: 'gpt-5-mini', context: { type: 'workspace', size: 12_345, files: 12 } },
    { type: 'turn_start', time: T0 + 1, id: t, parentId: id, iteration: 1 },
    { type: 'model_text', time: T0 + 2, parentId: t, delta: 'Let me grep for ' },
    { type: 'model_text', time: T0 + 3, parentId: t, delta: '**backoff** first.' },
    { type: 'turn_end', time: T0 + 10, id: t, parentId: id, status: 'done', text: 'Let me grep for **backoff** first.', model: 'gpt-5', usage: usage(2_000, 60), costUsd: 0.003, latencyMs: 9 },
    { type: 'cell_start', time: T0 + 11, id: c, parentId: t, index: 0, code: 'const hits = grep("backoff")' },
    { type: 'subcall_start', time: T0 + 12, id: `${c}.s1`, parentId: c, fn: 'llm_query_batched', batchId: `${id}.b1`, slot: 0, model: 'gpt-5-mini', prompt: 'Summarise chunk 0', promptChars: 17 },
    { type: 'subcall_start', time: T0 + 12, id: `${c}.s2`, parentId: c, fn: 'llm_query_batched', batchId: `${id}.b1`, slot: 1, model: 'gpt-5-mini', prompt: 'Summarise chunk 1', promptChars: 17 },
    { type: 'subcall_start', time: T0 + 12, id: `${c}.s3`, parentId: c, fn: 'llm_query_batched', batchId: `${id}.b1`, slot: 2, model: 'gpt-5-mini', prompt: 'Summarise chunk 2', promptChars: 17 },
    { type: 'subcall_running', time: T0 + 13, parentId: `${c}.s1` },
    { type: 'subcall_running', time: T0 + 13, parentId: `${c}.s2` },
    { type: 'subcall_running', time: T0 + 13, parentId: `${c}.s3` },
    { type: 'subcall_end', time: T0 + 20, id: `${c}.s1`, parentId: c, status: 'done', model: 'gpt-5-mini', response: 'chunk 0 is about retries', usage: usage(300, 20), costUsd: 0.0004, latencyMs: 7 },
    { type: 'subcall_end', time: T0 + 21, id: `${c}.s2`, parentId: c, status: 'error', model: 'gpt-5-mini', response: '', error: '500 from the server', usage: usage(300, 0), costUsd: 0.0003, latencyMs: 8 },
  ];
}

/** The rest of `runningEvents`: the last sub-call, the cell, a second turn with FINAL, the run's end. */
export function endingEvents(id = 's1.r1'): RlmEvent[] {
  const c = `${id}.t1.c1`;
  const t2 = `${id}.t2`;
  return [
    { type: 'subcall_end', time: T0 + 25, id: `${c}.s3`, parentId: c, status: 'done', model: 'gpt-5-mini', response: 'chunk 2 computes it', usage: usage(300, 25), costUsd: 0.0005, latencyMs: 12 },
    { type: 'cell_end', time: T0 + 26, id: c, parentId: `${id}.t1`, status: 'done', output: '3 hits', durationMs: 15 },
    { type: 'turn_start', time: T0 + 27, id: t2, parentId: id, iteration: 2 },
    { type: 'model_text', time: T0 + 28, parentId: t2, delta: 'FINAL' },
    { type: 'turn_end', time: T0 + 30, id: t2, parentId: id, status: 'done', text: 'FINAL', model: 'gpt-5', usage: usage(2_100, 20), costUsd: 0.0028, latencyMs: 3 },
    { type: 'final', time: T0 + 31, parentId: id, answer: 'In src/retry.ts:2' },
    { type: 'run_end', time: T0 + 32, id, status: 'done', answer: 'In src/retry.ts:2', stopReason: 'final', iterations: 2, subCalls: 3, usage: { root: totals, sub: totals, total: totals }, durationMs: 32 },
  ];
}

/**
 * A run of exactly `nodes` nodes (run, turns, cells, sub-calls; a few sub-calls fail, a few are cancelled),
 * each started and ended, in the order a run emits them. Big fan-outs like llm_query_batched.
 */
export function largeRun(nodes: number, id = 'big.r1'): { events: RlmEvent[]; lastNodeId: string } {
  const events: RlmEvent[] = [];
  let time = T0;
  let made = 1;
  let lastNodeId = id;
  events.push({ type: 'run_start', time, id, depth: 0, question: 'Summarise every file', rootModel: 'gpt-5', subModel: 'gpt-5-mini', context: { type: 'workspace', size: 9_000_000, files: 10_000 } });
  for (let turn = 1; made < nodes; turn++) {
    const t = `${id}.t${turn}`;
    events.push({ type: 'turn_start', time: ++time, id: t, parentId: id, iteration: turn });
    events.push({ type: 'turn_end', time: ++time, id: t, parentId: id, status: 'done', text: 'batch', model: 'gpt-5', usage: usage(20_000, 300), costUsd: 0.03, latencyMs: 900 });
    made++;
    lastNodeId = t;
    for (let cell = 1; cell <= 5 && made < nodes; cell++) {
      const c = `${t}.c${cell}`;
      events.push({ type: 'cell_start', time: ++time, id: c, parentId: t, index: cell - 1, code: `await llm_query_batched(chunks.slice(${cell * 100}))` });
      made++;
      lastNodeId = c;
      const subs: string[] = [];
      for (let slot = 0; slot < 100 && made < nodes; slot++, made++) {
        const s = `${c}.s${slot + 1}`;
        subs.push(s);
        events.push({ type: 'subcall_start', time: ++time, id: s, parentId: c, fn: 'llm_query_batched', batchId: `${c}.b`, slot, model: 'gpt-5-mini', prompt: `Summarise chunk ${slot} of cell ${cell}`, promptChars: 4_000 });
        lastNodeId = s;
      }
      for (const [i, s] of subs.entries()) {
        const status = i % 97 === 13 ? 'error' : i % 89 === 7 ? 'cancelled' : 'done';
        events.push({ type: 'subcall_end', time: ++time, id: s, parentId: c, status, model: 'gpt-5-mini', response: status === 'done' ? `summary ${i}` : '', ...(status === 'error' ? { error: '429 too many requests' } : {}), usage: usage(1_000, 50), costUsd: 0.0002, latencyMs: 700 });
      }
      events.push({ type: 'cell_end', time: ++time, id: c, parentId: t, status: 'done', output: `${subs.length} summaries`, durationMs: 1_000 });
    }
  }
  events.push({ type: 'final', time: ++time, parentId: id, answer: 'done' });
  events.push({ type: 'run_end', time: ++time, id, status: 'done', answer: 'done', stopReason: 'final', iterations: 1, subCalls: nodes, usage: { root: totals, sub: totals, total: totals }, durationMs: time - T0 });
  return { events, lastNodeId };
}

/**
 * Proposed edits under exchange `exchangeId`: cart.ts clean with two hunks (the second rejected), pricing.ts
 * conflicted (the user typed on the same line), receipt.ts merged and pending, a created file, and a validation that failed.
 */
/** A proposal to a sensitive file, as the host sends it: marked with why, held out of Accept All. */
export const SENSITIVE_FILE: ReviewFile = {
  path: '.vscode/settings.json', change: 'modify', status: 'clean', progress: 'pending', added: 2, removed: 1, perHunk: true, applied: 0, notes: [], canResolve: false, heldBack: true,
  sensitive: '.vscode/settings.json is editor configuration: it can set commands the editor runs (tasks, launch and dev container configurations, settings such as rlm.validateCommand)',
  hunks: [{ key: '3333333333333333.0', line: 2, oldLines: 1, added: 2, removed: 1, rejected: false, preview: ['-  "editor.tabSize": 2', '+  "editor.tabSize": 2,', '+  "rlm.validateCommand": "touch pwned"'], more: 0 }],
};

export function reviewOf(exchangeId: string, extra: Partial<Review> = {}): Review {
  return {
    exchangeId,
    totals: { files: 4, added: 6, removed: 4 },
    files: [
      {
        path: 'src/cart.ts', change: 'modify', status: 'clean', progress: 'pending', added: 2, removed: 2, perHunk: true, applied: 0, notes: [], canResolve: false,
        hunks: [
          { key: '0123456789abcdef.0', line: 1, oldLines: 1, added: 1, removed: 1, rejected: false, preview: ['-// A cart.', '+// A cart: totals and counts.'], more: 0 },
          { key: 'fedcba9876543210.0', line: 9, oldLines: 1, added: 1, removed: 1, rejected: true, preview: ['-  return prices.length;', '+  return prices.filter((p) => p > 0).length;'], more: 0 },
        ],
      },
      {
        path: 'src/pricing.ts', change: 'modify', status: 'conflicted', progress: 'pending', added: 1, removed: 1, perHunk: true, applied: 0, canResolve: true,
        notes: ['src/pricing.ts changed since the run read it, and the changes overlap the proposal (line 1 of the file now): nothing is applied until you merge them.'],
        hunks: [{ key: '1111111111111111.0', line: 1, oldLines: 1, added: 1, removed: 1, rejected: false, preview: ['-export const RATE = 0.8;', '+export const RATE = 0.85;'], more: 0 }],
      },
      {
        path: 'src/receipt.ts', change: 'modify', status: 'merged', progress: 'pending', added: 1, removed: 1, perHunk: true, applied: 1, canResolve: false,
        notes: ['src/receipt.ts changed since the run read it: the proposal was re-applied onto it by three-way merge. Your changes are kept.'],
        hunks: [{ key: '2222222222222222.0', line: 3, oldLines: 1, added: 1, removed: 1, rejected: false, preview: ['-  return "total";', '+  return "Total:";'], more: 0 }],
      },
      {
        path: 'src/money.ts', change: 'create', status: 'clean', progress: 'pending', added: 2, removed: 0, perHunk: false, applied: 0, notes: [], canResolve: false,
        hunks: [{ key: '*', line: 1, oldLines: 0, added: 2, removed: 0, rejected: false, preview: ['+export const cents = (n: number) => n / 100;', '+export const ZERO = 0;'], more: 0 }],
      },
    ],
    validateCommand: 'npm test',
    validation: { command: 'npm test', state: 'failed', exitCode: 1, outputTail: '1 failing\n  receipt prints the total\n', durationMs: 2_400 },
    ...extra,
  };
}
