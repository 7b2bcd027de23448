// Links and heading anchors of a Markdown file as GitHub renders them, for the tests that keep the README and
// docs/ linked together (test/docs.test.ts) and the packaged README readable on the Marketplace (test/e2e/package.test.ts).

export interface MarkdownLink {
  target: string;
  line: number;
}

/** The lines outside fenced code blocks (a code block's lines become empty, so line numbers stay). */
function proseLines(text: string): string[] {
  let fence: string | undefined;
  return text.split('\n').map((line) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === undefined && marker) {
      fence = marker;
      return '';
    }
    if (fence !== undefined) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      return '';
    }
    return line;
  });
}

/** GitHub's anchor for a heading: lower case, punctuation dropped (code spans and link texts kept), spaces to hyphens. */
export function githubSlug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/ /g, '-');
}

/** Every heading's anchor; a repeated heading gets `-1`, `-2`... as on GitHub. */
export function headingAnchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of proseLines(text)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const slug = githubSlug(heading);
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

/** Targets of links and images (`[text](target)`, `![alt](target)`), outside code blocks and code spans. */
export function markdownLinks(text: string): MarkdownLink[] {
  return proseLines(text).flatMap((line, i) =>
    [...line.replace(/`[^`]*`/g, '').matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => ({ target: m[1], line: i + 1 })));
}

/** A link that leaves the file's site (`https:`, `mailto:`...), as opposed to a relative path or `#anchor`. */
export const isExternal = (target: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(target);
