// The benchmark corpus: real code no one on this team wrote, copied once to a temp dir so the set stays
// fixed between runs, then pruned to exactly the files the product indexes (WorkspaceIndex with its 1 MB
// size limit and its binary / minified filters). Every tool in the benchmark then sees the same files:
// ctags through a list file, ripgrep walking the folder, the product through its own index.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { WorkspaceIndex, type IndexedFile } from '../src/core/workspace/WorkspaceIndex';

/** Bump when SOURCES or the copy rules change: a new folder means a fresh copy. */
const CORPUS_VERSION = 2;
export const BENCH_DIR = join(tmpdir(), `rlm-bench-v${CORPUS_VERSION}`);
const CORPUS_DIR = join(BENCH_DIR, 'corpus');
const DOUBLE_DIR = join(BENCH_DIR, 'double-distinct');
const META_FILE = join(BENCH_DIR, 'corpus.json');

export const SOURCES = [
  { from: join(__dirname, '..', 'node_modules'), as: 'node_modules', what: "this repo's node_modules (TS/JS)" },
  { from: '/usr/lib/node_modules', as: 'usr-node_modules', what: "the system npm's /usr/lib/node_modules (JS, some Python)" },
  { from: '/usr/lib/python3.11', as: 'python3.11', what: "Python 3.11's standard library /usr/lib/python3.11" },
  { from: '/usr/lib/python3/dist-packages', as: 'python3-dist-packages', what: "Debian's Python packages /usr/lib/python3/dist-packages" },
];
/** Languages both the product and ctags parse; the rest of the source trees (JSON, docs, data) is left out. */
const CODE_FILE = /\.(ts|mts|cts|tsx|js|mjs|cjs|jsx|py|pyi)$/;

export interface CorpusMeta {
  sources: string[];
  copied: { files: number; bytes: number };
  /** Copied files the product does not index, by reason (too-large, minified, binary). */
  pruned: Record<string, { files: number; bytes: number }>;
}

export interface Corpus extends CorpusMeta {
  dir: string;
  files: readonly IndexedFile[];
  bytes: number;
  /** The product's file list, one corpus-relative path a line (for `ctags -L`). */
  listFile: string;
  /** Files and bytes by language. */
  languages: Record<string, { files: number; bytes: number }>;
}

/** Builds the corpus on first use (about a minute), then reuses it. */
export function prepareCorpus(): Corpus {
  if (!existsSync(META_FILE) || !existsSync(CORPUS_DIR)) buildCorpus();
  const meta = JSON.parse(readFileSync(META_FILE, 'utf8')) as CorpusMeta;
  const files = WorkspaceIndex.open(CORPUS_DIR, { exclude: [] }).list();
  const listFile = join(BENCH_DIR, 'files.txt');
  writeFileSync(listFile, files.map((f) => f.path).join('\n') + '\n');
  const languages: Corpus['languages'] = {};
  let bytes = 0;
  for (const f of files) {
    bytes += f.bytes;
    const l = (languages[f.language] ??= { files: 0, bytes: 0 });
    l.files++;
    l.bytes += f.bytes;
  }
  return { ...meta, dir: CORPUS_DIR, files, bytes, listFile, languages };
}

/**
 * The corpus twice, under double/a (hard links) and double/b (copies with one comment line appended, so no
 * text is shared: the index cannot reuse the first half's work, and growth measures a really larger workspace).
 */
export function prepareDoubleCorpus(): string {
  if (!existsSync(join(DOUBLE_DIR, 'b'))) {
    rmSync(DOUBLE_DIR, { recursive: true, force: true });
    mkdirSync(DOUBLE_DIR, { recursive: true });
    execFileSync('cp', ['-al', CORPUS_DIR, join(DOUBLE_DIR, 'a')]);
    const copy = (from: string, to: string) => {
      mkdirSync(to, { recursive: true });
      for (const entry of readdirSync(from, { withFileTypes: true })) {
        const src = join(from, entry.name);
        const dst = join(to, entry.name);
        if (entry.isDirectory()) copy(src, dst);
        else if (entry.isFile()) writeFileSync(dst, readFileSync(src, 'utf8') + (entry.name.endsWith('.py') ? '\n# second copy\n' : '\n// second copy\n'));
      }
    };
    copy(CORPUS_DIR, join(DOUBLE_DIR, 'b'));
  }
  return DOUBLE_DIR;
}

function buildCorpus(): void {
  rmSync(BENCH_DIR, { recursive: true, force: true });
  mkdirSync(CORPUS_DIR, { recursive: true });
  const sources: string[] = [];
  let copiedFiles = 0;
  let copiedBytes = 0;
  const walk = (dir: string, base: string, as: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const abs = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== '__pycache__') walk(abs, base, as);
      else if (entry.isFile() && CODE_FILE.test(entry.name)) {
        const target = join(CORPUS_DIR, as, relative(base, abs));
        mkdirSync(dirname(target), { recursive: true });
        copyFileSync(abs, target);
        copiedFiles++;
        copiedBytes += statSync(target).size;
      }
    }
  };
  for (const s of SOURCES) {
    if (!existsSync(s.from)) continue;
    walk(s.from, s.from, s.as);
    sources.push(s.what);
  }
  const pruned = pruneToIndexed(CORPUS_DIR);
  const meta: CorpusMeta = { sources, copied: { files: copiedFiles, bytes: copiedBytes }, pruned };
  writeFileSync(META_FILE, JSON.stringify(meta));
}

/**
 * Deletes the files under `dir` that the product would not index (over 1 MB, minified, binary), so that tools
 * walking the folder themselves (rg) see the same files as the product and ctags. Returns them by reason.
 * `exclude` is the product's exclude list the folder is opened with (none by default).
 */
export function pruneToIndexed(dir: string, exclude: readonly string[] = []): CorpusMeta['pruned'] {
  const index = WorkspaceIndex.open(dir, { exclude });
  const pruned: CorpusMeta['pruned'] = {};
  const prune = (sub: string) => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) { prune(rel); continue; }
      if (index.get(rel)) continue;
      const reason = index.explain(rel)?.reason ?? 'unknown';
      const p = (pruned[reason] ??= { files: 0, bytes: 0 });
      p.files++;
      p.bytes += statSync(join(dir, rel)).size;
      rmSync(join(dir, rel));
    }
  };
  prune('');
  return pruned;
}

if (require.main === module) {
  const c = prepareCorpus();
  console.log(`${c.files.length} files, ${(c.bytes / 1e6).toFixed(1)} MB in ${c.dir}`);
  console.log(JSON.stringify({ sources: c.sources, copied: c.copied, pruned: c.pruned, languages: c.languages }, null, 1));
}
