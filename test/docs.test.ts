// The README is what a user reads first (and the Marketplace page); docs/ holds the rest. These keep them linked:
// every relative link and #anchor resolves, every document in docs/ is reachable from the README, and the README
// stays short enough to be read as a page.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { headingAnchors, isExternal, markdownLinks } from './support/markdownLinks';

const ROOT = join(__dirname, '..');
const README = join(ROOT, 'README.md');
const DOCS = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(ROOT, 'docs', f));
/**
 * What a user needs, in under 275 lines: install, ask, refactor, settings, the MCP set-ups (issue 15) and the
 * published benchmarks' commands, estimated costs and example report (issue 18); every flag of the CLI is in
 * docs/cli.md, the rest of the detail in docs/.
 */
const README_MAX_LINES = 275;

/** What is wrong with each relative link of a Markdown file: a missing file, or an anchor no heading makes. */
export function brokenLinks(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return markdownLinks(text).filter(({ target }) => !isExternal(target)).flatMap(({ target, line }) => {
    const [path, anchor] = target.split('#', 2);
    const where = `${relative(ROOT, file)}:${line} ${target}`;
    const resolved = path ? join(dirname(file), decodeURIComponent(path)) : file;
    if (!existsSync(resolved)) return [`${where}: no such file`];
    if (anchor && resolved.endsWith('.md') && !headingAnchors(readFileSync(resolved, 'utf8')).has(anchor)) return [`${where}: no heading makes this anchor`];
    return [];
  });
}

test('every relative link and anchor in the README and docs/ resolves', () => {
  assert.ok(DOCS.length >= 8, 'docs/ holds the documents the README links to');
  assert.deepEqual([README, ...DOCS].flatMap(brokenLinks), []);
});

test('the checker finds a missing file and a missing anchor', () => {
  const dir = join(ROOT, '.test-output', 'docs');
  const file = join(dir, 'x.md');
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, '# Here\n\n[ok](#here) [gone](#there) [none](nothing.md) `[code](ignored.md)`\n\n```\n[fenced](ignored.md)\n```\n');
  assert.deepEqual(brokenLinks(file), ['.test-output/docs/x.md:3 #there: no heading makes this anchor', '.test-output/docs/x.md:3 nothing.md: no such file']);
});

test('every document in docs/ is linked from the README', () => {
  const linked = new Set(markdownLinks(readFileSync(README, 'utf8')).map(({ target }) => target.split('#')[0]));
  assert.deepEqual(DOCS.map((f) => relative(ROOT, f)).filter((f) => !linked.has(f)), []);
});

test(`the README stays a page a user reads (at most ${README_MAX_LINES} lines)`, () => {
  const lines = readFileSync(README, 'utf8').split('\n').length;
  assert.ok(lines <= README_MAX_LINES, `README.md has ${lines} lines: move the detail into docs/`);
});
