// Sub-call answers reused across questions. The same model, system text and prompt get the answer they got
// before, at no cost: file text is part of the prompt, so an edited file misses by itself. One cache per
// workspace, on this machine only, outside the workspace (model code reads the workspace; it must not read
// this): the CLI keeps it under RLM_CACHE_DIR or the user's cache folder, the extension in its global storage.
//
// The file is JSONL, appended as answers come in: an entry line, or a touch line when an entry is reused (so
// the order of use survives a restart). Loading replays it; a line cut short by a crash is skipped. Past the
// size cap the least recently used entries go, and the file is rewritten once the lines it no longer needs
// outweigh the entries it keeps. Lookups are a hash and a Map read, in memory.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { appendFile, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Usage } from '../models/types';
import { redactSecrets } from '../redact';
import { isInside, realPathToBe } from '../workspace/rootPaths';

/** What a reused answer brings back: its text, and what it cost the first time (what reusing it saves). */
export interface CachedAnswer {
  text: string;
  /** The model name the server said answered. */
  model: string;
  usage: Usage;
  costUsd: number;
}

export interface SubCallCache {
  /** The answer stored for `key` (subCallKey), or undefined; a hit counts as a use. */
  get(key: string): Promise<CachedAnswer | undefined>;
  set(key: string, answer: CachedAnswer): void;
}

/**
 * The cache, keeping no answer that holds a key in use or anything shaped like a credential: the file is on disk,
 * where keys never go (a model may echo what it was sent). `secrets` is read at each answer (a window's list grows).
 */
export function keepingNoSecrets(cache: SubCallCache, secrets: ReadonlyArray<string | undefined>): SubCallCache {
  return {
    get: (key) => cache.get(key),
    set: (key, answer) => {
      if (redactSecrets(answer.text, secrets) === answer.text) cache.set(key, answer);
    },
  };
}

/** The key of a sub-call: a SHA-256 over the model, the system text and the prompt. */
export function subCallKey(model: string, system: string, prompt: string): string {
  return createHash('sha256').update(model).update('\0').update(system).update('\0').update(prompt).digest('hex');
}

/**
 * The cache file of a context (a workspace folder, a text file) in `dir`, named by a hash of the context's
 * identity, never by its path. Undefined when `dir` lies inside the context's folder `root` by any route (real
 * paths are compared, so a symlink cannot hide it, even one to a folder not made yet): model code reads there,
 * and must not read the cache.
 */
export function cacheFileFor(dir: string, contextId: string, root?: string): string | undefined {
  if (root !== undefined && isInside(realPathToBe(root), realPathToBe(dir))) return undefined;
  return join(dir, 'subcalls', `${createHash('sha256').update(contextId).digest('hex').slice(0, 32)}.jsonl`);
}

/** The cap on a workspace's cache file: enough for tens of thousands of answers, and quick to load. */
export const DEFAULT_CACHE_BYTES = 32 * 1024 * 1024;
/** Writes are gathered for this long before they go to the file (a batch of hundreds of answers is one append). */
const FLUSH_MS = 200;
/** The file is rewritten from memory once it outgrows the answers it keeps by this factor. */
const REWRITE_AT = 1.5;
/** A rewrite writes this many answers at a time, so the host thread is never held for long. */
const REWRITE_BATCH = 200;

interface Entry extends CachedAnswer {
  /** The entry's line length: what it weighs against the cap. */
  bytes: number;
}

type Line = { k: string; a: CachedAnswer } | { k: string; touch: 1 };

export class SubCallCacheFile implements SubCallCache {
  /** Least recently used first: a Map keeps insertion order, and a use moves an entry to the end. */
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  /** Bytes in the file, lines it no longer needs included. */
  private fileBytes = 0;
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly loaded: Promise<void>;

  constructor(readonly file: string, private readonly maxBytes = DEFAULT_CACHE_BYTES) {
    this.loaded = this.load();
  }

  async get(key: string): Promise<CachedAnswer | undefined> {
    await this.loaded;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.use(key, entry);
    this.write({ k: key, touch: 1 });
    const { text, model, usage, costUsd } = entry;
    return { text, model, usage, costUsd };
  }

  set(key: string, answer: CachedAnswer): void {
    const line = this.write({ k: key, a: answer });
    void this.loaded.then(() => this.keep(key, { ...answer, bytes: line.length }));
  }

  /** Entries in memory (after loading). */
  async size(): Promise<number> {
    await this.loaded;
    return this.entries.size;
  }

  /** Writes what is pending; the file is whole afterwards. */
  async close(): Promise<void> {
    await this.loaded;
    this.flush();
    await this.writing;
  }

  /**
   * Forgets every answer and deletes the file ("Clear Chat History": the prompts hold what the chats read). Writes
   * already queued finish first, so none of them brings a line back after the delete.
   */
  async clear(): Promise<void> {
    await this.loaded;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
    this.entries.clear();
    this.bytes = 0;
    this.writing = this.writing.then(async () => {
      await rm(this.file, { force: true });
      this.fileBytes = 0;
    });
    await this.writing;
  }

  private async load(): Promise<void> {
    try {
      this.fileBytes = (await stat(this.file)).size;
    } catch {
      return; // no cache yet
    }
    // Line by line: the host thread is never held for more than one line's parse.
    const lines = createInterface({ input: createReadStream(this.file, { encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const text of lines) {
      const line = parse(text);
      if (!line) continue;
      if ('a' in line) this.keep(line.k, { ...line.a, bytes: text.length + 1 });
      else {
        const entry = this.entries.get(line.k);
        if (entry) this.use(line.k, entry);
      }
    }
  }

  private use(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
  }

  private keep(key: string, entry: Entry): void {
    const old = this.entries.get(key);
    if (old) this.bytes -= old.bytes;
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
    for (const [oldest, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= e.bytes;
    }
  }

  private write(line: Line): string {
    const text = `${JSON.stringify(line)}\n`;
    this.pending.push(text);
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
    this.timer.unref?.();
    return text;
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const lines = this.pending.splice(0);
    if (lines.length === 0) return;
    this.writing = this.writing.then(() => this.append(lines.join('')));
  }

  /** Appends; rewrites the file from memory instead when the lines it no longer needs have grown too many. */
  private async append(text: string): Promise<void> {
    try {
      await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
      if (this.fileBytes + text.length > REWRITE_AT * Math.max(this.bytes, this.maxBytes / 4)) return await this.rewrite();
      await appendFile(this.file, text, { mode: 0o600 });
      this.fileBytes += text.length;
    } catch {
      // A cache that cannot be written only costs the next question its reuse.
    }
  }

  /** The answers in memory, least recently used first, to a new file that then replaces the old one. */
  private async rewrite(): Promise<void> {
    const temporary = `${this.file}.${process.pid}.tmp`;
    const handle = await open(temporary, 'w', 0o600);
    let written = 0;
    try {
      const entries = [...this.entries];
      for (let i = 0; i < entries.length; i += REWRITE_BATCH) {
        const chunk = entries.slice(i, i + REWRITE_BATCH).map(([k, { bytes: _, ...a }]) => `${JSON.stringify({ k, a })}\n`).join('');
        await handle.write(chunk);
        written += chunk.length;
      }
    } finally {
      await handle.close();
    }
    await rename(temporary, this.file);
    this.fileBytes = written;
  }
}

function parse(text: string): Line | undefined {
  try {
    const line = JSON.parse(text) as Line;
    if (typeof line?.k !== 'string') return undefined;
    if ('a' in line) return typeof line.a?.text === 'string' && typeof line.a.costUsd === 'number' ? line : undefined;
    return line;
  } catch {
    return undefined;
  }
}
