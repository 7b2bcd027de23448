// Scripted models for the eval harness, served by the FakeModelServer. They tell the two modes apart by their
// system prompt: the plain model gets VANILLA_SYSTEM and the whole (possibly cut) context; the RLM root gets
// the engine's system prompt and writes code that the real sandbox runs.

import { VANILLA_SYSTEM } from '../../src/core/eval/vanillaPrompt';
import type { FakeReply, FakeRequest, FakeResponder } from '../fakes/FakeModelServer';
import { code } from './scriptedModels';

const NEEDLE = /special magic number for (\S+) is (\d+)/;

export function isVanilla(req: FakeRequest): boolean {
  return req.messages[0]?.role === 'system' && req.messages[0].content === VANILLA_SYSTEM;
}

/** The question a request is about: the plain model's after its context, the RLM root's in its first message. */
export function questionOf(req: FakeRequest): string {
  const first = req.messages.find((m) => m.role === 'user')?.content ?? '';
  return /\nQuestion: ([\s\S]*?)(?:\n\nYou have not looked|$)/.exec(first)?.[1] ?? '';
}

/**
 * needle-text, mechanically: the plain model finds the needle in whatever part of the context it was sent;
 * the RLM root splits the context into chunks in code and asks the sub-model about each, and the sub-model
 * finds the needle in its chunk. Nothing here knows the answer beforehand.
 */
export function needleModels(options: { chunkChars?: number } = {}): FakeResponder {
  const chunk = options.chunkChars ?? 60_000;
  return (req) => {
    const last = req.messages.at(-1)!.content;
    if (isVanilla(req)) {
      const m = NEEDLE.exec(last);
      return m ? `The special magic number is ${m[2]}.` : 'I cannot find that number in the text.';
    }
    if (req.messages[0]?.role !== 'system') {
      // A sub-call: the chunk is in the prompt.
      const m = NEEDLE.exec(last);
      return m ? m[2]! : 'NONE';
    }
    const key = /special magic number for (\S+?)\./.exec(questionOf(req))?.[1] ?? '?';
    const turns = req.messages.filter((m) => m.role === 'assistant').length;
    if (turns === 0) {
      return code('Split the text and ask a sub-model about each part.',
        `const parts = [];\nfor (let i = 0; i < context.length; i += ${chunk}) parts.push(context.slice(i, i + ${chunk}));\n` +
        `const replies = await llm_query_batched(parts.map((p) => 'Find the special magic number for ${key}. Answer with the number, or NONE.\\n\\n' + p));\n` +
        `const found = replies.map((r) => r.trim()).find((r) => /^\\d+$/.test(r));\nprint(parts.length, found);`);
    }
    return code('Done.', 'FINAL(found ?? "not found")');
  };
}

export type Behaviour = 'right' | 'wrong' | 'budget';

/**
 * Tasks-file tasks whose question names how the root should behave ("[right]", "[wrong]", "[budget]"): answer
 * with `answers[question]`, answer something else, or keep exploring until the iterations run out. Sub-calls
 * echo a short summary. `delayMs` slows every root reply (for kill tests).
 */
export function behaviourModels(answers: Record<string, string>, options: { delayMs?: number } = {}): FakeResponder {
  return (req): FakeReply | string => {
    const reply = (text: string): FakeReply => ({ text, delayMs: options.delayMs });
    if (req.messages[0]?.role !== 'system') return `summary of ${req.messages.at(-1)!.content.length} characters`;
    const question = questionOf(req);
    const behaviour = (/\[(right|wrong|budget)\]/.exec(question)?.[1] ?? 'right') as Behaviour;
    const answer = Object.entries(answers).find(([q]) => question.startsWith(q))?.[1] ?? '?';
    const given = behaviour === 'wrong' ? `not ${answer}` : answer;
    if (isVanilla(req)) return reply(behaviour === 'budget' ? 'I am not sure.' : `The answer is ${given}.`);
    const turns = req.messages.filter((m) => m.role === 'assistant').length;
    if (req.messages.at(-1)!.content.includes('No more code will run')) return reply('FINAL(I ran out of turns)');
    if (behaviour === 'budget' || turns === 0) {
      return reply(code('Look at the context first.', 'const head = String(context).slice(0, 200);\nprint(head.length, await llm_query("Summarise: " + head));'));
    }
    return reply(code('Answer.', `FINAL(${JSON.stringify(given)})`));
  };
}

/**
 * needle-code, mechanically: the RLM root asks the symbol index or greps in code; the plain model looks for
 * the definition (or the calls) in the numbered files it was sent.
 */
export function codeModels(): FakeResponder {
  return (req) => {
    const question = questionOf(req);
    const name = /`([^`]+)`/.exec(question)?.[1] ?? '?';
    const callers = question.startsWith('Which files call');
    if (isVanilla(req)) {
      let path = '';
      const found: string[] = [];
      for (const line of req.messages.at(-1)!.content.split('\n')) {
        const header = /^==> (.*) <==$/.exec(line);
        if (header) { path = header[1]!; continue; }
        const numbered = /^(\d+)\| (.*)$/.exec(line);
        if (!numbered) continue;
        if (callers && new RegExp(`\\b${name}\\s*\\(`).test(numbered[2]!) && !new RegExp(`(function|def) ${name}\\b`).test(numbered[2]!)) found.push(path);
        if (!callers && new RegExp(`(function|def|class|interface) ${name}\\b`).test(numbered[2]!)) found.push(`${path}:${numbered[1]}`);
      }
      return found.length ? [...new Set(found)].join('\n') : 'I could not find it.';
    }
    if (req.messages[0]?.role !== 'system') return 'unused';
    return callers
      ? code('Grep for calls.', `const hits = grep(${JSON.stringify(`\\b${name}\\s*\\(`)}).filter((h) => !/(function|def) ${name}\\b/.test(h.text));\nFINAL([...new Set(hits.map((h) => h.path))].join("\\n"))`)
      : code('Ask the symbol index.', `const defs = symbols({ name: ${JSON.stringify(name)} });\nFINAL(defs.length ? defs[0].path + ":" + defs[0].line : "not found")`);
  };
}
