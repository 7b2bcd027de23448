// Prompt caching as the providers report it, for FakeModelServer. Tokens are characters / 4, as the server counts
// them. OpenAI caches every prompt of 1,024 tokens or more by itself and reports the longest prefix an earlier
// prompt to the same model shared, from 1,024 tokens in steps of 128. Anthropic caches only up to the
// cache_control breakpoints a request marks: it reads the longest prefix an earlier breakpoint wrote, and writes
// the prompt up to the request's last breakpoint (1,024 tokens at least) when that is not cached yet.

import { createHash } from 'node:crypto';

/** Prompt tokens read from the cache and written to it. */
export interface CacheReport {
  read: number;
  written: number;
}

interface Block {
  role: string;
  text: string;
  breakpoint: boolean;
}

export const MIN_CACHED_TOKENS = 1_024;
/** OpenAI reports cache hits in steps of this many tokens past the first 1,024. */
const OPENAI_STEP = 128;
/** Earlier prompts remembered per model (OpenAI): enough for any test, bounded for a benchmark. */
const REMEMBERED = 512;

const tokensOf = (chars: number) => Math.floor(chars / 4);

export class FakePromptCache {
  private readonly openaiPrompts = new Map<string, Block[][]>();
  private readonly anthropicPrefixes = new Map<string, number>();

  constructor(private readonly minTokens = MIN_CACHED_TOKENS) {}

  report(api: 'openai' | 'anthropic', model: string, body: any): CacheReport {
    return api === 'openai' ? this.openai(model, openaiBlocks(body)) : this.anthropic(model, anthropicBlocks(body));
  }

  private openai(model: string, blocks: Block[]): CacheReport {
    const earlier = this.openaiPrompts.get(model) ?? [];
    let longest = 0;
    for (const prompt of earlier) longest = Math.max(longest, tokensOf(commonChars(prompt, blocks)));
    const read = longest >= this.minTokens ? this.minTokens + Math.floor((longest - this.minTokens) / OPENAI_STEP) * OPENAI_STEP : 0;
    if (tokensOf(blocks.reduce((n, b) => n + b.text.length, 0)) >= this.minTokens) {
      earlier.push(blocks);
      if (earlier.length > REMEMBERED) earlier.shift();
      this.openaiPrompts.set(model, earlier);
    }
    return { read, written: 0 };
  }

  private anthropic(model: string, blocks: Block[]): CacheReport {
    let key = model;
    let chars = 0;
    let read = 0;
    let lastBreakpoint: { key: string; tokens: number } | undefined;
    const breakpoints: Array<{ key: string; tokens: number }> = [];
    for (const block of blocks) {
      key = createHash('sha1').update(`${key}\0${block.role}\0${block.text}`).digest('hex');
      chars += block.text.length;
      const tokens = tokensOf(chars);
      if (this.anthropicPrefixes.has(key)) read = tokens;
      if (block.breakpoint) breakpoints.push((lastBreakpoint = { key, tokens }));
    }
    // Only a prefix that ends at or before the last breakpoint is read; a request without one reads nothing.
    if (!lastBreakpoint) return { read: 0, written: 0 };
    read = Math.min(read, lastBreakpoint.tokens);
    const written = lastBreakpoint.tokens >= this.minTokens && !this.anthropicPrefixes.has(lastBreakpoint.key) ? lastBreakpoint.tokens - read : 0;
    for (const b of breakpoints) if (b.tokens >= this.minTokens) this.anthropicPrefixes.set(b.key, b.tokens);
    return { read, written };
  }
}

/** Characters two prompts share from the start: whole equal messages, then the common start of the next. */
function commonChars(a: Block[], b: Block[]): number {
  let chars = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i]!.role !== b[i]!.role) break;
    if (a[i]!.text === b[i]!.text) {
      chars += a[i]!.text.length;
      continue;
    }
    const x = a[i]!.text;
    const y = b[i]!.text;
    let n = 0;
    while (n < x.length && n < y.length && x.charCodeAt(n) === y.charCodeAt(n)) n++;
    return chars + n;
  }
  return chars;
}

function openaiBlocks(body: any): Block[] {
  return (Array.isArray(body.messages) ? body.messages : []).map((m: any) => ({ role: String(m.role), text: textOf(m.content), breakpoint: false }));
}

/** System blocks, then every content block of every message, each with its cache_control mark. */
function anthropicBlocks(body: any): Block[] {
  const blocks: Block[] = [];
  const add = (role: string, content: unknown) => {
    if (typeof content === 'string') blocks.push({ role, text: content, breakpoint: false });
    else if (Array.isArray(content)) for (const part of content) blocks.push({ role, text: String(part?.text ?? ''), breakpoint: Boolean(part?.cache_control) });
  };
  if (body.system !== undefined) add('system', body.system);
  for (const m of Array.isArray(body.messages) ? body.messages : []) add(String(m.role), m.content);
  return blocks;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => (typeof part === 'string' ? part : part?.text ?? '')).join('');
  return '';
}
