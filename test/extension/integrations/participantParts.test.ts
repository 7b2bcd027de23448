// The pieces of @rlm that need no editor: the sub-model chosen beside the picked one, the answer cut into Markdown
// and path:line anchors, the progress lines a run is told as, and the reply an ended question becomes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerParts } from '../../../src/extension/integrations/answerParts';
import { renderReply, type ReplySink } from '../../../src/extension/integrations/reply';
import { MAX_READ_PATHS, RunNarration } from '../../../src/core/integrations/RunNarration';
import { COMMANDS } from '../../../src/extension/commandIds';
import { cheaperSibling } from '../../../src/extension/models/pickedModel';
import type { RlmEvent } from '../../../src/core/trajectory/events';
import type { Exchange } from '../../../src/protocol/messages';

const model = (id: string, family: string, vendor = 'copilot') => ({ id, family, vendor, name: id });

test('the sub-model: the cheap member of the picked model\'s family from the same vendor, else none', () => {
  const offered = [model('gpt-4o', 'gpt-4o'), model('gpt-4o-mini', 'gpt-4o-mini'), model('o3-mini', 'o3-mini'), model('claude-sonnet-4', 'claude-sonnet-4'), model('claude-3.5-haiku', 'claude-3.5-haiku'), model('gpt-4o-mini-other', 'gpt-4o-mini', 'other-vendor')];
  assert.equal(cheaperSibling(offered[0]!, offered)?.id, 'gpt-4o-mini', 'the closest name wins over another cheap model of the vendor');
  assert.equal(cheaperSibling(offered[3]!, offered)?.id, 'claude-3.5-haiku');
  assert.equal(cheaperSibling(offered[1]!, offered), undefined, 'the picked model is already the cheap one');
  assert.equal(cheaperSibling(model('gemini-2.5-pro', 'gemini-2.5-pro'), offered), undefined, 'nothing of its line: no sibling (another vendor\'s or line\'s cheap model is not one)');
  assert.equal(cheaperSibling(model('e2e-coder', 'e2e', 'e2etest'), [model('e2e-coder', 'e2e', 'e2etest'), model('e2e-coder-mini', 'e2e', 'e2etest')])?.id, 'e2e-coder-mini', 'by id when the family is shared');
  assert.equal(cheaperSibling(model('big', 'x'), [model('mini', 'x')]), undefined, 'a cheap word alone, with nothing of the name in common, is not enough');
});

test('answer parts: path:line references become anchors, except inside code blocks and longer inline code', () => {
  const answer = 'See src/a.ts:3 and `src/b.ts:10-12`.\n\n```ts\n// src/c.ts:4\n```\nAlso `call(src/d.ts:5)` and README.md:1';
  const parts = answerParts(answer);
  assert.deepEqual(parts.filter((p) => p.kind === 'ref').map((p) => p.kind === 'ref' && [p.ref, p.text]), [
    [{ path: 'src/a.ts', line: 3 }, 'src/a.ts:3'],
    [{ path: 'src/b.ts', line: 10, endLine: 12 }, 'src/b.ts:10-12'],
    [{ path: 'README.md', line: 1 }, 'README.md:1'],
  ]);
  assert.equal(parts.map((p) => (p.kind === 'ref' ? `[${p.text}]` : p.text)).join(''), answer.replace('src/a.ts:3', '[src/a.ts:3]').replace('`src/b.ts:10-12`', '[src/b.ts:10-12]').replace('README.md:1', '[README.md:1]'), 'nothing else is lost or moved');
  assert.deepEqual(answerParts('no references'), [{ kind: 'markdown', text: 'no references' }]);
  assert.deepEqual(answerParts('```\nsrc/a.ts:1 unclosed fence'), [{ kind: 'markdown', text: '```\nsrc/a.ts:1 unclosed fence' }]);
});

function events(...list: Array<Partial<RlmEvent> & { type: RlmEvent['type'] }>): RlmEvent[] {
  return list.map((e) => ({ time: 0, ...e }) as RlmEvent);
}

test('narration: one line per root turn and per batch of sub-calls (counted), not per event; child runs\' turns are not told', async () => {
  const lines: string[] = [];
  const narration = new RunNarration((line) => lines.push(line));
  const batch = Array.from({ length: 50 }, (_, slot) => ({ type: 'subcall_start' as const, id: `s${slot}`, parentId: 'c1', fn: 'llm_query_batched' as const, batchId: 'b1', slot, model: 'mini', prompt: 'p', promptChars: 1 }));
  for (const e of events(
    { type: 'run_start', id: 'r1', depth: 0, rootModel: 'big', subModel: 'mini', question: 'q' },
    { type: 'turn_start', id: 't1', parentId: 'r1', iteration: 1 },
    { type: 'cell_start', id: 'c1', parentId: 't1', index: 0, code: 'for (const f of files("src/**")) read(f.path);' },
    ...batch,
    { type: 'subcall_start', id: 'q1', parentId: 'c1', fn: 'llm_query', model: 'mini', prompt: 'p', promptChars: 1 },
    { type: 'subcall_start', id: 'q2', parentId: 'c1', fn: 'llm_query', model: 'mini', prompt: 'p', promptChars: 1 },
    { type: 'subcall_start', id: 'k1', parentId: 'c1', fn: 'rlm_query', model: 'big', prompt: 'p', promptChars: 1 },
    { type: 'run_start', id: 'r1.k1', parentId: 'c1', depth: 1, rootModel: 'big', subModel: 'mini', question: 'part' },
    { type: 'turn_start', id: 'kt1', parentId: 'r1.k1', iteration: 1 },
    { type: 'edit_proposed', id: 'e1', parentId: 'c1', path: 'src/a.ts', change: 'modify', added: 1, removed: 1 },
    { type: 'edit_proposed', id: 'e2', parentId: 'c1', path: 'src/a.ts', change: 'modify', added: 1, removed: 1 },
    { type: 'cell_end', id: 'kc1', parentId: 'kt1', status: 'done', output: '', durationMs: 1, filesRead: ['src/b.ts', 'src/c.ts'] },
    { type: 'cell_end', id: 'c1', parentId: 't1', status: 'done', output: '', durationMs: 1, filesRead: ['src/a.ts', 'src/b.ts'] },
    { type: 'turn_start', id: 't2', parentId: 'r1', iteration: 2 },
    { type: 'turn_start', id: 't3', parentId: 'r1', iteration: 3, last: true },
  )) narration.onEvent(e);
  await Promise.resolve();
  // The batch is told once its sub-calls have all started (they start in one tick), with the turn they belong to.
  assert.deepEqual(lines, [
    'Turn 1: big is writing code…',
    'Turn 1: sub-calls to mini…',
    'Turn 1: a child RLM works on part of the question…',
    'Turn 1: proposed a change to src/a.ts',
    'Turn 2: big is writing code…',
    'Asking big for its best answer so far…',
    'Turn 1: 50 sub-calls to mini in parallel…',
  ]);
  assert.deepEqual(narration.readPaths(), ['src/b.ts', 'src/c.ts', 'src/a.ts'], 'the files each cell\'s end names, the child run\'s included, each once in the order first read');
});

test('narration keeps at most MAX_READ_PATHS paths for references', () => {
  const narration = new RunNarration(() => {});
  const filesRead = Array.from({ length: MAX_READ_PATHS + 10 }, (_, i) => `f${i}.ts`);
  narration.onEvent({ type: 'cell_end', id: 'c', parentId: 't', status: 'done', output: '', durationMs: 1, filesRead, time: 0 });
  assert.equal(narration.readPaths().length, MAX_READ_PATHS);
});

class RecordingSink implements ReplySink {
  readonly parts: string[] = [];
  markdown(text: string) { this.parts.push(`md:${text}`); }
  anchor(file: string, ref: { line: number; endLine?: number }, title: string) { this.parts.push(`anchor:${file}#${ref.line}${ref.endLine ? `-${ref.endLine}` : ''}:${title}`); }
  reference(file: string) { this.parts.push(`ref:${file}`); }
  button(title: string, command: string, args: unknown[]) { this.parts.push(`button:${title}:${command}:${JSON.stringify(args)}`); }
}

const done: Exchange = { id: 'c1.q1', question: 'q', status: 'done', answer: 'It is in `src/a.ts:3`, not in gone.ts:1.', stopReason: 'final', costUsd: 0, unpricedCalls: 4, durationMs: 2100, startedAt: 0 };

test('reply: references, the answer with anchors only for files of the folder, the footer, the run button', () => {
  const sink = new RecordingSink();
  renderReply(sink, { exchange: done, run: { iterations: 2, subCalls: 3 }, readPaths: ['src/a.ts', 'outside.ts'], files: new Map([['src/a.ts', '/ws/src/a.ts']]) });
  assert.deepEqual(sink.parts, [
    'ref:/ws/src/a.ts',
    'md:It is in ',
    'anchor:/ws/src/a.ts#3:src/a.ts:3',
    'md:, not in gone.ts:1.',
    'md:\n\n*2 turns · 3 sub-calls · cost unknown · 4 requests to models with no known price · 2.1s*',
    `button:Show the run:${COMMANDS.showRun}:["c1.q1"]`,
  ]);
});

test('reply: a stop by a limit says why with its fix; proposed changes list sensitive files first, with the review button', () => {
  const sink = new RecordingSink();
  const stopped: Exchange = { ...done, answer: 'partial', stopReason: 'max_requests', detail: 'the request cap (300) was reached', actions: [{ label: 'Raise the cap', command: 'workbench.action.openSettings', args: ['rlm.maxRequestsPerQuestion'] }] };
  renderReply(sink, {
    exchange: stopped, readPaths: [], files: new Map(),
    proposed: { added: 3, removed: 1, unresolvedConflicts: 1, files: [
      { path: 'src/a.ts', change: 'modify', descriptions: [], added: 2, removed: 1 },
      { path: '.vscode/settings.json', change: 'modify', descriptions: [], added: 1, removed: 0, sensitive: '.vscode/settings.json is editor settings' },
    ] },
  });
  const text = sink.parts.join('\n');
  assert.match(text, /\*\*Stopped before a final answer \(request limit reached\)\.\*\* the request cap \(300\) was reached The answer above is the best the run had\./);
  assert.match(text, /button:Raise the cap:workbench\.action\.openSettings:\["rlm\.maxRequestsPerQuestion"\]/);
  assert.match(text, /\*\*Proposed changes: 2 files, \+3 −1\.\*\* Nothing is written until you accept them in the review\.\n- `\.vscode\/settings\.json` modify \+1 −0 — \*\*sensitive\*\*: \.vscode\/settings\.json is editor settings; not in Accept All\n- `src\/a\.ts` modify \+2 −1\n\n1 conflict between partitions to resolve in the review\./);
  assert.equal(sink.parts.at(-1), `button:Review the changes:${COMMANDS.reviewChanges}:["c1.q1"]`);
});

test('reply: a failure says so with its fixes; a question that never ran has no run button or footer', () => {
  const sink = new RecordingSink();
  renderReply(sink, { exchange: { id: 'c1.q2', question: 'q', status: 'error', detail: 'No folder is open.', actions: [{ label: 'Open Folder', command: 'workbench.action.files.openFolder' }], noRun: true, startedAt: 0 }, readPaths: [], files: new Map() });
  assert.deepEqual(sink.parts, ['md:**RLM could not answer.** No folder is open.', 'button:Open Folder:workbench.action.files.openFolder:[]']);
});
