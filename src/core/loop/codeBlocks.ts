// Reading a root model's reply: the code cells it wants run, and a FINAL written as text.

/** Every fenced block; group 3 is the info string (its first word is the language tag). */
const FENCE = /(^|\n)[ \t]*(`{3,}|~{3,})([^\n]*)\n([\s\S]*?)\n[ \t]*\2[ \t]*(?=\n|$)/g;
/**
 * The tags whose blocks run: ```repl is the paper's, models also write js/javascript. Every other fence is
 * text (```json, ```ts, ```python, an untagged one): running TypeScript or JSON as JavaScript only fails.
 */
const RUNNABLE = new Set(['repl', 'js', 'javascript']);

function tagOf(info: string): string {
  return info.trim().split(/[\s{]/, 1)[0]!.toLowerCase();
}

/** The blocks the engine executes, in order. */
export function extractCodeBlocks(text: string): string[] {
  const blocks: string[] = [];
  for (const match of text.matchAll(FENCE)) {
    const body = match[4] ?? '';
    if (RUNNABLE.has(tagOf(match[3] ?? '')) && body.trim() !== '') blocks.push(body);
  }
  return blocks;
}

/** The reply without the blocks that run: what the model said (other fenced blocks are part of what it said). */
export function proseOf(text: string): string {
  return text.replace(FENCE, (whole, _lead, _fence, info: string) => (RUNNABLE.has(tagOf(info)) ? '\n' : whole)).trim();
}

/** The reply without any fenced block: where a FINAL written as text may stand. */
function outsideFences(text: string): string {
  return text.replace(FENCE, '\n');
}

export type TextFinal = { kind: 'value'; value: string } | { kind: 'var'; name: string };

/**
 * A FINAL(...) or FINAL_VAR(name) written in prose, as the paper's models do. Only honoured by the loop in a
 * turn without code. The value runs to the matching closing parenthesis, so answers that contain
 * parentheses survive; surrounding quotes are dropped.
 */
export function findTextFinal(text: string): TextFinal | undefined {
  const prose = outsideFences(text);
  const varMatch = /(?:^|[^\w.])FINAL_VAR\(\s*["'`]?([A-Za-z_$][\w$]*)["'`]?\s*\)/.exec(prose);
  if (varMatch) return { kind: 'var', name: varMatch[1]! };
  const start = /(?:^|[^\w.])FINAL\(/.exec(prose);
  if (!start) return undefined;
  const open = start.index + start[0].length;
  let depth = 1;
  let end = -1;
  for (let i = open; i < prose.length; i++) {
    const ch = prose[i];
    if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) {
      end = i;
      break;
    }
  }
  // An unbalanced FINAL( runs to the end of the text: keep what the model wrote rather than lose it.
  let value = (end === -1 ? prose.slice(open) : prose.slice(open, end)).trim();
  const quoted = /^(["'`])([\s\S]*)\1$/.exec(value);
  if (quoted) value = quoted[2]!;
  return { kind: 'value', value };
}

/**
 * The answer in a reply to the last call (made after a limit stopped the run; its code does not run): a
 * FINAL written as text, else a FINAL of a plain string literal inside a block, else what the model said.
 */
export function answerOf(reply: string): string {
  const text = findTextFinal(reply);
  if (text?.kind === 'value') return text.value;
  for (const block of extractCodeBlocks(reply)) {
    const literal = /(?:^|[^\w.])FINAL\(\s*(["'`])([\s\S]*?)\1\s*\)/.exec(block);
    if (literal && !(literal[1] === '`' && literal[2]!.includes('${'))) return literal[2]!;
  }
  return proseOf(reply);
}
