// The Tree-sitter-backed SymbolSource: texts parsed on the symbol index's parser thread (SymbolIndex.parseText),
// definitions from the tags queries, identifier uses from the syntax tree (not comments or strings), and the
// semantic check of integrate() with it on TypeScript and Python.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ChangeSet } from '../../../src/core/edits/ChangeSet';
import { integrate } from '../../../src/core/edits/integrate';
import { syntaxSymbols } from '../../../src/core/edits/syntaxSymbols';
import { SymbolIndex } from '../../../src/core/workspace/syntax/SymbolIndex';

const TS = `import { helper } from "./helper";

// call oldName() later
export function oldName(x: number): number {
  return helper(x) + 1;
}

export class Box {
  open(): string {
    return "oldName";
  }
}
`;

const PY = `def old_name(x):
    return x + 1


class Box:
    def open(self):
        return "old_name"  # old_name
`;

let root: string;
let index: SymbolIndex;
before(async () => {
  root = mkdtempSync(join(tmpdir(), 'rlm-syntax-text-'));
  index = await SymbolIndex.open({ root, files: [], workers: 1 });
});
after(() => {
  index.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe('SymbolIndex.parseText', { timeout: 60_000 }, () => {
  test('definitions and the identifiers on the lines asked for, on a parser thread', async () => {
    const syntax = await index.parseText('typescript', TS, [3, 4, 5, 10]);
    assert.deepEqual(syntax?.symbols.map((s) => [s.name, s.kind, s.line]), [['oldName', 'function', 4], ['Box', 'class', 8], ['open', 'method', 9]]);
    assert.deepEqual(syntax?.identifiers, [{ name: 'oldName', line: 4 }, { name: 'x', line: 4 }, { name: 'helper', line: 5 }, { name: 'x', line: 5 }],
      'the comment (line 3) and the string (line 10) name no identifier');
    assert.deepEqual((await index.parseText('typescript', TS))?.identifiers, [], 'no lines, no identifiers');
  });

  test('Python, and languages without a grammar', async () => {
    const syntax = await index.parseText('python', PY, [1, 2, 7]);
    assert.deepEqual(syntax?.symbols.map((s) => s.name), ['old_name', 'Box', 'open']);
    assert.deepEqual(syntax?.identifiers.map((i) => i.name), ['old_name', 'x', 'x']);
    assert.equal(await index.parseText('markdown', '# x\n'), undefined);
  });

  test('inline fallback (no parser threads) gives the same answer', async () => {
    const inline = await SymbolIndex.open({ root, files: [], workers: 0 });
    try {
      assert.deepEqual(await inline.parseText('typescript', TS, [4, 5]), await index.parseText('typescript', TS, [4, 5]));
    } finally {
      inline.dispose();
    }
  });

  test('a closed index refuses; syntaxSymbols then leaves the file out instead of failing', async () => {
    const closed = await SymbolIndex.open({ root, files: [], workers: 1 });
    closed.dispose();
    await assert.rejects(closed.parseText('typescript', TS), /closed/);
    assert.equal(await syntaxSymbols(closed).definitionsOf('a.ts', TS), undefined);
  });
});

describe('integrate with syntaxSymbols', { timeout: 60_000 }, () => {
  test('a rename in TypeScript and Python flags new uses in code, not in comments or strings', async () => {
    const base: Record<string, string> = {
      'src/lib.ts': TS,
      'src/use.ts': 'import { oldName } from "./lib";\nexport const a = oldName(1);\n',
      'py/lib.py': PY,
      'py/use.py': 'from lib import old_name\n\nprint(old_name(1))\n',
    };
    const read = async (p: string) => base[p];
    const rename = new ChangeSet(read);
    await rename.proposeEdit('src/lib.ts', [{ find: 'export function oldName(', replace: 'export function newName(' }]);
    await rename.proposeEdit('src/use.ts', [{ find: 'import { oldName }', replace: 'import { newName }' }, { find: 'oldName(1)', replace: 'newName(1)' }]);
    await rename.proposeEdit('py/lib.py', [{ find: 'def old_name(', replace: 'def new_name(' }]);
    await rename.proposeEdit('py/use.py', 'from lib import new_name\n\nprint(new_name(1))\n');
    const feature = new ChangeSet(read);
    await feature.proposeEdit('src/use.ts', [{ find: 'export const a = oldName(1);', replace: 'export const a = oldName(1);\n// oldName is deprecated\nexport const label = "oldName";\nexport const b = oldName(2);' }]);
    await feature.proposeEdit('py/use.py', [{ find: 'print(old_name(1))', replace: 'print(old_name(1))\n# old_name: see docs\nprint(old_name(2))' }]);
    const { conflicts } = await integrate({ read, symbols: syntaxSymbols(index), partitions: [{ partition: 'rename', changes: rename }, { partition: 'feature', changes: feature }] });
    const semantic = conflicts.filter((c) => c.kind === 'semantic').map((c) => [c.semantic!.name, c.semantic!.used.path, c.semantic!.used.line]);
    assert.deepEqual(semantic, [['old_name', 'py/use.py', 5], ['oldName', 'src/use.ts', 5]]);
    assert.ok(conflicts.some((c) => c.kind === 'overlap'), 'the two edits of src/use.ts line 2 overlap as text too');
  });
});
