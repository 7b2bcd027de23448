// universal-ctags on the benchmark corpus: the reference for the symbol index's speed and recall. It reads
// the product's own file list (`-L`), so both sides parse exactly the same files.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `language` is ctags' parser name (C++, Go, Python...). */
export interface CtagsTag { name: string; path: string; line: number; kind: string; language: string }

export interface CtagsRun {
  ms: number;
  /** User + system CPU of ctags itself (single-threaded: wall minus CPU is machine load and I/O). */
  cpuMs: number;
  tags: CtagsTag[];
  version: string;
}

/** The extensions the product gives a grammar that ctags does not map by default. */
const LANGMAP = ['--langmap=JavaScript:+.cjs', '--langmap=TypeScript:+.mts.cts.tsx', '--langmap=Python:+.pyi'];

export function ctagsVersion(): string | undefined {
  const r = spawnSync('ctags', ['--version'], { encoding: 'utf8' });
  if (r.status !== 0 || !/Universal Ctags/i.test(r.stdout)) return undefined;
  return r.stdout.split('\n')[0].replace(/,.*$/, '');
}

export function runCtags(corpusDir: string, listFile: string, workDir: string): CtagsRun {
  const version = ctagsVersion();
  if (!version) throw new Error('universal-ctags is missing: apt-get update && apt-get install -y universal-ctags');
  const out = join(workDir, 'ctags.tags');
  const args = ['-L', listFile, '-f', out, '--excmd=number', '--fields=+nKl', ...LANGMAP];
  // bash's `times` prints the children's CPU after ctags exits. ctags warns about every "null tag" on
  // stderr (thousands of lines): dropped.
  const started = performance.now();
  const timed = spawnSync('bash', ['-c', 'ctags "$@" 2>/dev/null || exit 1; times', 'bash', ...args], { cwd: corpusDir, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (timed.status !== 0) throw new Error(`ctags failed (exit ${timed.status}): ${timed.stderr}`);
  const seconds = (t: string) => {
    const m = /(\d+)m([\d.]+)s/.exec(t);
    return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
  };
  const [user, sys] = timed.stdout.trim().split('\n').pop()!.split(/\s+/).map(seconds);
  return { ms, cpuMs: (user + sys) * 1000, tags: parseTags(readFileSync(out, 'utf8')), version };
}

function parseTags(text: string): CtagsTag[] {
  const tags: CtagsTag[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('!_TAG_')) continue;
    const cols = line.split('\t');
    const kind = cols[3];
    const lineField = cols.find((c) => c.startsWith('line:'));
    const languageField = cols.find((c) => c.startsWith('language:'));
    if (!kind || !lineField) continue;
    tags.push({ name: cols[0], path: cols[1], kind, line: Number(lineField.slice(5)), language: languageField?.slice(9) ?? '' });
  }
  return tags;
}
