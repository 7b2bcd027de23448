// RepoQA's "search needle function" (evalplus/repoqa) as `rlm eval` tasks. The release file
// repoqa-<version>.json.gz holds {lang: [{repo, commit_sha, content: {path: text}, functions, needles: [{name,
// path, start_line, end_line, description, ...}]}]}. Each repository's `content` is written to a scratch folder
// (the workspace both modes read); each needle is a task: find the described function, reply with its code.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { CHARS_PER_TOKEN } from '../../models/usage';
import type { EvalTask } from '../EvalTask';
import { TaskFileError } from '../TaskFileError';
import type { NeedleFunction } from './needleFunction';

export const REPOQA_DOWNLOAD = 'curl -LO https://github.com/evalplus/repoqa_release/releases/download/2024-06-23/repoqa-2024-06-23.json.gz';

interface RepoEntry {
  repo: string;
  commit_sha?: string;
  content: Record<string, string>;
  needles: Array<{ name: string; path: string; start_line: number; end_line: number; description: string }>;
}

export interface RepoQaData {
  tasks: EvalTask[];
  /** The scratch folder holding every repository's files: remove it when the eval ends. */
  scratch: string;
  dispose(): void;
}

export function needleQuestion(description: string): string {
  return `Find the function this description is about in the repository, and reply with its code exactly as written there (the whole function) in one fenced code block.\n\nDescription:\n${description.trim()}`;
}

export interface RepoQaOptions {
  only?: string[];
  /** Compare functions with their comments removed (RepoQA's --eval-ignore-comments); its default keeps them. */
  ignoreComments?: boolean;
}

export async function repoQaTasks(file: string, options: RepoQaOptions = {}): Promise<RepoQaData> {
  let raw: Buffer;
  try {
    raw = readFileSync(resolve(file));
  } catch (err) {
    throw new TaskFileError(`RepoQA's data file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? err}). Download it with: ${REPOQA_DOWNLOAD}`);
  }
  let text: string;
  try {
    text = (raw[0] === 0x1f && raw[1] === 0x8b ? await promisify(gunzip)(raw) : raw).toString('utf8');
  } catch (err) {
    throw new TaskFileError(`${file} is not a readable gzip file (${(err as Error).message}). Download it again with: ${REPOQA_DOWNLOAD}`);
  }
  const data = parseData(text, file);
  const scratch = mkdtempSync(join(tmpdir(), 'rlm-eval-repoqa-'));
  try {
    const tasks: EvalTask[] = [];
    for (const [lang, entries] of Object.entries(data)) {
      for (const entry of entries) {
        if (options.only?.length && !options.only.includes(entry.repo)) continue;
        const where = `${file}: ${lang}/${entry.repo}`;
        const folder = join(scratch, lang, entry.repo.replace(/[^A-Za-z0-9._-]+/g, '_'));
        let bytes = 0;
        for (const [path, body] of Object.entries(entry.content)) {
          const safe = posix.normalize(path);
          if (safe.startsWith('../') || safe === '..' || posix.isAbsolute(safe)) throw new TaskFileError(`${where}: the file path "${path}" leaves the repository`);
          mkdirSync(dirname(join(folder, safe)), { recursive: true });
          writeFileSync(join(folder, safe), body);
          bytes += Buffer.byteLength(body);
        }
        const needles: NeedleFunction[] = entry.needles.map((n) => {
          const source = entry.content[n.path];
          if (source === undefined) throw new TaskFileError(`${where}: needle ${n.name} is in ${n.path}, which its content does not hold`);
          return { name: n.name, code: source.split('\n').slice(n.start_line, n.end_line).join('\n') };
        });
        for (const n of entry.needles) {
          tasks.push({
            id: `repoqa/${lang}/${entry.repo}/${n.name}`, suite: 'repoqa', question: needleQuestion(n.description),
            context: { kind: 'workspace', path: folder }, answer: n.name, scorer: 'exact',
            sizeTokens: Math.ceil(bytes / CHARS_PER_TOKEN), benchmark: { kind: 'repoqa', repo: entry.repo, lang, needle: n.name, needles, ignoreComments: options.ignoreComments ?? false },
          });
        }
      }
    }
    if (tasks.length === 0) throw new TaskFileError(`${file} holds no needles${options.only?.length ? ` in ${options.only.join(', ')}` : ''}`);
    return { tasks, scratch, dispose: () => rmSync(scratch, { recursive: true, force: true }) };
  } catch (err) {
    rmSync(scratch, { recursive: true, force: true });
    throw err;
  }
}

/** The whole file as one {lang: [...]} object, or JSON lines each holding such an object. */
function parseData(text: string, file: string): Record<string, RepoEntry[]> {
  const objects: unknown[] = [];
  try {
    objects.push(JSON.parse(text));
  } catch {
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        objects.push(JSON.parse(line));
      } catch {
        throw new TaskFileError(`${file} is not RepoQA's data: neither JSON nor JSON lines. Download it with: ${REPOQA_DOWNLOAD}`);
      }
    }
  }
  const data: Record<string, RepoEntry[]> = {};
  for (const o of objects) {
    if (!o || typeof o !== 'object' || Array.isArray(o)) throw new TaskFileError(`${file} is not RepoQA's data: expected {language: [repositories]}`);
    for (const [lang, entries] of Object.entries(o as Record<string, unknown>)) {
      if (!Array.isArray(entries)) throw new TaskFileError(`${file}: "${lang}" is not a list of repositories`);
      for (const e of entries as Array<Partial<RepoEntry>>) {
        if (typeof e?.repo !== 'string' || !e.content || typeof e.content !== 'object' || !Array.isArray(e.needles)) {
          throw new TaskFileError(`${file}: a ${lang} entry lacks repo, content or needles`);
        }
      }
      (data[lang] ??= []).push(...(entries as RepoEntry[]));
    }
  }
  return data;
}
