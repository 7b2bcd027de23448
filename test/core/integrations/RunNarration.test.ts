// The files a run read, as @rlm and MCP cite them: the real engine over a real workspace with a scripted model whose
// code reads the way models do (a grep hit's path, a loop over files(), a path built at run time, outline(), a child
// run's own read), so the references are what the code read whatever it computed the path from. A file only grep
// matched is not one it read, and an ignored or credential file never is: reading it is refused.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunNarration } from '../../../src/core/integrations/RunNarration';
import { RlmSession } from '../../../src/core/loop/RlmSession';
import type { CellEndEvent } from '../../../src/core/trajectory/events';
import { CodeWorkspace } from '../../../src/core/workspace/CodeWorkspace';
import { code, scripted } from '../../support/scriptedModels';

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rlm-narration-'));
  mkdirSync(join(dir, 'src', 'money'), { recursive: true });
  mkdirSync(join(dir, 'build'));
  writeFileSync(join(dir, '.gitignore'), 'build/\n');
  writeFileSync(join(dir, '.env'), 'OPENAI_API_KEY=sk-live-narration-0000\n');
  writeFileSync(join(dir, 'build', 'receipt.js'), 'formatCents();\n');
  writeFileSync(join(dir, 'src', 'receipt.ts'), 'import { formatCents } from "./money/format";\nexport const line = (c: number) => formatCents(c);\n');
  writeFileSync(join(dir, 'src', 'money', 'format.ts'), 'export function formatCents(c: number) {\n  return (c / 100).toFixed(2);\n}\n');
  writeFileSync(join(dir, 'src', 'money', 'round.ts'), 'export const round = (c: number) => Math.round(c);\n');
  writeFileSync(join(dir, 'src', 'cart.ts'), 'export class Cart {\n  total() { return 0; }\n}\n');
  writeFileSync(join(dir, 'src', 'tax.ts'), 'export const RATE = 0.2; // formatCents is not here\n');
  return dir;
}

test('references are the files the run\'s code read: paths from grep hits, loops and run-time strings, outline(), a child run\'s; never a refused file', async () => {
  const s = await scripted([
    code('Follow the grep hits.', `const hits = grep("export function formatCents");
print(read(hits[0].path, 1, 2));
for (const f of files("src/money/**")) read(f.path);
const name = "cart";
print(outline(\`src/\${name}.ts\`));
read("./src/cart.ts");
for (const p of [".env", "build/receipt.js", "src/nope.ts"]) { try { read(p); } catch (e) { print("refused " + p); } }
const callers = grep("formatCents\\\\(", {glob: "src/**"});
print(callers.length + " callers");`),
    code('Ask a child about the receipt.', 'const part = await rlm_query("What does the receipt print?", {context: {path: "src/receipt.ts"}});\nprint(part);'),
    code('Done.', 'FINAL("formatCents in src/money/format.ts:1")'),
  ], (req) => (/What does the receipt print/.test(req.messages.map((m) => m.content).join('\n'))
    ? code('Read it.', 'FINAL(read(context.path).split("\\n")[1])')
    : 'sub'));
  const dir = project();
  const workspace = await CodeWorkspace.openAsync(dir, { cacheDir: false, workers: 1 });
  const session = await RlmSession.create({ models: s.models, context: { kind: 'workspace', workspace }, limits: { maxDepth: 2 } });
  try {
    const narration = new RunNarration(() => {});
    const ends: CellEndEvent[] = [];
    const result = await session.ask('Where are cents formatted?', {
      onEvent: (e) => {
        narration.onEvent(e);
        if (e.type === 'cell_end') ends.push(e);
      },
    });
    assert.equal(result.stopReason, 'final', result.detail);
    const output = s.rootRequests()[1]!.messages.at(-1)!.content;
    assert.match(output, /refused \.env\nrefused build\/receipt\.js\nrefused src\/nope\.ts/, 'the three reads were refused');
    assert.match(output, /2 callers/, 'grep matched src/receipt.ts and src/money/format.ts');
    assert.deepEqual(narration.readPaths(), ['src/money/format.ts', 'src/money/round.ts', 'src/cart.ts', 'src/receipt.ts'],
      'in the order first read, each once (./src/cart.ts is src/cart.ts); the child run\'s read included; src/tax.ts, only grepped, is not');
    // The trace keeps them too: each cell's end names what that cell read (the child's cell ends inside the second).
    assert.deepEqual(ends.map((e) => e.filesRead ?? []), [['src/money/format.ts', 'src/money/round.ts', 'src/cart.ts'], ['src/receipt.ts'], [], []]);
  } finally {
    session.dispose();
    workspace.dispose();
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
