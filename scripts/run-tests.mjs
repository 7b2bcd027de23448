// Runs every test/**/*.test.ts with Node's test runner (Node 20's --test does not expand globs itself), in two
// phases: most files two at a time, then the `*.serial.test.ts` files one at a time (they measure timing, such as
// the frame times of the webview under a 10,000-node stream, and must not share the two cores).
// Extra arguments are passed through, e.g. `npm test -- --test-name-pattern=sandbox`.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const find = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? (e.name === 'fixtures' ? [] : find(join(dir, e.name))) : e.name.endsWith('.test.ts') ? [join(dir, e.name)] : []);

const files = find('test').sort();
const serial = files.filter((f) => f.endsWith('.serial.test.ts'));
const others = files.filter((f) => !serial.includes(f));

// Asynchronous: nothing here may hold the event loop while the tests run.
const run = (concurrency, list) => new Promise((resolve) => {
  if (list.length === 0) return resolve(0);
  const args = ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...process.argv.slice(2), ...list];
  spawn(process.execPath, args, { stdio: 'inherit' }).on('close', (code) => resolve(code ?? 1));
});

const first = await run(2, others);
const second = await run(1, serial);
process.exit(first || second);
