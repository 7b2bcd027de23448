// Runs every test/**/*.test.ts with Node's test runner (Node 20's --test does not expand globs itself), in two
// phases: the unit and integration tests two files at a time, then the tests that must not share the two cores one
// file at a time: the end-to-end tests (test/e2e: real VS Code in Chromium) and the `*.serial.test.ts` files, which
// measure timing (the webview's frame times under a 10,000-node stream; how fast a first indexing of 100,000 files stops).
// Extra arguments are passed through, e.g. `npm test -- --test-name-pattern=sandbox`.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, sep } from 'node:path';

const find = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? (e.name === 'fixtures' ? [] : find(join(dir, e.name))) : e.name.endsWith('.test.ts') ? [join(dir, e.name)] : []);

const files = find('test').sort();
const alone = files.filter((f) => f.startsWith(join('test', 'e2e') + sep) || f.endsWith('.serial.test.ts'));
const others = files.filter((f) => !alone.includes(f));

// Asynchronous on purpose: nothing here may hold the event loop while the tests run (see STACK.md).
const run = (concurrency, list) => new Promise((resolve) => {
  if (list.length === 0) return resolve(0);
  const args = ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...process.argv.slice(2), ...list];
  spawn(process.execPath, args, { stdio: 'inherit' }).on('close', (code) => resolve(code ?? 1));
});

const phase = async (name, concurrency, list) => {
  const started = Date.now();
  const status = await run(concurrency, list);
  console.log(`# ${name}: ${list.length} files, ${((Date.now() - started) / 1000).toFixed(0)} s, ${status === 0 ? 'passed' : 'FAILED'}`);
  return status;
};

const first = await phase('unit and integration tests', 2, others);
const second = await phase('timing and end-to-end tests, one file at a time', 1, alone);
process.exit(first || second);
