// REPL semantics, output and host functions of the real sandbox (QuickJS in its worker thread).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Sandbox } from '../../../src/core/sandbox/Sandbox';
import type { CellResult } from '../../../src/core/sandbox/types';

const delay = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

function assertOk(result: CellResult): CellResult {
  assert.equal(result.error, undefined, `cell failed: ${result.error}`);
  return result;
}

describe('REPL semantics', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await Sandbox.create({});
  });
  after(() => sandbox.dispose());

  test('declarations of every kind persist across cells', async () => {
    assertOk(
      await sandbox.run(
        [
          'const a = 1;',
          'let { b, c: [d, ...rest] } = { b: 2, c: [3, 4, 5] };',
          'var e = 6;',
          'function add(x, y) { return x + y }',
          'class Point { constructor(x) { this.x = x } }',
          'if (true) { var inBlock = 7 }',
        ].join('\n'),
      ),
    );
    const result = assertOk(await sandbox.run('[a, b, d, rest, e, add(1, 2), new Point(8).x, inBlock]'));
    assert.equal(result.value, '[ 1, 2, 3, [ 4, 5 ], 6, 3, 8, 7 ]');
  });

  test('const can be declared again in a later cell, as models constantly do', async () => {
    assertOk(await sandbox.run('const again = 1'));
    assert.equal(assertOk(await sandbox.run('const again = again + 1; again')).value, '2');
    assert.equal(assertOk(await sandbox.run('let again = "s"; again')).value, '"s"');
  });

  test('functions are hoisted within their cell and callable from later cells', async () => {
    assertOk(await sandbox.run('const fromAbove = early()\nfunction early() { return "hoisted" }'));
    assert.equal(assertOk(await sandbox.run('[fromAbove, early()]')).value, '[ "hoisted", "hoisted" ]');
  });

  test('the last expression statement is the value; declarations and undefined give none', async () => {
    assert.equal(assertOk(await sandbox.run('1 + 1;\n"two"')).value, '"two"');
    assert.equal(assertOk(await sandbox.run('const nothing = 5')).value, undefined);
    assert.equal(assertOk(await sandbox.run('undefined')).value, undefined);
    assert.equal(assertOk(await sandbox.run('({ k: [1, { deep: { deeper: { deepest: 1 } } }] })')).value, '{ k: [ 1, { deep: [Object] } ] }', 'util.inspect depth 2');
  });

  test('top-level await of a promise works', async () => {
    assert.equal(assertOk(await sandbox.run('const v = await Promise.resolve(41); v + 1')).value, '42');
    assert.equal(assertOk(await sandbox.run('v')).value, '41');
  });

  test('a syntax error reports the line of the model\'s code', async () => {
    const result = await sandbox.run('const ok = 1;\nconst broken = ;');
    assert.match(result.error ?? '', /SyntaxError: .* at line 2, column 16/);
  });

  test('a throw reports the message and the line it came from', async () => {
    const thrown = await sandbox.run('const z = 1;\nthrow new TypeError("bad input")');
    assert.equal(thrown.error, 'TypeError: bad input (at line 2)');
    const inFunction = await sandbox.run('function boom() {\n  return null.x;\n}\nboom()');
    assert.match(inFunction.error ?? '', /^TypeError: .*null.* \(at line 2, in boom\)$/);
    assert.equal((await sandbox.run('throw "plain"')).error, 'Uncaught "plain"');
  });

  test('variables() and SHOW_VARS list the model\'s variables, not engine globals', async () => {
    const fresh = await Sandbox.create({ globals: { context: 'abc' } });
    try {
      assert.deepEqual(fresh.variables(), []);
      assertOk(await fresh.run('const text = "hello"; const list = [1, 2, 3]; const obj = { a: 1, b: 2 }; function f(x, y) { return x }'));
      assert.deepEqual(fresh.variables(), [
        { name: 'text', type: 'string', summary: '5 chars: "hello"' },
        { name: 'list', type: 'array', summary: 'length 3' },
        { name: 'obj', type: 'object', summary: '2 keys: a, b' },
        { name: 'f', type: 'function', summary: 'function f(x, y)' },
      ]);
      const shown = assertOk(await fresh.run('SHOW_VARS()'));
      assert.equal(shown.value, '[ "text", "list", "obj", "f" ]');
      assert.match(shown.output, /^text: string - 5 chars: "hello"\nlist: array - length 3\n/);
    } finally {
      fresh.dispose();
    }
  });
});

describe('output', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await Sandbox.create({});
  });
  after(() => sandbox.dispose());

  test('print and console.* are captured in order, strings raw, values rendered', async () => {
    const result = assertOk(
      await sandbox.run(
        [
          'print("plain", 1, true, null, undefined)',
          'console.log({ a: 1, s: "q" }, [1, "two"])',
          'console.info("info"); console.warn("warn"); console.error("error"); console.debug("debug")',
          'print(new Map([["k", 1]]), new Set([1]), () => 1, function named() {}, Symbol("s"), 10n, -0, NaN)',
          'print(new Error("oops").message, /re/g, new Date(0))',
        ].join('\n'),
      ),
    );
    assert.equal(
      result.output,
      [
        'plain 1 true null undefined',
        '{ a: 1, s: "q" } [ 1, "two" ]',
        'info',
        'warn',
        'error',
        'debug',
        'Map(1) { "k" => 1 } Set(1) { 1 } [Function (anonymous)] [Function: named] Symbol(s) 10n -0 NaN',
        'oops /re/g 1970-01-01T00:00:00.000Z',
        '',
      ].join('\n'),
    );
  });

  test('large and cyclic structures render bounded', async () => {
    const result = assertOk(
      await sandbox.run('const big = Array.from({ length: 5000 }, (_, i) => ({ i })); const cyc = { name: "c" }; cyc.self = cyc; print(big); print(cyc)'),
    );
    assert.match(result.output, /\{ i: 99 \},\n {2}\.\.\. 4900 more items\n\]/);
    assert.ok(result.output.length < 3000, `rendered ${result.output.length} characters`);
    assert.match(result.output, /\{ name: "c", self: \[Circular\] \}/);
  });

  test('a runaway print loop stops at the safety cap with a note', async () => {
    const result = assertOk(await sandbox.run('const line = "x".repeat(1000); for (let i = 0; i < 6000; i++) print(line)'));
    assert.ok(result.output.length < 4.2 * 1024 * 1024, `output is ${result.output.length} characters`);
    assert.match(result.output, /\[output stopped at the 4,194,304-character safety cap; [\d,]+ more characters were printed and dropped\]/);
  });
});

describe('host functions', () => {
  const calls: unknown[][] = [];
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await Sandbox.create({
      functions: {
        record: { fn: (args) => { calls.push(args); return { count: calls.length }; } },
        upper: { fn: ([text]) => String(text).toUpperCase() },
        failSync: { fn: () => { throw new Error('sync failure: check the path'); } },
        failAsync: { fn: async () => { throw new Error('async failure'); } },
        sleep: { fn: ([ms]) => delay(Number(ms), `slept ${String(ms)}`), kind: 'model' },
        nothing: { fn: () => undefined },
      },
      globals: { settings: { depth: 2, names: ['a', 'b'] } },
      prelude: 'function shout(text) { return upper(text) + "!"; }\nconst preludeSecret = 1;',
    });
  });
  after(() => sandbox.dispose());

  test('arguments arrive as JSON values and results come back as values', async () => {
    const result = assertOk(await sandbox.run('const r = record("s", 1, [true, null], { k: { n: 2 } }, undefined); [r.count, upper("abc"), nothing()]'));
    assert.deepEqual(calls.at(-1), ['s', 1, [true, null], { k: { n: 2 } }, undefined]);
    assert.equal(result.value, '[ 1, "ABC", undefined ]');
  });

  test('strings with NUL characters survive both directions', async () => {
    const result = assertOk(await sandbox.run('upper("a\\0b").length'));
    assert.equal(result.value, '3');
  });

  test('globals are set once and the prelude defines functions', async () => {
    assert.equal(assertOk(await sandbox.run('settings.names.join(",") + settings.depth')).value, '"a,b2"');
    assert.equal(assertOk(await sandbox.run('shout("hey")')).value, '"HEY!"');
    assert.ok(!sandbox.variables().some((v) => v.name === 'preludeSecret' || v.name === 'shout'), 'prelude names are engine names');
  });

  test('sync throws and async rejections become guest errors with the same message', async () => {
    assert.equal(assertOk(await sandbox.run('let m1; try { failSync() } catch (e) { m1 = e.message } m1')).value, '"sync failure: check the path"');
    assert.equal(assertOk(await sandbox.run('let m2; try { await failAsync() } catch (e) { m2 = e.message } m2')).value, '"async failure"');
    assert.match((await sandbox.run('await failAsync()')).error ?? '', /async failure/);
  });

  test('host promises run in parallel: 8 calls of 200 ms take about 200 ms', async () => {
    const started = performance.now();
    const result = assertOk(await sandbox.run('const all = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map(() => sleep(200))); all.length'));
    const elapsed = performance.now() - started;
    assert.equal(result.value, '8');
    assert.ok(elapsed < 1000, `8 parallel calls took ${Math.round(elapsed)} ms (sequential would be 1600)`);
  });

  test('engine functions cannot be overwritten: assignments do nothing, redeclarations are refused by name', async () => {
    assertOk(await sandbox.run('print = null; upper = 1; shout = "x"; console = null; SHOW_VARS = 0'));
    const result = assertOk(await sandbox.run('print(upper("ok"), shout("y")); console.log("console back"); typeof SHOW_VARS'));
    assert.equal(result.output, 'OK Y!\nconsole back\n');
    assert.equal(result.value, '"function"');
    assert.match((await sandbox.run('const print = 3; var upper = 2')).error ?? '', /`print` is an engine function and cannot be redeclared; pick another name/);
    assert.match((await sandbox.run('if (true) { var upper = 2 }')).error ?? '', /`upper` is an engine function/);
    assert.equal(assertOk(await sandbox.run('print(upper("again"))')).output, 'AGAIN\n');
  });

  test('arguments that are not JSON (a cycle) give a clear guest error', async () => {
    const result = await sandbox.run('const loop = {}; loop.loop = loop; record(loop)');
    assert.match(result.error ?? '', /host function arguments must be JSON values: TypeError: circular/i);
  });
});

describe('options', () => {
  test('bad names and data are refused with a message saying what to do', async () => {
    await assert.rejects(Sandbox.create({ functions: { 'not-an-id': { fn: () => 1 } } }), /not a JavaScript identifier/);
    await assert.rejects(Sandbox.create({ functions: { print: { fn: () => 1 } } }), /provided by the sandbox itself/);
    await assert.rejects(Sandbox.create({ globals: { f: () => 1 } }), /must be plain JSON data/);
    await assert.rejects(Sandbox.create({ limits: { cellTimeoutMs: 0 } }), /cellTimeoutMs must be a positive number/);
    await assert.rejects(Sandbox.create({ prelude: 'const = 1' }), /the sandbox prelude does not parse: SyntaxError/);
    await assert.rejects(Sandbox.create({ prelude: 'throw new Error("prelude boom")' }), /the sandbox prelude failed: Error: prelude boom/);
  });
});
