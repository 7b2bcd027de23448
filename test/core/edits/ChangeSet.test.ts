// ChangeSet: proposals against a base, what read() sees afterwards, the records' shape after renames and
// deletes, line endings and final newlines, serialisation, and the errors model code gets.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChangeSet, MAX_TEXT_CHARS } from '../../../src/core/edits/ChangeSet';
import { sha256 } from '../../../src/core/edits/lineDiff';

/** A base held in memory, recording every read (the engine passes the workspace's confined reader). */
function baseOf(files: Record<string, string>) {
  const reads: string[] = [];
  const read = async (path: string) => {
    reads.push(path);
    return Object.hasOwn(files, path) ? files[path] : undefined;
  };
  return { read, reads };
}

const BASE = {
  'src/a.ts': 'export function alpha() {\n  return 1;\n}\n\nexport function beta() {\n  return 2;\n}\n',
  'src/b.ts': 'import { alpha } from "./a";\nalpha();\n',
  'crlf.txt': 'one\r\ntwo\r\nthree\r\n',
  'mixed.txt': 'one\r\ntwo\nthree\r\n',
  'nonl.txt': 'first\nlast',
  'bom.ts': '\ufeffconst x = 1;\n',
  'empty.txt': '',
  'uni.txt': 'naïve café 🎉\nstraße\n',
};

describe('ChangeSet: find/replace', () => {
  test('applies pairs in order against the pending text and reports +/- counts', async () => {
    const cs = new ChangeSet(baseOf(BASE).read);
    const r = await cs.proposeEdit('src/a.ts', [{ find: 'return 1;', replace: 'return 10;' }, { find: 'return 10;', replace: 'return 100;' }], 'bump');
    assert.deepEqual(r, { path: 'src/a.ts', change: 'modify', descriptions: ['bump'], added: 1, removed: 1, description: 'bump' });
    assert.equal(await cs.textOf('src/a.ts'), BASE['src/a.ts'].replace('return 1;', 'return 100;'));
    await cs.proposeEdit('src/a.ts', [{ find: 'beta', replace: 'gamma' }], 'rename beta');
    const [file] = await cs.pending();
    assert.equal(file.added, 2);
    assert.equal(file.removed, 2);
    assert.deepEqual(file.descriptions, ['bump', 'rename beta']);
    assert.match(file.diff, /^--- a\/src\/a.ts\n\+\+\+ b\/src\/a.ts\n@@ -1,7 \+1,7 @@\n/);
    assert.match(file.diff, /\n-  return 1;\n\+  return 100;\n/);
  });

  test('zero or several matches throw an error naming the pair and the count, and change nothing', async () => {
    const cs = new ChangeSet(baseOf(BASE).read);
    await cs.proposeEdit('src/a.ts', [{ find: 'return 1;', replace: 'return 9;' }]);
    const before = await cs.textOf('src/a.ts');
    await assert.rejects(
      cs.proposeEdit('src/a.ts', [{ find: 'alpha', replace: 'ALPHA' }, { find: 'return', replace: 'yield' }]),
      (e: Error) => /edit 2 of 2 \(find: "return"\) matches 2 times \(lines 2, 6\)/.test(e.message) && /Nothing was changed/.test(e.message),
    );
    await assert.rejects(cs.proposeEdit('src/a.ts', [{ find: 'no such text', replace: 'x' }]), /edit 1 of 1 \(find: "no such text"\) matches 0 times/);
    assert.equal(await cs.textOf('src/a.ts'), before, 'a failed call leaves the pending text as it was (the first pair is not kept)');
    assert.equal(cs.revision, 1);
  });

  test('overlapping occurrences count: "aa" occurs twice in "aaa"', async () => {
    const cs = new ChangeSet(baseOf({ 'x.txt': 'aaa\n' }).read);
    await assert.rejects(cs.proposeEdit('x.txt', [{ find: 'aa', replace: 'b' }]), /matches 2 times/);
  });

  test('an empty find, a find equal to its replace, malformed pairs', async () => {
    const cs = new ChangeSet(baseOf(BASE).read);
    await assert.rejects(cs.proposeEdit('src/a.ts', [{ find: '', replace: 'x' }]), /empty find, which would match everywhere/);
    await assert.rejects(cs.proposeEdit('src/a.ts', []), /the list is empty/);
    await assert.rejects(cs.proposeEdit('src/a.ts', [{ find: 'alpha' }] as never), /edit 1 of 1 is not \{find: string, replace: string\}/);
    await assert.rejects(cs.proposeEdit('src/a.ts', 42 as never), /whole new text, or a list of \{find, replace\} pairs; got number/);
    await assert.rejects(cs.proposeEdit('src/a.ts', 'x', 7 as never), /description must be a string/);
    // Matching once and replacing with itself is allowed: the file simply does not change.
    const r = await cs.proposeEdit('src/a.ts', [{ find: 'function beta', replace: 'function beta' }]);
    assert.equal(r.added + r.removed, 0);
    assert.equal(cs.size, 0);
  });

  test('the miss hint says when whitespace or case is the difference', async () => {
    const cs = new ChangeSet(baseOf(BASE).read);
    await assert.rejects(cs.proposeEdit('src/a.ts', [{ find: 'export function alpha() {\nreturn 1;', replace: '' }]), /match if whitespace were ignored/);
    await assert.rejects(cs.proposeEdit('src/a.ts', [{ find: 'RETURN 1', replace: '' }]), /ignoring case/);
  });

  test('replacement text with $ patterns is inserted literally', async () => {
    const cs = new ChangeSet(baseOf(BASE).read);
    await cs.proposeEdit('src/b.ts', [{ find: 'alpha();', replace: "alpha('$&$1$$');" }]);
    assert.equal(await cs.textOf('src/b.ts'), 'import { alpha } from "./a";\nalpha(\'$&$1$$\');\n');
  });

  test('unicode text: find, replace and counts', async () => {
    const cs = new ChangeSet(baseOf(BASE).read);
    const r = await cs.proposeEdit('uni.txt', [{ find: 'café 🎉', replace: 'caffè ☕' }]);
    assert.equal(await cs.textOf('uni.txt'), 'naïve caffè ☕\nstraße\n');
    assert.equal(r.added, 1);
  });

  test('a huge file: one match found quickly, several reported with "or more"', async () => {
    const big = 'line of text\n'.repeat(200_000) + 'THE END\n';
    const cs = new ChangeSet(baseOf({ 'big.txt': big }).read);
    const started = performance.now();
    const r = await cs.proposeEdit('big.txt', [{ find: 'THE END', replace: 'the end' }]);
    assert.equal(r.added, 1);
    assert.ok(performance.now() - started < 2000);
    await assert.rejects(cs.proposeEdit('big.txt', [{ find: 'line', replace: 'x' }]), /matches 1000 or more times \(lines 1, 2, 3, 4, 5, \.\.\.\)/);
    await assert.rejects(cs.proposeEdit('big.txt', 'x'.repeat(MAX_TEXT_CHARS + 1)), /over \d+ characters/);
  });
});

describe('ChangeSet: line endings, final newline, BOM', () => {
  test('a CRLF file edited with LF-typed find/replace stays CRLF', async () => {
    const cs = new ChangeSet(baseOf(BASE).read);
    await cs.proposeEdit('crlf.txt', [{ find: 'one\ntwo', replace: 'ONE\nTWO\nTWO AND A HALF' }]);
    assert.equal(await cs.textOf('crlf.txt'), 'ONE\r\nTWO\r\nTWO AND A HALF\r\nthree\r\n');
  });

  test('a whole text for a CRLF file gets CRLF; text typed with CR is kept as typed', async () => {
    const cs = new ChangeSet(baseOf(BASE).read);
    await cs.proposeEdit('crlf.txt', 'a\nb');
    assert.equal(await cs.textOf('crlf.txt'), 'a\r\nb\r\n');
    const cs2 = new ChangeSet(baseOf(BASE).read);
    await cs2.proposeEdit('src/b.ts', 'x\r\ny\n');
    assert.equal(await cs2.textOf('src/b.ts'), 'x\r\ny\n');
  });

  test('a mixed file matches as typed first, then as CRLF', async () => {
    const cs = new ChangeSet(baseOf(BASE).read);
    await cs.proposeEdit('mixed.txt', [{ find: 'two\nthree', replace: '2\n3' }]);
    assert.equal(await cs.textOf('mixed.txt'), 'one\r\n2\n3\r\n');
    await cs.proposeEdit('mixed.txt', [{ find: 'one\n2', replace: 'uno\ndos' }]);
    assert.equal(await cs.textOf('mixed.txt'), 'uno\r\ndos\n3\r\n');
  });

  test('a file without a final newline keeps that state, unless a find/replace adds one', async () => {
    const cs = new ChangeSet(baseOf(BASE).read);
    await cs.proposeEdit('nonl.txt', 'first\nsecond\nlast\n');
    assert.equal(await cs.textOf('nonl.txt'), 'first\nsecond\nlast', 'a whole text does not add the newline the model never saw');
    await cs.proposeEdit('nonl.txt', [{ find: 'last', replace: 'last\n' }]);
    assert.equal(await cs.textOf('nonl.txt'), 'first\nsecond\nlast\n', 'the edit said so');
    await cs.proposeEdit('nonl.txt', 'first\nlast');
    assert.equal(await cs.textOf('nonl.txt'), 'first\nlast\n', 'from then on the pending text has a final newline');
    const [file] = await cs.pending();
    assert.match(file.diff, /\\ No newline at end of file/);
  });

  test('a whole text for a file with a final newline keeps it; new and empty files get one', async () => {
    const cs = new ChangeSet(baseOf(BASE).read);
    await cs.proposeEdit('src/b.ts', 'only line');
    assert.equal(await cs.textOf('src/b.ts'), 'only line\n');
    await cs.proposeEdit('new.ts', 'export {}');
    assert.equal(await cs.textOf('new.ts'), 'export {}\n');
    await cs.proposeEdit('empty.txt', 'filled');
    assert.equal(await cs.textOf('empty.txt'), 'filled\n');
    await cs.proposeEdit('blank.txt', '');
    assert.equal(await cs.textOf('blank.txt'), '', 'an empty new file stays empty');
  });

  test('a byte-order mark survives a whole-text edit that leaves it out', async () => {
    const cs = new ChangeSet(baseOf(BASE).read);
    await cs.proposeEdit('bom.ts', 'const x = 2;');
    assert.equal(await cs.textOf('bom.ts'), '\ufeffconst x = 2;\n');
  });
});

describe('ChangeSet: create, rename, delete', () => {
  test('creates a file from a whole text; find/replace on a missing file is an error', async () => {
    const cs = new ChangeSet(baseOf(BASE).read);
    await assert.rejects(cs.proposeEdit('src/new.ts', [{ find: 'a', replace: 'b' }]), /does not exist; \{find, replace\} pairs need an existing file/);
    const r = await cs.proposeEdit('src/new.ts', 'export const c = 3;\n', 'new module');
    assert.equal(r.change, 'create');
    assert.equal(r.added, 1);
    await cs.proposeEdit('src/new.ts', [{ find: '3', replace: '4' }]);
    assert.equal(await cs.textOf('src/new.ts'), 'export const c = 4;\n');
    assert.equal(cs.file('src/new.ts')?.base, undefined);
  });

  test('edits after a rename go to the new path; the old one is gone', async () => {
    const cs = new ChangeSet(baseOf(BASE).read);
    await cs.proposeEdit('src/a.ts', [{ find: 'alpha', replace: 'first' }]);
    const r = await cs.proposeRename('src/a.ts', 'lib/a.ts', 'move');
    assert.equal(r.change, 'rename');
    assert.equal(r.from, 'src/a.ts');
    assert.equal(await cs.textOf('src/a.ts'), undefined);
    await assert.rejects(cs.proposeEdit('src/a.ts', [{ find: 'first', replace: 'x' }]), /was renamed to 'lib\/a.ts': edit that path/);
    await cs.proposeEdit('lib/a.ts', [{ find: 'beta', replace: 'second' }]);
    const [file] = cs.files();
    assert.equal(file.path, 'lib/a.ts');
    assert.equal(file.from, 'src/a.ts');
    assert.equal(file.base, BASE['src/a.ts']);
    assert.equal(file.baseSha256, sha256(BASE['src/a.ts']));
    assert.match(file.text!, /function first\(\)[\s\S]*function second\(\)/);
  });

  test('rename chains follow the file; renaming back makes it a plain edit; back with no edit, nothing', async () => {
    const cs = new ChangeSet(baseOf(BASE).read);
    await cs.proposeRename('src/b.ts', 'b1.ts');
    await cs.proposeRename('b1.ts', 'b2.ts');
    await cs.proposeRename('b2.ts', 'deep/er/b3.ts');
    assert.deepEqual(cs.files().map((f) => [f.path, f.from]), [['deep/er/b3.ts', 'src/b.ts']]);
    await cs.proposeRename('deep/er/b3.ts', 'src/b.ts');
    assert.equal(cs.size, 0, 'renamed back without edits: no change left');
    await cs.proposeEdit('src/b.ts', [{ find: 'alpha();', replace: 'alpha(1);' }]);
    await cs.proposeRename('src/b.ts', 'x.ts');
    await cs.proposeRename('x.ts', 'src/b.ts');
    assert.deepEqual(cs.files().map((f) => [f.path, f.from, f.text !== undefined]), [['src/b.ts', undefined, true]]);
  });

  test('rename errors: missing source, existing target, same path, deleted, already moved', async () => {
    const cs = new ChangeSet(baseOf(BASE).read);
    await assert.rejects(cs.proposeRename('nope.ts', 'x.ts'), /'nope.ts' does not exist/);
    await assert.rejects(cs.proposeRename('src/a.ts', 'src/b.ts'), /'src\/b.ts' already exists/);
    await assert.rejects(cs.proposeRename('src/a.ts', './src/a.ts'), /the paths are the same/);
    await cs.proposeEdit('made.ts', 'x');
    await assert.rejects(cs.proposeRename('src/a.ts', 'made.ts'), /'made.ts' already exists/);
    await cs.proposeDelete('src/b.ts');
    await assert.rejects(cs.proposeRename('src/b.ts', 'y.ts'), /was deleted by propose_delete/);
    await assert.rejects(cs.proposeRename('src/a.ts', 'src/b.ts'), /is deleted in this change set; renaming onto it is not supported/);
    await cs.proposeRename('src/a.ts', 'a2.ts');
    await assert.rejects(cs.proposeRename('src/a.ts', 'a3.ts'), /already renamed to 'a2.ts'/);
  });

  test('a file may move onto a path another file moved away from', async () => {
    const cs = new ChangeSet(baseOf(BASE).read);
    await cs.proposeRename('src/a.ts', 'src/old-a.ts');
    await cs.proposeRename('src/b.ts', 'src/a.ts');
    assert.deepEqual(cs.files().map((f) => [f.path, f.from]), [['src/a.ts', 'src/b.ts'], ['src/old-a.ts', 'src/a.ts']]);
    assert.equal(await cs.textOf('src/a.ts'), BASE['src/b.ts']);
  });

  test('a shim at a moved file\'s old path: the moved file becomes new, the old path an edit', async () => {
    const cs = new ChangeSet(baseOf(BASE).read);
    await cs.proposeRename('src/a.ts', 'lib/a.ts', 'move');
    await cs.proposeEdit('src/a.ts', 'export * from "../lib/a";\n', 'shim');
    const files = cs.files();
    assert.deepEqual(files.map((f) => [f.path, f.from, f.base === undefined ? 'new' : 'old']), [['lib/a.ts', undefined, 'new'], ['src/a.ts', undefined, 'old']]);
    assert.equal(files[0].text, BASE['src/a.ts']);
    assert.equal(files[1].base, BASE['src/a.ts']);
    // A new file renamed onto a moved-away path is the same shim.
    const cs2 = new ChangeSet(baseOf(BASE).read);
    await cs2.proposeRename('src/b.ts', 'lib/b.ts');
    await cs2.proposeEdit('tmp.ts', 'export * from "../lib/b";', 'shim');
    await cs2.proposeRename('tmp.ts', 'src/b.ts');
    assert.deepEqual(cs2.files().map((f) => [f.path, f.from, f.base === undefined ? 'new' : 'old', f.descriptions]), [['lib/b.ts', undefined, 'new', []], ['src/b.ts', undefined, 'old', ['shim']]]);
  });

  test('delete, edits after delete, deleting a created or renamed file', async () => {
    const cs = new ChangeSet(baseOf(BASE).read);
    assert.equal((await cs.proposeDelete('src/b.ts', 'unused')).change, 'delete');
    assert.equal(await cs.textOf('src/b.ts'), undefined);
    await assert.rejects(cs.proposeDelete('src/b.ts'), /already deleted/);
    await assert.rejects(cs.proposeEdit('src/b.ts', [{ find: 'alpha', replace: 'x' }]), /was deleted by propose_delete/);
    const r = await cs.proposeEdit('src/b.ts', 'reborn\n');
    assert.equal(r.change, 'modify', 'a whole text re-creates it: an edit of the original');
    await assert.rejects(cs.proposeDelete('missing.ts'), /does not exist/);
    await cs.proposeEdit('tmp.ts', 'temporary');
    await cs.proposeDelete('tmp.ts');
    assert.equal(cs.file('tmp.ts'), undefined, 'created then deleted: nothing');
    await cs.proposeRename('src/a.ts', 'moved.ts');
    await cs.proposeDelete('moved.ts');
    assert.deepEqual(cs.files().map((f) => [f.path, f.from, f.text === undefined]), [['src/a.ts', undefined, true], ['src/b.ts', undefined, false]]);
    await assert.rejects(cs.proposeDelete('moved.ts'), /does not exist/);
  });

  test('adversarial paths are refused before any read', async () => {
    const { read, reads } = baseOf(BASE);
    const cs = new ChangeSet(read);
    const cases: Array<[unknown, RegExp]> = [
      ['/etc/passwd', /is absolute/], ['C:\\Windows\\x', /is absolute/], ['../outside.txt', /outside the workspace/],
      ['src/../../x', /outside the workspace/], ['.', /names the workspace folder/], ['', /names the workspace folder/],
      ['a\0b', /NUL character/], ['.git/hooks/pre-commit', /inside a \.git folder/], ['sub/.hg/hgrc', /inside a \.hg folder/],
      ['src/', /names a folder/], [42, /must be a string, got number/], [null, /got null/],
      // A backslash is a name character on Linux and a separator on Windows: refused, never guessed.
      ['A\\b.txt', /contains a backslash, which names different files on different systems: separate folders with '\/'/], ['./src\\a.ts', /contains a backslash/],
      ['\\\\server\\share\\x', /is absolute/],
      // The same .git on a case-insensitive file system (macOS, Windows), or under Windows' other names for it.
      ['.GIT/config', /inside a \.git folder/], ['.Git/hooks/x', /inside a \.git folder/], ['sub/.HG/hgrc', /inside a \.hg folder/],
      ['.git./config', /inside a \.git folder/], ['.git /hooks/x', /inside a \.git folder/], ['GIT~1/config', /inside a \.git folder/],
      ['.git::$INDEX_ALLOCATION/config', /inside a \.git folder/], ['.g\u200cit/config', /inside a \.git folder/], ['sub/.git', /inside a \.git folder/],
    ];
    for (const [path, error] of cases) {
      await assert.rejects(cs.proposeEdit(path as string, 'x'), error, String(path));
      await assert.rejects(cs.proposeDelete(path as string), error, String(path));
    }
    await assert.rejects(cs.proposeRename('src/a.ts', '../x.ts'), /to path '..\/x.ts' is outside/);
    await assert.rejects(cs.textOf('/abs'), /is absolute/);
    assert.deepEqual(reads, [], 'nothing was read');
    await cs.proposeEdit('./src//a.ts', [{ find: 'alpha', replace: 'a1' }]);
    assert.equal(cs.files()[0].path, 'src/a.ts', 'normalised');
  });

  test('a reader error reaches the caller unchanged (the workspace refuses ignored files there)', async () => {
    const cs = new ChangeSet(async (p) => {
      throw new Error(`'${p}' is ignored (.gitignore)`);
    });
    await assert.rejects(cs.proposeEdit('.env', 'KEY=1'), /'.env' is ignored/);
    assert.equal(cs.size, 0);
  });

  test('proposals fired without awaiting run one after another', async () => {
    const slow = async (p: string) => {
      await new Promise((r) => setTimeout(r, 5));
      return Object.hasOwn(BASE, p) ? BASE[p as keyof typeof BASE] : undefined;
    };
    const cs = new ChangeSet(slow);
    await Promise.all([
      cs.proposeEdit('src/a.ts', [{ find: 'return 1;', replace: 'return 11;' }]),
      cs.proposeEdit('src/a.ts', [{ find: 'return 2;', replace: 'return 22;' }]),
      cs.proposeEdit('src/a.ts', [{ find: 'return 11;', replace: 'return 111;' }]),
    ]);
    assert.match((await cs.textOf('src/a.ts'))!, /return 111;[\s\S]*return 22;/);
  });
});

describe('ChangeSet: serialisation and revisions', () => {
  test('toJSON / fromJSON round trip, with revisions', async () => {
    const cs = new ChangeSet(baseOf(BASE).read);
    await cs.proposeEdit('src/a.ts', [{ find: 'alpha', replace: 'first' }], 'rename');
    await cs.proposeRename('src/b.ts', 'src/c.ts');
    await cs.proposeDelete('nonl.txt');
    await cs.proposeEdit('n.ts', 'new');
    const json = JSON.parse(JSON.stringify(cs));
    const back = ChangeSet.fromJSON(json);
    assert.deepEqual(back.files(), cs.files());
    assert.equal(back.revision, 4);
    assert.equal(back.revisionOf('src/c.ts'), 2);
    assert.equal(back.revisionOf('src/b.ts'), 2);
    assert.equal(back.revisionOf('crlf.txt'), 0);
    assert.deepEqual(await back.pending(), await cs.pending());
    await assert.rejects(back.proposeEdit('crlf.txt', 'x'), /no base reader/);
    const withReader = ChangeSet.fromJSON(json, baseOf(BASE).read);
    await withReader.proposeEdit('crlf.txt', 'x');
    assert.equal(withReader.revision, 5);
  });

  test('fromJSON refuses altered or malformed input', () => {
    assert.throws(() => ChangeSet.fromJSON({ version: 2, files: [] }), /Not a change set/);
    assert.throws(() => ChangeSet.fromJSON(null), /Not a change set/);
    const file = { path: 'a.ts', base: 'x\n', baseSha256: sha256('x\n'), text: 'y\n', descriptions: [] };
    assert.throws(() => ChangeSet.fromJSON({ version: 1, revision: 1, touched: {}, files: [{ ...file, base: 'changed\n' }] }), /does not match its SHA-256/);
    assert.throws(() => ChangeSet.fromJSON({ version: 1, revision: 1, touched: {}, files: [file, file] }), /appears twice/);
    assert.throws(() => ChangeSet.fromJSON({ version: 1, revision: 1, touched: {}, files: [{ ...file, path: '../x' }] }), /outside the workspace/);
    assert.throws(() => ChangeSet.fromJSON({ version: 1, revision: 1, touched: {}, files: [{ ...file, base: null, baseSha256: null, text: null }] }), /needs a base, a text or both/);
  });
});
