// A scripted model explores the multi-language fixture workspace (nested ignores, symlinks out of the
// root, a binary, bundles, an oversized file, a file with a syntax error) through every workspace function.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RlmSession } from '../../../src/core/loop/RlmSession';
import { CodeWorkspace } from '../../../src/core/workspace/CodeWorkspace';
import { createFixture, FIXTURE_MAX_FILE_BYTES } from '../workspace/fixtureWorkspace';
import { code, scripted } from '../../support/scriptedModels';

test('every workspace function through the sandbox on a realistic fixture', async () => {
  const fixture = createFixture();
  // Half-written code, as in a real working tree: Tree-sitter still recovers the definitions around it.
  writeFileSync(join(fixture.root, 'src', 'draft.ts'), 'export function ready() { return 1; }\nexport function broken( {\n  return ;\n}\nexport class Later {}\n');
  const s = await scripted([
    code('What is in here?', `const paths = files().map(f => f.path);
print(paths.join('\\n'));
print(JSON.stringify(context.workspace.languages));`),
    (req) => {
      const out = req.messages.at(-1)!.content;
      for (const kept of ['src/orders/OrderService.ts', 'py/app/models.py', 'go/main.go', 'rust/src/lib.rs', 'src/legacy/keep.gen.ts', 'keep.log', 'scripts/migrate', 'link-in-file.ts']) {
        assert.ok(out.includes(kept), `${kept} is listed`);
      }
      for (const gone of ['dist/bundle.js', 'node_modules', 'secrets.txt', 'app.log', 'local-notes.md', 'old.gen.ts', 'logo.png', 'app.min.js', 'vendor.js', 'big.txt', 'link-out']) {
        assert.ok(!out.includes(gone), `${gone} is not listed`);
      }
      return code('Try what should be refused.', `for (const p of ['link-out-file.txt', 'link-out-dir/inner.ts', 'secrets.txt', 'assets/logo.png', '/etc/passwd', '../outside/secret.txt']) {
  try { read(p); print(p + ': READ'); } catch (e) { print(p + ': ' + e.message); }
}`);
    },
    (req) => {
      const out = req.messages.at(-1)!.content;
      assert.doesNotMatch(out, /: READ/);
      assert.doesNotMatch(out, /outside secret|hunter2/);
      assert.match(out, /secrets\.txt: .*(ignored|excluded)/i);
      assert.match(out, /assets\/logo\.png: .*binary/i);
      assert.match(out, /\/etc\/passwd: .*absolute|\/etc\/passwd: .*outside/);
      return code('Search with context, then read structure.', `const todos = grep("todo", {ignoreCase: true, context: 1});
print(todos.map(t => t.path + ':' + t.line + ' | ' + (t.before || []).join(' / ')).join('\\n'));
print(symbols({kind: ["class", "interface"]}).map(s => s.path + ' ' + s.kind + ' ' + s.name).join('\\n'));
print(symbols({path: "src/draft.ts"}).map(s => s.name).join(','));
print(outline("src/orders/OrderService.ts"));
print(JSON.stringify(ast_query('(function_definition name: (identifier) @name)', {language: "python"}).map(m => m.captures[0].text)));`);
    },
    (req) => {
      const out = req.messages.at(-1)!.content;
      assert.match(out, /src\/index\.ts:5 \| const service = new OrderService\(\);/);
      assert.match(out, /py\/app\/models\.py:10/);
      assert.match(out, /src\/orders\/OrderService\.ts interface Order\nsrc\/orders\/OrderService\.ts class OrderService/);
      assert.match(out, /py\/app\/models\.py class Order/);
      assert.match(out, /ready,.*Later|Later.*ready/);
      assert.match(out, /class OrderService[\s\S]*add[\s\S]*list[\s\S]*total/);
      assert.match(out, /\["with_tax"\]/);
      return code('Done.', 'FINAL(todos.length)');
    },
  ]);
  const workspace = await CodeWorkspace.openAsync(fixture.root, { cacheDir: false, workers: 1, maxFileBytes: FIXTURE_MAX_FILE_BYTES });
  const session = await RlmSession.create({ models: s.models, context: { kind: 'workspace', workspace } });
  try {
    const result = await session.ask('Where are the TODOs?');
    assert.equal(result.stopReason, 'final', result.detail);
    assert.equal(Number(result.answer) >= 4, true, result.answer);
  } finally {
    session.dispose();
    workspace.dispose();
    await s.close();
    fixture.cleanup();
  }
});
