// When the user's check may run after an apply: not when nothing was written, not after any refusal, not after
// a sensitive file was written, not when the command names a file the change set wrote.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { filesRunBy, validationBlocked } from '../../../src/core/edits/validationGate';

const none = new Map<string, string>();

describe('validationBlocked', () => {
  test('an ordinary change: the check runs', () => {
    assert.equal(validationBlocked('npm test', { written: [{ path: 'src/a.ts' }, { path: 'package.json' }], sensitive: none }), undefined);
  });

  test('nothing written, or something refused: not run, saying why', () => {
    assert.equal(validationBlocked('npm test', { written: [], refused: ['a.ts'], sensitive: none }), 'Nothing was written, so there is nothing to check.');
    assert.equal(validationBlocked('npm test', { written: [{ path: 'src/a.ts' }], refused: ['.vscode/settings.json'], sensitive: none }),
      '1 file was refused (.vscode/settings.json), so the check would judge half of the change: fix what was refused, then run it yourself.');
    const many = Array.from({ length: 7 }, (_, i) => `f${i}.ts`);
    assert.match(validationBlocked('npm test', { written: [{ path: 'x.ts' }], refused: many, sensitive: none })!, /^7 files were refused \(f0\.ts, f1\.ts, f2\.ts, f3\.ts, f4\.ts and 2 more\)/);
  });

  test('a sensitive file written (with --allow-sensitive, or accepted on its own): not run', () => {
    const sensitive = new Map([['Makefile', 'Makefile is a build or task file: the commands it names run when you build or test']]);
    assert.equal(validationBlocked('npm test', { written: [{ path: 'src/a.ts' }, { path: 'Makefile' }], sensitive }),
      'The change set wrote 1 sensitive file, so the check could run what it wrote: Makefile is a build or task file: the commands it names run when you build or test. Read the change, then run the check yourself.');
  });

  test('the command runs a file the change set wrote, however it is written; a file it only reads does not count', () => {
    const written = [{ path: 'tools/check.py' }, { path: 'src/a.ts' }, { path: 'lib/new.js', from: 'lib/old.js' }, { path: 'bin/verify' }];
    const runs = (command: string, root?: string) => filesRunBy(command, written, root);
    assert.deepEqual(runs('python3 tools/check.py -q'), ['tools/check.py']);
    assert.deepEqual(runs('python3.12 ./tools/check.py'), ['tools/check.py']);
    assert.deepEqual(runs('CI=1 env -i bin/verify --all'), ['bin/verify'], 'as the command word, after assignments and env');
    assert.deepEqual(runs('./bin/verify && npm test'), ['bin/verify']);
    assert.deepEqual(runs('bash -c "cd . && python3 \'tools/check.py\'"'), ['tools/check.py'], 'inside sh -c');
    assert.deepEqual(runs('sh < tools/check.py'), ['tools/check.py'], 'fed to a shell');
    assert.deepEqual(runs('npm test; $(python3 tools/check.py)'), ['tools/check.py']);
    assert.deepEqual(runs('python3 /work/shop/tools/check.py', '/work/shop'), ['tools/check.py']);
    assert.deepEqual(runs('python3 "$PWD/tools/check.py"'), ['tools/check.py']);
    assert.deepEqual(runs('node LIB/OLD.JS'), ['lib/new.js'], 'the old path of a rename, any case');
    assert.deepEqual(runs('grep -q "Total:" src/a.ts && tsc -p . && cat tools/check.py'), [], 'read, not run');
    assert.deepEqual(runs('python3 other/tools/check.py && npm test'), []);
    assert.deepEqual(runs('echo "python3 tools/check.py"'), [], 'quoted text is a word, not a command');
    assert.match(validationBlocked('python3 tools/check.py', { written, sensitive: none })!, /^The command runs tools\/check\.py, which the change set wrote: it would run what the model wrote\./);
  });
});
