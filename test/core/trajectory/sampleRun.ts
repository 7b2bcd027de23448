// A small, complete run in schema 2 for the trajectory tests: one turn that retried, one cell with a
// sub-call and a child run under it.
import type { RlmEvent } from '../../../src/core/trajectory/events';

export const KEY = 'sk-live-0123456789abcdef';
const usage = { inputTokens: 10, outputTokens: 5, estimated: false };
const totals = { calls: 1, inputTokens: 10, outputTokens: 5, costUsd: 0.01, estimated: false };

export function sampleRun(): RlmEvent[] {
  const t = 1_700_000_000_000;
  return [
    { type: 'run_start', time: t, id: 'r1', depth: 0, question: 'q', rootModel: 'root', subModel: 'sub', context: { type: 'text', size: 3 } },
    { type: 'turn_start', time: t + 1, id: 'r1.t1', parentId: 'r1', iteration: 1 },
    { type: 'model_text', time: t + 2, parentId: 'r1.t1', delta: 'half an ans' },
    { type: 'retry', time: t + 3, parentId: 'r1.t1', attempt: 2, delayMs: 0, reason: '500' },
    { type: 'model_text', time: t + 3, parentId: 'r1.t1', delta: 'Let me look.' },
    { type: 'turn_end', time: t + 10, id: 'r1.t1', parentId: 'r1', status: 'done', text: 'Let me look.', model: 'root', usage, costUsd: 0.01, latencyMs: 9 },
    { type: 'cell_start', time: t + 11, id: 'r1.t1.c1', parentId: 'r1.t1', index: 0, code: `llm_query("${KEY}")` },
    { type: 'subcall_start', time: t + 12, id: 'r1.t1.c1.s1', parentId: 'r1.t1.c1', fn: 'llm_query', model: 'sub', prompt: KEY, promptChars: KEY.length },
    { type: 'subcall_end', time: t + 20, id: 'r1.t1.c1.s1', parentId: 'r1.t1.c1', status: 'done', model: 'sub', response: 'ok', usage, costUsd: 0.002, latencyMs: 8 },
    { type: 'run_start', time: t + 21, id: 'r1.t1.c1.r1', parentId: 'r1.t1.c1', depth: 1, question: 'sub-task', rootModel: 'sub', subModel: 'sub', context: { type: 'text', size: 1 } },
    { type: 'run_end', time: t + 30, id: 'r1.t1.c1.r1', parentId: 'r1.t1.c1', status: 'done', answer: 'child says 1', stopReason: 'final', iterations: 1, subCalls: 0, usage: { root: totals, sub: totals, total: totals }, durationMs: 9 },
    { type: 'cell_end', time: t + 31, id: 'r1.t1.c1', parentId: 'r1.t1', status: 'done', output: 'ok', durationMs: 20 },
    { type: 'final', time: t + 32, parentId: 'r1', answer: '42' },
    { type: 'run_end', time: t + 33, id: 'r1', status: 'done', answer: '42', stopReason: 'final', iterations: 1, subCalls: 2, usage: { root: totals, sub: totals, total: totals }, durationMs: 33 },
  ];
}
