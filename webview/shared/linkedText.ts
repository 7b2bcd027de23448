// Plain text (a cell's output, a sub-call's response) with its `path:line` references as links: the text stays
// text (lit escapes it), only the references become anchors that shared/pathLinks.ts opens.

import { html, nothing, type TemplateResult } from 'lit';
import { PATH_REF_CLASS } from './markdown';
import { findPathRefs } from './pathRefs';

/** Past this, the text is shown as it is: scanning megabytes of output for references is not worth a frame. */
const MAX_SCANNED_CHARS = 200_000;

export function linkedText(text: string): Array<string | TemplateResult> {
  if (text.length > MAX_SCANNED_CHARS) return [text];
  const parts: Array<string | TemplateResult> = [];
  let at = 0;
  for (const ref of findPathRefs(text)) {
    if (ref.index > at) parts.push(text.slice(at, ref.index));
    parts.push(html`<a href="#" class=${PATH_REF_CLASS} data-testid="path-link" data-path=${ref.path} data-line=${ref.line} data-end-line=${ref.endLine ?? nothing}>${ref.text}</a>`);
    at = ref.index + ref.text.length;
  }
  if (at < text.length) parts.push(text.slice(at));
  return parts;
}
