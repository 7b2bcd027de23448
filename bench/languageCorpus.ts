// One corpus per grammar for the per-language symbol benchmark (bench/languages.ts): real code no one on this
// team wrote, from Debian packages and a few pinned npm packages. Each source gives a fixed-size sample
// (files ordered by a hash of their path, so the sample spreads over the whole tree and stays the same
// between runs), copied once to a temp dir and pruned to exactly the files the product indexes.
//
// Missing sources are installed when we can (root with apt-get; npm for the npm packages), else the
// language is skipped with the command that would bring it. Everything the corpora need, in one line:
//   apt-get update && apt-get install -y --no-install-recommends universal-ctags unzip libpython3.11-stdlib \
//     golang-1.19-src rust-src openjdk-17-source libc6-dev linux-libc-dev libpython3.11-dev libstdc++-12-dev \
//     llvm-14-dev libabsl-dev googletest libruby3.1 php-twig php-symfony-console php-guzzlehttp-guzzle \
//     php-league-commonmark
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { DEFAULT_MAX_FILE_BYTES, WorkspaceIndex, type IndexedFile } from '../src/core/workspace/WorkspaceIndex';
import { pruneToIndexed } from './corpus';

/** Bump when the sources, their sizes or the copy rules change: a new folder means fresh copies. */
const LANGUAGE_CORPUS_VERSION = 1;
export const LANGUAGES_DIR = join(tmpdir(), `rlm-bench-languages-v${LANGUAGE_CORPUS_VERSION}`);
const UNPACKED_DIR = join(LANGUAGES_DIR, 'unpacked');

const MB = 1_000_000;
/** Enough files per language for stable figures, small enough that all twelve run in about a minute each side. */
const DEFAULT_SOURCE_BYTES = 6 * MB;

interface Source {
  /** Folder name inside the language's corpus. */
  as: string;
  /** Shown in the report. */
  what: string;
  /** Where the code is once installed: the first existing match wins ('*' matches within one path segment). */
  paths?: string[];
  /** A zip that holds the code (OpenJDK's src.zip) and the members to unpack from it. */
  zip?: { paths: string[]; members: string };
  /** Pinned npm package (name@version), unpacked into the bench folder. */
  npm?: string;
  /** Debian packages that install `paths` or `zip`. */
  apt?: string[];
  include: RegExp;
  exclude?: RegExp;
  /** Only files directly in the folder (C headers at the top of /usr/include, not the C++ ones below). */
  flat?: boolean;
  maxBytes?: number;
}

export interface LanguageCorpusSpec {
  /** The grammar this corpus exercises (the product may still record some files otherwise: `.h` headers). */
  language: string;
  sources: Source[];
}

const REPO = join(__dirname, '..');

export const LANGUAGE_CORPORA: LanguageCorpusSpec[] = [
  { language: 'typescript', sources: [
    { as: 'node_modules', what: "this repo's node_modules (.ts, mostly .d.ts)", paths: [join(REPO, 'node_modules')], include: /\.(ts|mts|cts)$/ },
  ] },
  { language: 'tsx', sources: [
    { as: 'ra-ui-materialui', what: 'npm ra-ui-materialui@5.15.4 (react-admin)', npm: 'ra-ui-materialui@5.15.4', include: /\.tsx$/ },
    { as: 'blueprintjs-core', what: 'npm @blueprintjs/core@6.20.0', npm: '@blueprintjs/core@6.20.0', include: /\.tsx$/ },
  ] },
  { language: 'javascript', sources: [
    { as: 'usr-node_modules', what: "the system npm's /usr/lib/node_modules", paths: ['/usr/lib/node_modules'], apt: ['npm'], include: /\.(js|mjs|cjs)$/ },
  ] },
  { language: 'python', sources: [
    { as: 'python3', what: "Python's standard library (/usr/lib/python3.*)", paths: ['/usr/lib/python3.11', '/usr/lib/python3.*'], apt: ['libpython3.11-stdlib'],
      include: /\.py$/, exclude: /(^|\/)(tests?|idle_test|site-packages|dist-packages)\// },
  ] },
  { language: 'go', sources: [
    { as: 'go', what: "Go's standard library (golang-1.19-src)", paths: ['/usr/share/go-1.19/src', '/usr/lib/go-1.19/src', '/usr/share/go-*/src'], apt: ['golang-1.19-src'],
      include: /\.go$/, exclude: /(^|\/)testdata\// },
  ] },
  { language: 'rust', sources: [
    { as: 'rust', what: "Rust's standard library (rust-src)", paths: ['/usr/src/rustc-*/library'], apt: ['rust-src'], include: /\.rs$/ },
  ] },
  { language: 'java', sources: [
    { as: 'openjdk', what: "OpenJDK 17's java.base sources (src.zip of openjdk-17-source)",
      zip: { paths: ['/usr/lib/jvm/java-17-openjdk-*/lib/src.zip', '/usr/lib/jvm/openjdk-17/lib/src.zip'], members: 'java.base/*' },
      apt: ['openjdk-17-source', 'unzip'], include: /\.java$/ },
  ] },
  { language: 'c', sources: [
    { as: 'libc', what: "glibc's headers (/usr/include/*.h)", paths: ['/usr/include'], apt: ['libc6-dev'], include: /\.h$/, flat: true, maxBytes: 3 * MB },
    { as: 'libc-arch', what: "glibc's arch headers (/usr/include/*-linux-gnu)", paths: ['/usr/include/*-linux-gnu'], apt: ['libc6-dev'], include: /\.h$/,
      exclude: /^c\+\+\//, maxBytes: 2 * MB }, // libstdc++'s configuration headers live here too
    { as: 'linux', what: "Linux's UAPI headers (/usr/include/linux)", paths: ['/usr/include/linux'], apt: ['linux-libc-dev'], include: /\.h$/, maxBytes: 2 * MB },
    { as: 'python3', what: "Python's C API headers (/usr/include/python3.*)", paths: ['/usr/include/python3.11', '/usr/include/python3.*'], apt: ['libpython3.11-dev'], include: /\.h$/, maxBytes: 2 * MB },
  ] },
  { language: 'cpp', sources: [
    { as: 'libstdc++', what: "libstdc++'s headers (/usr/include/c++/12)", paths: ['/usr/include/c++/12', '/usr/include/c++/*'], apt: ['libstdc++-12-dev'], include: /\.(h|hpp)$/, maxBytes: 7 * MB },
    { as: 'llvm', what: "LLVM 14's C++ headers (llvm-14-dev)", paths: ['/usr/include/llvm-14/llvm'], apt: ['llvm-14-dev'], include: /\.h$/, maxBytes: 5 * MB },
    { as: 'absl', what: "Abseil's headers (libabsl-dev)", paths: ['/usr/include/absl'], apt: ['libabsl-dev'], include: /\.h$/, maxBytes: 4 * MB },
    { as: 'googletest', what: 'GoogleTest sources (googletest)', paths: ['/usr/src/googletest'], apt: ['googletest'], include: /\.(h|cc)$/, maxBytes: 4 * MB },
  ] },
  { language: 'csharp', sources: [
    { as: 'unitask', what: 'npm com.cysharp.unitask@2.2.5 (UniTask)', npm: 'com.cysharp.unitask@2.2.5', include: /\.cs$/ },
    { as: 'unirx', what: 'npm com.neuecc.unirx@7.1.0 (UniRx)', npm: 'com.neuecc.unirx@7.1.0', include: /\.cs$/ },
  ] },
  { language: 'ruby', sources: [
    { as: 'ruby', what: "Ruby's standard library (/usr/lib/ruby/3.*)", paths: ['/usr/lib/ruby/3.1.0', '/usr/lib/ruby/3.*'], apt: ['libruby3.1'], include: /\.rb$/ },
  ] },
  { language: 'php', sources: [
    { as: 'php', what: 'Twig, Symfony Console, Guzzle, league/commonmark (/usr/share/php)', paths: ['/usr/share/php'],
      apt: ['php-twig', 'php-symfony-console', 'php-guzzlehttp-guzzle', 'php-league-commonmark'], include: /\.php$/ },
  ] },
];

export interface LanguageCorpus {
  language: string;
  dir: string;
  files: readonly IndexedFile[];
  bytes: number;
  /** The product's file list, one corpus-relative path a line (for `ctags -L`). */
  listFile: string;
  sources: string[];
  /** Sources that could not be had, each with the command that brings it. */
  missing: string[];
}

interface LanguageMeta { sources: string[]; missing: string[] }

/**
 * Builds each language's corpus on first use, then reuses it. `only` limits the languages; `install: false`
 * never runs apt-get (missing sources are then reported, not installed).
 */
export function prepareLanguageCorpora(options: { only?: readonly string[]; install?: boolean } = {}): LanguageCorpus[] {
  const specs = LANGUAGE_CORPORA.filter((s) => !options.only?.length || options.only.includes(s.language));
  const unknown = (options.only ?? []).filter((l) => !LANGUAGE_CORPORA.some((s) => s.language === l));
  if (unknown.length > 0) throw new Error(`No benchmark corpus for ${unknown.join(', ')}; languages: ${LANGUAGE_CORPORA.map((s) => s.language).join(', ')}`);
  // A corpus built while some of its sources were missing is built again: they may be installed by now.
  const toBuild = specs.filter((s) => !existsSync(metaFile(s.language)) || readMeta(s.language).missing.length > 0);
  if (toBuild.length > 0 && options.install !== false) installMissing(toBuild);
  for (const spec of toBuild) buildLanguageCorpus(spec);
  return specs.map(loadLanguageCorpus);
}

const corpusDir = (language: string) => join(LANGUAGES_DIR, language);
const metaFile = (language: string) => join(LANGUAGES_DIR, `${language}.json`);

const readMeta = (language: string) => JSON.parse(readFileSync(metaFile(language), 'utf8')) as LanguageMeta;

function loadLanguageCorpus(spec: LanguageCorpusSpec): LanguageCorpus {
  const meta = readMeta(spec.language);
  const dir = corpusDir(spec.language);
  const files = existsSync(dir) ? WorkspaceIndex.open(dir, { exclude: [] }).list() : [];
  const listFile = join(LANGUAGES_DIR, `${spec.language}.files.txt`);
  writeFileSync(listFile, files.map((f) => f.path).join('\n') + '\n');
  return { language: spec.language, dir, files, bytes: files.reduce((n, f) => n + f.bytes, 0), listFile, ...meta };
}

function buildLanguageCorpus(spec: LanguageCorpusSpec): void {
  const dir = corpusDir(spec.language);
  rmSync(dir, { recursive: true, force: true });
  const meta: LanguageMeta = { sources: [], missing: [] };
  for (const source of spec.sources) {
    const root = locate(source);
    if (typeof root !== 'string') {
      meta.missing.push(`${source.what}: ${root.missing}`);
      continue;
    }
    const taken = sample(root, source);
    for (const file of taken) {
      const target = join(dir, source.as, relative(root, file));
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(file, target);
    }
    meta.sources.push(source.what);
  }
  if (existsSync(dir)) pruneToIndexed(dir);
  for (const m of meta.missing) process.stderr.write(`bench: ${spec.language}: missing ${m}\n`);
  mkdirSync(LANGUAGES_DIR, { recursive: true });
  writeFileSync(metaFile(spec.language), JSON.stringify(meta));
}

/** The source's folder, or why there is none (with the command that brings it). */
function locate(source: Source): string | { missing: string } {
  if (source.npm) return unpackNpm(source.npm);
  if (source.zip) {
    const zip = source.zip.paths.flatMap(expand).find((p) => existsSync(p));
    if (!zip) return { missing: `no ${source.zip.paths[0]}: apt-get install -y ${source.apt?.join(' ')}` };
    return unzip(zip, source.zip.members, source.as);
  }
  const found = (source.paths ?? []).flatMap(expand).find((p) => existsSync(p));
  return found ?? { missing: `none of ${source.paths?.join(', ')}: apt-get install -y ${source.apt?.join(' ') ?? '(no package known)'}` };
}

/** Runs one apt-get install for every package the corpora lack (as root only), updating the lists once if needed. */
function installMissing(specs: readonly LanguageCorpusSpec[]): void {
  const packages = new Set<string>();
  for (const source of specs.flatMap((s) => s.sources)) {
    if (source.npm) continue;
    const paths = source.zip?.paths ?? source.paths ?? [];
    const present = paths.flatMap(expand).some((p) => existsSync(p));
    if (!present) for (const p of source.apt ?? []) packages.add(p);
    if (source.zip && !hasCommand('unzip')) packages.add('unzip');
  }
  if (packages.size === 0) return;
  const list = [...packages];
  const line = `apt-get install -y --no-install-recommends ${list.join(' ')}`;
  if (process.getuid?.() !== 0 || !hasCommand('apt-get')) {
    process.stderr.write(`bench: sources missing; not root or no apt-get, so not installing. Run: apt-get update && ${line}\n`);
    return;
  }
  process.stderr.write(`bench: installing the corpus sources: ${line}\n`);
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...list], {
    encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  let r = install();
  if (r.status !== 0) {
    spawnSync('apt-get', ['update'], { encoding: 'utf8' }); // a fresh machine has no package lists yet
    r = install();
  }
  if (r.status !== 0) process.stderr.write(`bench: ${line} failed (exit ${r.status}); the languages that need it are skipped:\n${r.stderr.slice(-2000)}\n`);
}

function unpackNpm(spec: string): string | { missing: string } {
  const dest = join(UNPACKED_DIR, spec.replace(/[/@]/g, '_'));
  const done = join(dest, 'package');
  if (existsSync(done)) return done;
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  const pack = spawnSync('npm', ['pack', spec, '--silent', '--pack-destination', dest], { encoding: 'utf8' });
  const tarball = pack.stdout.trim().split('\n').pop() ?? '';
  if (pack.status !== 0 || !tarball) return { missing: `npm pack ${spec} failed (exit ${pack.status}): ${pack.stderr.trim().slice(-300)}` };
  const untar = spawnSync('tar', ['-xzf', join(dest, tarball), '-C', dest], { encoding: 'utf8' });
  if (untar.status !== 0) return { missing: `cannot unpack ${tarball}: ${untar.stderr}` };
  return done;
}

function unzip(zip: string, members: string, as: string): string | { missing: string } {
  const dest = join(UNPACKED_DIR, as);
  const done = join(dest, '.complete');
  if (existsSync(done)) return dest;
  if (!hasCommand('unzip')) return { missing: 'unzip is not installed: apt-get install -y unzip' };
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  const r = spawnSync('unzip', ['-q', '-o', zip, members, '-d', dest], { encoding: 'utf8' });
  if (r.status !== 0) return { missing: `unzip ${zip} failed (exit ${r.status}): ${r.stderr.slice(-300)}` };
  writeFileSync(done, '');
  return dest;
}

/** The source's files in a stable pseudo-random order, up to its byte budget (files over the product's limit skipped). */
function sample(root: string, source: Source): string[] {
  const files: Array<{ path: string; size: number; key: string }> = [];
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const abs = join(dir, entry.name);
      const rel = relative(root, abs);
      if (source.exclude?.test(rel + (entry.isDirectory() ? '/' : ''))) continue;
      if (entry.isDirectory()) {
        if (!source.flat) walk(abs);
      } else if (entry.isFile() && source.include.test(entry.name)) {
        const size = statSync(abs).size;
        if (size > 0 && size <= DEFAULT_MAX_FILE_BYTES) files.push({ path: abs, size, key: createHash('sha1').update(rel).digest('hex') });
      }
    }
  };
  walk(root);
  files.sort((a, b) => (a.key < b.key ? -1 : 1));
  const budget = source.maxBytes ?? DEFAULT_SOURCE_BYTES;
  const taken: string[] = [];
  let bytes = 0;
  for (const f of files) {
    if (bytes + f.size > budget) continue;
    bytes += f.size;
    taken.push(f.path);
  }
  return taken;
}

/** Expands '*' within path segments ('/usr/src/rustc-*\/library'), sorted, newest-looking last. */
function expand(pattern: string): string[] {
  let paths = [pattern.startsWith('/') ? '/' : ''];
  for (const part of pattern.split('/').filter(Boolean)) {
    if (!part.includes('*')) {
      paths = paths.map((p) => join(p, part));
      continue;
    }
    const re = new RegExp(`^${part.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    paths = paths.flatMap((p) => {
      try {
        return readdirSync(p).filter((n) => re.test(n)).sort().map((n) => join(p, n));
      } catch {
        return [];
      }
    });
  }
  return paths;
}

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;
}

if (require.main === module) {
  for (const c of prepareLanguageCorpora({ only: process.argv.slice(2) })) {
    console.log(`${c.language}: ${c.files.length} files, ${(c.bytes / MB).toFixed(1)} MB in ${c.dir}` +
      `${c.missing.length ? ` (missing: ${c.missing.join('; ')})` : ''}`);
  }
}
