// The user-visible strings go through l10n.t (vscode.l10n.t in the host, @vscode/l10n's in the modules without
// `vscode` and in the webview pages), and l10n/bundle.l10n.json (the English bundle translators start from, shipped
// in the .vsix) lists exactly the strings the sources use: @vscode/l10n-dev, the tool VS Code's own extensions use,
// extracts them again here and the result must equal the committed file (`npm run l10n:export`).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as l10n from '@vscode/l10n';
import { getL10nPseudoLocalized } from '@vscode/l10n-dev';
import { RunNarration } from '../../src/core/integrations/RunNarration';
import { focusLabel, focusSize } from '../../src/core/loop/focus';
import { CHIP_WORDS } from '../../src/extension/chats/chipWords';
import { formatCost, formatDuration, formatStopReason } from '../../webview/shared/format';

const ROOT = join(__dirname, '..', '..');
const EXTENSION_SOURCES = join(ROOT, 'src', 'extension');
const WEBVIEW_SOURCES = join(ROOT, 'webview');
const BUNDLE = JSON.parse(readFileSync(join(ROOT, 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, string>;

const tsFiles = (dir: string) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f));

test('l10n/bundle.l10n.json holds exactly the strings the extension and its pages pass to l10n.t', { timeout: 120_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'rlm-l10n-'));
  try {
    const script = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts['l10n:export'] as string;
    assert.match(script, /^vscode-l10n-dev export --outDir \.\/l10n \.\/src \.\/webview$/);
    assert.equal(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).l10n, './l10n', 'VS Code looks for the bundles there');
    await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules', '@vscode', 'l10n-dev', 'dist', 'cli.js'), 'export', '--outDir', out, join(ROOT, 'src'), WEBVIEW_SOURCES], { cwd: ROOT });
    const extracted = JSON.parse(readFileSync(join(out, 'bundle.l10n.json'), 'utf8'));
    assert.deepEqual(BUNDLE, extracted, 'run `npm run l10n:export` and commit l10n/bundle.l10n.json');
    assert.ok(Object.keys(BUNDLE).length > 400, `${Object.keys(BUNDLE).length} strings`);
    // The pages' own strings are in it, not only the host's.
    for (const key of ['Send', 'Accept All', 'Search the tree', 'Answer ready: {0}', 'Turn {0}: {1} is writing code…']) assert.equal(BUNDLE[key], key);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

/** Where a user reads a string the editor shows: a literal there has skipped vscode.l10n.t. */
const SHOWN_LITERAL = /\b(?:show(?:Information|Warning|Error)Message\(|new SetupProblem\(\{ message: |(?:title|prompt|placeHolder|openLabel|saveLabel|invocationMessage): )\s*['"`]/g;

/** Where `pattern` matches in a file, each as the file and the text from there. */
const matchesIn = (file: string, text: string, pattern: RegExp): string[] => [...text.matchAll(pattern)].map((m) => `${file}: ${text.slice(m.index, m.index + 80)}`);

/** The extractor reads only literal messages: a template literal inside l10n.t (vscode's or @vscode/l10n's) would go untranslated. */
const TEMPLATE_MESSAGE = /l10n\.t\(\s*`/g;

test('no message, input box or quick pick in the editor layer shows a literal that skipped vscode.l10n.t', () => {
  const files = tsFiles(EXTENSION_SOURCES);
  const offenders = files.flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    return [...matchesIn(file, text, TEMPLATE_MESSAGE), ...(/from 'vscode'/.test(text) ? matchesIn(file, text, SHOWN_LITERAL) : [])];
  });
  assert.deepEqual(offenders, []);
  assert.ok(files.length > 30);
});

/** The static parts of each lit html`...` template in `source` (what the page writes itself, around the ${...}). */
function templateStatics(source: string): string[][] {
  const templates: string[][] = [];
  for (const m of source.matchAll(/\bhtml`/g)) {
    const parts: string[] = [];
    let at = m.index + m[0].length;
    let part = '';
    while (at < source.length && source[at] !== '`') {
      if (source[at] === '\\') {
        part += source.slice(at, at + 2);
        at += 2;
      } else if (source.startsWith('${', at)) {
        parts.push(part);
        part = '';
        at = skipExpression(source, at + 2);
      } else {
        part += source[at++];
      }
    }
    parts.push(part);
    templates.push(parts);
  }
  return templates;
}

/** The index just past the `}` that closes an expression starting at `at` (strings and nested templates skipped). */
function skipExpression(source: string, at: number): number {
  let depth = 1;
  while (at < source.length && depth > 0) {
    const c = source[at]!;
    if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === "'" || c === '"') at = source.indexOf(c, at + 1);
    else if (c === '`') at = skipTemplate(source, at + 1);
    at++;
  }
  return at;
}

/** The index of the backtick that closes a template literal whose text starts at `at`. */
function skipTemplate(source: string, at: number): number {
  while (at < source.length && source[at] !== '`') {
    if (source[at] === '\\') at += 2;
    else if (source.startsWith('${', at)) at = skipExpression(source, at + 2);
    else at++;
  }
  return at;
}

/** Words a page writes in markup, outside l10n.t: text between tags, and the text of attributes a user reads or hears. */
function wordsInMarkup(parts: string[]): string[] {
  const found: string[] = [];
  let inTag = false;
  for (const part of parts) {
    let text = '';
    for (let i = 0; i < part.length; i++) {
      const c = part[i]!;
      if (c === '<') {
        inTag = true;
        if (/[A-Za-z]{2}/.test(text)) found.push(text.trim());
        text = '';
      } else if (c === '>') {
        inTag = false;
      } else if (!inTag) {
        text += c;
      }
    }
    if (!inTag && /[A-Za-z]{2}/.test(text)) found.push(text.trim());
    for (const m of part.matchAll(/\b(?:title|aria-label|placeholder|label|alt)="([^"]*)"/g)) if (/[A-Za-z]{2}/.test(m[1]!)) found.push(m[0]);
  }
  return found;
}

/** Markup that is code, not words: the syntax of a path reference, as the model writes it. */
const NOT_WORDS = new Set(['path:line']);

test('the webview pages write no words of their own outside l10n.t: not in their markup, nor in the attributes they set', () => {
  const files = tsFiles(WEBVIEW_SOURCES);
  const offenders = files.flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    const markup = templateStatics(text).flatMap(wordsInMarkup).filter((words) => !NOT_WORDS.has(words)).map((words) => `${file}: ${words}`);
    return [...matchesIn(file, text, TEMPLATE_MESSAGE), ...markup, ...matchesIn(file, text, /setAttribute\(\s*'(?:title|aria-label|placeholder|label)',\s*['"`]/g)];
  });
  assert.deepEqual(offenders, []);
  assert.ok(files.length > 30);
  // The check finds what it is for.
  const sample = 'html`<p title="Stop it">Thinking…</p><b>${x}</b> ${html`<i>${y} tokens</i>`}<code>path:line</code>`';
  assert.deepEqual(templateStatics(sample).flatMap(wordsInMarkup), ['Thinking…', 'title="Stop it"', 'path:line', 'tokens']);
});

test('in the engine only RunNarration words through @vscode/l10n: the rest reaches models, traces and the terminal in English', () => {
  const core = join(ROOT, 'src', 'core');
  const wording = tsFiles(core).filter((f) => /from '@vscode\/l10n'/.test(readFileSync(f, 'utf8'))).map((f) => f.slice(core.length + 1));
  assert.deepEqual(wording, [join('integrations', 'RunNarration.ts')]);
});

test('given a bundle, the modules without vscode word through it: @rlm\'s progress lines, a chip, the figures; the model\'s words stay English', async () => {
  const pseudo = getL10nPseudoLocalized(BUNDLE) as Record<string, string>;
  l10n.config({ contents: pseudo });
  try {
    const lines: string[] = [];
    const narration = new RunNarration((line) => lines.push(line));
    narration.onEvent({ type: 'run_start', time: 1, id: 'r', depth: 0, question: 'q', rootModel: 'gpt-5', subModel: 'gpt-5-mini', context: { type: 'text', size: 1 } });
    narration.onEvent({ type: 'turn_start', time: 2, id: 'r.t1', parentId: 'r', iteration: 1 });
    assert.deepEqual(lines, [pseudo['Turn {0}: {1} is writing code…']!.replace('{0}', '1').replace('{1}', 'gpt-5')]);

    const problems = { kind: 'problems' as const, problems: [{ path: 'a.ts', line: 1, severity: 'error' as const, message: 'x' }], hidden: 0, more: 0 };
    assert.equal(focusLabel(problems, CHIP_WORDS), pseudo['Problems']);
    assert.notEqual(focusSize(problems, CHIP_WORDS), focusSize(problems));
    assert.equal(focusSize(problems), '1 problem (1 error) in 1 file', 'the first message names it in English');
    assert.equal(focusSize({ kind: 'file', path: 'a.ts', language: 'typescript', lines: 1, bytes: 2 }, CHIP_WORDS), `${pseudo['1 line']}, ${pseudo['{0} bytes']!.replace('{0}', '2')}`);

    assert.equal(formatCost(0, 1), pseudo['unknown']);
    assert.equal(formatDuration(5_300), pseudo['{0}s']!.replace('{0}', '5.3'));
    assert.equal(formatStopReason('max_cost'), pseudo['cost limit reached']);
  } finally {
    l10n.config({ contents: {} });
  }
  assert.equal(formatStopReason('max_cost'), 'cost limit reached', 'no bundle: English');
});
