// The .vsix users install: `vsce package` of the built dist/ holds every file the extension loads at run time
// (bundles, worker bundles, webview pages, every wasm and tags query), the manifest, README and LICENSE, and
// nothing else (no sources, tests, source maps or node_modules).

import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { existsSync } from 'node:fs';
import { headingAnchors, isExternal, markdownLinks } from '../support/markdownLinks';
import { packagedExtension, REPO, vsixEntries, vsixText } from './harness';
import manifest from '../../package.json';

/** The packaged size today is about 2.5 MB (the grammars are most of it); this catches a stray heavy folder. */
const MAX_VSIX_BYTES = 15 * 1024 * 1024;

test('the .vsix holds dist/ (without source maps), media/, the manifest with its strings, l10n/, README and LICENSE, and nothing else', { timeout: 180_000 }, async () => {
  const vsix = await packagedExtension();
  const entries = await vsixEntries(vsix);
  const packaged = new Set(entries.map((e) => e.name).filter((name) => name.startsWith('extension/')).map((name) => name.slice('extension/'.length)));

  const dist = (await readdir(join(REPO, 'dist'), { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile() && !e.name.endsWith('.map'))
    .map((e) => relative(REPO, join(e.parentPath, e.name)).split('\\').join('/'));
  const media = (await readdir(join(REPO, 'media'), { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile()).map((e) => relative(REPO, join(e.parentPath, e.name)).split('\\').join('/'));
  // The manifest's strings (package.nls.json) and the host's (l10n/, vscode.l10n's bundles) ship beside it.
  const l10n = (await readdir(join(REPO, 'l10n'))).filter((f) => f.endsWith('.json')).map((f) => `l10n/${f}`);
  // vsce stores the README as readme.md and the licence as LICENSE.txt.
  const expected = new Set([...dist, ...media, ...l10n, 'package.json', 'package.nls.json', 'readme.md', 'LICENSE.txt']);

  assert.deepEqual([...packaged].filter((f) => !expected.has(f)).sort(), [], 'files in the package that should not be there');
  assert.deepEqual([...expected].filter((f) => !packaged.has(f)).sort(), [], 'files missing from the package');

  // What the extension loads at run time, named, so an empty or half-built dist/ cannot pass the comparison above.
  for (const file of ['dist/extension.js', 'dist/cli.js', 'dist/sandbox-worker.js', 'dist/syntaxWorker.js', 'dist/query-worker.js', 'dist/walk-worker.js', 'dist/cache-worker.js',
    'dist/quickjs.wasm', 'dist/web-tree-sitter.wasm', 'dist/webview/chat.js', 'dist/webview/chat.css', 'dist/webview/trajectory.js', 'dist/webview/trajectory.css']) {
    assert.ok(packaged.has(file), `${file} is packaged`);
  }
  const grammars = (await readdir(join(REPO, 'grammars'))).filter((f) => f.endsWith('.wasm') || f.endsWith('.scm'));
  assert.ok(grammars.length >= 24, `grammars/ has the wasm and tags of 12 languages (found ${grammars.length} files)`);
  for (const file of grammars) assert.ok(packaged.has(`dist/grammars/${file}`), `dist/grammars/${file} is packaged`);

  // The licences of what ships: every package the bundles hold or whose wasm is copied, with its text.
  assert.ok(packaged.has('dist/THIRD_PARTY_NOTICES.md'), 'the third-party notices are packaged');
  const notices = await readFile(join(REPO, 'dist', 'THIRD_PARTY_NOTICES.md'), 'utf8');
  for (const name of ['dompurify', 'markdown-it', 'lit', 'openai', '@anthropic-ai/sdk', 'quickjs-emscripten-core', 'web-tree-sitter', 'tree-sitter-python']) {
    assert.match(notices, new RegExp(`^## ${name.replace(/[/.]/g, '\\$&')} \\d`, 'm'), `the notices hold ${name}'s licence`);
  }

  const { size } = await stat(vsix);
  assert.ok(size < MAX_VSIX_BYTES, `the .vsix is ${(size / 1e6).toFixed(1)} MB`);
});

test('the packaged README, the Marketplace page, links docs/ and its pictures by absolute URLs that name real files', { timeout: 180_000 }, async () => {
  const readme = await vsixText(await packagedExtension(), 'extension/readme.md');
  const links = markdownLinks(readme);
  const anchors = headingAnchors(readme);
  // vsce rewrites relative links from package.json's repository: blob/HEAD/ for pages, raw/HEAD/ for images.
  const repository = manifest.repository.url.replace(/\.git$/, '');
  const docs = links.filter(({ target }) => target.startsWith(`${repository}/`));
  assert.ok(docs.some(({ target }) => target === `${repository}/blob/HEAD/docs/architecture.md`), 'docs/ is linked through the repository');
  assert.ok(docs.some(({ target }) => target === `${repository}/raw/HEAD/docs/screenshots/chat.png`), 'the pictures come from the repository');
  const wrong = links.flatMap(({ target, line }) => {
    if (target.startsWith('#')) return anchors.has(target.slice(1)) ? [] : [`${line}: ${target} (no such heading)`];
    if (!isExternal(target)) return [`${line}: ${target} (relative: the Marketplace cannot follow it)`];
    const file = target.startsWith(`${repository}/`) ? target.slice(repository.length + 1).replace(/^(blob|raw)\/HEAD\//, '').split('#')[0] : undefined;
    return file !== undefined && !existsSync(join(REPO, file)) ? [`${line}: ${target} (no such file in the repository)`] : [];
  });
  assert.deepEqual(wrong, []);
});
