// The host's user-visible strings go through vscode.l10n.t, and l10n/bundle.l10n.json (the English bundle translators
// start from, shipped in the .vsix) lists exactly the strings the sources use: @vscode/l10n-dev, the tool VS Code's
// own extensions use, extracts them again here and the result must equal the committed file (`npm run l10n:export`).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..');
const EXTENSION_SOURCES = join(ROOT, 'src', 'extension');

test('l10n/bundle.l10n.json holds exactly the strings the extension passes to vscode.l10n.t', { timeout: 60_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'rlm-l10n-'));
  try {
    const script = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts['l10n:export'] as string;
    assert.match(script, /^vscode-l10n-dev export --outDir \.\/l10n \.\/src\/extension$/);
    assert.equal(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).l10n, './l10n', 'VS Code looks for the bundles there');
    await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules', '@vscode', 'l10n-dev', 'dist', 'cli.js'), 'export', '--outDir', out, EXTENSION_SOURCES], { cwd: ROOT });
    const extracted = JSON.parse(readFileSync(join(out, 'bundle.l10n.json'), 'utf8'));
    const committed = JSON.parse(readFileSync(join(ROOT, 'l10n', 'bundle.l10n.json'), 'utf8'));
    assert.deepEqual(committed, extracted, 'run `npm run l10n:export` and commit l10n/bundle.l10n.json');
    assert.ok(Object.keys(committed).length > 80, `${Object.keys(committed).length} strings`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

/** Where a user reads a string the editor shows: a literal there has skipped vscode.l10n.t. */
const SHOWN_LITERAL = /\b(?:show(?:Information|Warning|Error)Message\(|new SetupProblem\(\{ message: |(?:title|prompt|placeHolder|openLabel|saveLabel|invocationMessage): )\s*['"`]/g;

test('no message, input box or quick pick in the editor layer shows a literal that skipped vscode.l10n.t', () => {
  const offenders: string[] = [];
  const files = readdirSync(EXTENSION_SOURCES, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  for (const file of files) {
    const text = readFileSync(join(EXTENSION_SOURCES, file), 'utf8');
    // The extractor reads only literal messages: a template literal inside l10n.t (vscode's or @vscode/l10n's) would go untranslated.
    for (const m of text.matchAll(/l10n\.t\(\s*`/g)) offenders.push(`${file}: ${text.slice(m.index, m.index + 80)}`);
    if (!/from 'vscode'/.test(text)) continue;
    for (const m of text.matchAll(SHOWN_LITERAL)) offenders.push(`${file}: ${text.slice(m.index, m.index + 80)}`);
  }
  assert.deepEqual(offenders, []);
  assert.ok(files.length > 30);
});
