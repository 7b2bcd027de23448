// The plain model's prompt: the whole context and the question in one user message, as a user without an RLM
// would send it. A context larger than the model's window is cut to fit in the middle, keeping its head and
// tail (LongBench's convention for over-long inputs), and the cut is reported with the task's result.

import { CHARS_PER_TOKEN, estimateTokens } from '../models/usage';
import type { ChatMessage } from '../models/types';

export const VANILLA_SYSTEM = 'You answer questions about a long context given in the user message. Read it carefully and answer the question that follows it. Be precise; give the answer in the form the question asks for.';

/** Tokens left free for the reply. */
export const VANILLA_REPLY_TOKENS = 4_096;
/**
 * Share of the window the prompt may fill by our estimate: characters / 4 undercounts some texts (digits,
 * code, other scripts) against a real tokenizer, and an over-long prompt is refused by the server.
 */
export const WINDOW_SHARE = 0.9;

export interface ContextCut {
  /** How the context was cut: its first and last parts kept, the middle left out; or whole files left out (a refactor's named files). */
  how: 'head+tail' | 'files';
  contextChars: number;
  keptChars: number;
  /** Characters left out of the middle. */
  cutChars: number;
  /** The window the cut was made for, in tokens. */
  contextWindow: number;
}

export interface VanillaPrompt {
  messages: ChatMessage[];
  /** Present when the context did not fit and was cut. */
  cut?: ContextCut;
}

/** `share` lowers the window share for a retry after the server said the prompt was still too long. */
export function vanillaPrompt(question: string, context: string, contextWindow: number, share = WINDOW_SHARE): VanillaPrompt {
  const frame = (body: string) => `Read the context below, then answer the question after it.\n\n<context>\n${body}\n</context>\n\nQuestion: ${question}`;
  const overhead = estimateTokens(VANILLA_SYSTEM) + estimateTokens(frame('')) + 16;
  const fitChars = Math.max(0, Math.floor((contextWindow * share - VANILLA_REPLY_TOKENS - overhead) * CHARS_PER_TOKEN));
  const messages = (body: string): ChatMessage[] => [{ role: 'system', content: VANILLA_SYSTEM }, { role: 'user', content: frame(body) }];
  if (context.length <= fitChars) return { messages: messages(context) };
  const { text, cutChars } = cutMiddle(context, fitChars);
  return {
    messages: messages(text),
    cut: { how: 'head+tail', contextChars: context.length, keptChars: context.length - cutChars, cutChars, contextWindow },
  };
}

/** The first and last halves of `maxChars` characters, with a line saying how much of the middle is missing. */
export function cutMiddle(text: string, maxChars: number): { text: string; cutChars: number } {
  const note = (n: number) => `\n[... ${n.toLocaleString('en-US')} characters of the context left out here: it does not fit the model's window ...]\n`;
  const keep = Math.max(0, maxChars - note(text.length).length);
  const head = Math.ceil(keep / 2);
  const tail = keep - head;
  const cutChars = text.length - keep;
  return { text: text.slice(0, head) + note(cutChars) + (tail > 0 ? text.slice(text.length - tail) : ''), cutChars };
}
