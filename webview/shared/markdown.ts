// Model text as Markdown: markdown-it parses it, highlight.js colours the code blocks, `path:line` references
// become links, and DOMPurify checks the result (shared/sanitize.ts). HTML the model writes is shown as text,
// not parsed: even an inert parse of `<img onerror=...>` makes Chromium report a CSP violation, and models
// rarely need HTML in an answer. DOMPurify is the second wall, behind markdown-it's escaping and link checks.

import * as l10n from '@vscode/l10n';
import MarkdownIt from 'markdown-it';
import type { StateCore, Token } from 'markdown-it';
import { highlightCode } from './highlight';
import type { Piece } from './markdownPieces';
import { findPathRefs, wholePathRef, type PathRef } from './pathRefs';
import { sanitize } from './sanitize';

const md = new MarkdownIt({
  html: false,
  // No fuzzy links: "retry.ts" would become a link to a web site in Tajikistan.
  linkify: false,
  typographer: false,
  highlight: (code, language) => highlightCode(code, language) ?? '',
});
// Images would fetch from the network (the CSP blocks them anyway): show their alt text instead.
md.disable('image');
md.core.ruler.push('rlm_path_refs', linkPathRefs);

/** Sanitised DOM for Markdown written by a model. */
export function renderMarkdown(text: string): DocumentFragment {
  return sanitize(md.render(text));
}

/**
 * Renders a small answer once and throws it away, as the page starts: the first answer it shows then does not pay
 * for markdown-it, DOMPurify and highlight.js starting up (measured: about 70 ms for the first 2,000 characters, 3
 * for the next; mostly compiling the TypeScript grammar and the first sanitising).
 */
export function warmUpMarkdown(): void {
  renderMarkdown('## Warm up\n\nIn `src/a.ts:1`, **bold** and [a link](#x).\n\n- a list\n\n```ts\nconst a: number = 1;\n```\n\n```js\nlet b = 2;\n```\n');
}

/**
 * One piece of a long text (see markdownPieces.ts) as an element of its own: the page lays out only the pieces on
 * screen (content-visibility, shared/base.css).
 */
export function renderPiece(piece: Piece): HTMLElement {
  const element = document.createElement(piece.kind === 'code' ? 'pre' : 'div');
  element.className = `md-piece md-${piece.kind}${piece.kind !== 'markdown' && piece.continued ? ' continued' : ''}`;
  if (piece.kind === 'markdown') {
    element.append(renderMarkdown(piece.text));
  } else if (piece.kind === 'code') {
    const code = document.createElement('code');
    code.textContent = piece.text;
    element.append(code);
  } else {
    element.textContent = piece.text;
  }
  return element;
}

/** The class that marks a path reference; its text is what the click opens (see shared/pathLinks.ts). */
export const PATH_REF_CLASS = 'rlm-ref';

function refOpen(state: StateCore, ref: PathRef): Token {
  const open = new state.Token('link_open', 'a', 1);
  open.attrSet('href', '#');
  open.attrSet('class', PATH_REF_CLASS);
  open.attrSet('data-testid', 'path-link');
  open.attrSet('data-path', ref.path);
  open.attrSet('data-line', String(ref.line));
  if (ref.endLine !== undefined) open.attrSet('data-end-line', String(ref.endLine));
  open.attrSet('title', l10n.t('Open {0} at line {1}', ref.path, ref.line));
  return open;
}

/** Core rule: text and inline code outside links that name `path:line` get wrapped in a path link. */
function linkPathRefs(state: StateCore): void {
  for (const block of state.tokens) {
    if (block.type !== 'inline' || !block.children) continue;
    const out: Token[] = [];
    let inLink = 0;
    for (const token of block.children) {
      if (token.type === 'link_open') inLink++;
      if (token.type === 'link_close') inLink--;
      if (inLink > 0) {
        out.push(token);
        continue;
      }
      if (token.type === 'code_inline') {
        const ref = wholePathRef(token.content);
        out.push(...(ref ? [refOpen(state, ref), token, new state.Token('link_close', 'a', -1)] : [token]));
        continue;
      }
      if (token.type !== 'text') {
        out.push(token);
        continue;
      }
      let at = 0;
      for (const ref of findPathRefs(token.content)) {
        if (ref.index > at) out.push(textToken(state, token.content.slice(at, ref.index)));
        out.push(refOpen(state, ref), textToken(state, ref.text), new state.Token('link_close', 'a', -1));
        at = ref.index + ref.text.length;
      }
      out.push(at === 0 ? token : textToken(state, token.content.slice(at)));
    }
    block.children = out.filter((t) => t.type !== 'text' || t.content !== '');
  }
}

function textToken(state: StateCore, content: string): Token {
  const token = new state.Token('text', '', 0);
  token.content = content;
  return token;
}
