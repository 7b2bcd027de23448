// Reading a root model's reply: the code cells it wants run, and a FINAL written as text.

/** Fenced blocks the engine executes, in order. ```repl is the paper's tag; models also write js/javascript. */
const CODE_FENCE = /(^|\n)[ \t]*(`{3,}|~{3,})[ \t]*(repl|js|javascript|jsx|ts|typescript|mjs)?[^\n]*\n([\s\S]*?)\n[ \t]*\2[ \t]*(?=\n|$)/g;
const RUNNABLE = new Set(['repl', 'js', 'javascript', 'jsx', 'mjs', 'ts', 'typescript']);

export function extractCodeBlocks(text: string): string[] {
  const blocks: string[] = [];
  for (const match of text.matchAll(CODE_FENCE)) {
    const tag = (match[3] ?? '').toLowerCase();
    const body = match[4] ?? '';
    if (RUNNABLE.has(tag) && body.trim() !== '') blocks.push(body);
  }
  return blocks;
}

/** The reply with its code blocks removed: what the model said, not what it ran. */
export function proseOf(text: string): string {
  return text.replace(CODE_FENCE, '\n').trim();
}

export type TextFinal = { kind: 'value'; value: string } | { kind: 'var'; name: string };

/**
 * A FINAL(...) or FINAL_VAR(name) written in prose, as the paper's models do. Only honoured by the loop in a
 * turn without code. The value runs to the matching closing parenthesis, so answers that contain
 * parentheses survive; surrounding quotes are dropped.
 */
export function findTextFinal(text: string): TextFinal | undefined {
  const prose = proseOf(text);
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
