// The one sanitiser every piece of model text goes through before it becomes DOM. Model output is hostile
// input: an answer may hold <script>, event handlers, javascript: links, SVG or forms. DOMPurify parses it in
// an inert document and keeps plain HTML only; the page's CSP (scripts by nonce only) is the second wall.

import DOMPurify, { type Config } from 'dompurify';

// Links go to the web or to a place in the page; nothing else (javascript:, data:, vbscript:, file:...).
const SAFE_URL = /^(?:https?:|mailto:|#)/i;

const CONFIG: Config & { RETURN_DOM_FRAGMENT: true } = {
  // HTML only: no SVG or MathML, whose elements carry their own script and navigation.
  USE_PROFILES: { html: true },
  // Nothing that fetches (images would reach the network or trip the CSP), submits, embeds or restyles the page.
  FORBID_TAGS: ['style', 'link', 'meta', 'base', 'img', 'picture', 'source', 'video', 'audio', 'track', 'iframe', 'frame', 'object', 'embed', 'form', 'input', 'button', 'select', 'textarea', 'dialog', 'template'],
  FORBID_ATTR: ['style', 'srcset', 'action', 'formaction', 'target', 'ping', 'background', 'poster'],
  ALLOWED_URI_REGEXP: SAFE_URL,
  // Ids and names the model writes must not shadow the page's own (DOM clobbering).
  SANITIZE_NAMED_PROPS: true,
  RETURN_DOM_FRAGMENT: true,
};

let configured = false;

/** Sanitised DOM for HTML built from model text. */
export function sanitize(html: string): DocumentFragment {
  if (!configured) {
    configured = true;
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      // Web links leave the page without telling it where they came from.
      if (node.tagName === 'A' && node.hasAttribute('href')) node.setAttribute('rel', 'noopener noreferrer');
    });
    // Set once: a config passed with each call is parsed again each time (a long answer is sanitised in many pieces).
    DOMPurify.setConfig(CONFIG);
  }
  return DOMPurify.sanitize(html) as unknown as DocumentFragment;
}
