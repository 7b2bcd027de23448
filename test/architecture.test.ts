// Keeps the layers honest: src/core is the engine and runs in plain Node (CLI, tests, a worker), so it may
// not import `vscode` or reach up into the editor, CLI or webview layers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..');
const IMPORT = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;

export function forbiddenImports(source: string): string[] {
  const bad: string[] = [];
  for (const m of source.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3] ?? m[4] ?? '';
    if (spec === 'vscode' || spec.startsWith('vscode/') || /(^|\/)(extension|cli|webview)(\/|$)/.test(spec.replace(/^(\.\.\/)+/, ''))) bad.push(spec);
  }
  return bad;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

test('the checker catches every import form', () => {
  assert.deepEqual(forbiddenImports(`import * as vscode from 'vscode';`), ['vscode']);
  assert.deepEqual(forbiddenImports(`const v = require("vscode");`), ['vscode']);
  assert.deepEqual(forbiddenImports(`import type { X } from '../../extension/panel';`), ['../../extension/panel']);
  assert.deepEqual(forbiddenImports(`const m = await import('vscode');`), ['vscode']);
  assert.deepEqual(forbiddenImports(`import { a } from './sandbox/Sandbox';\nimport 'node:fs';`), []);
});

test('src/core imports neither vscode nor the editor, CLI or webview layers', () => {
  const files = tsFiles(join(ROOT, 'src', 'core'));
  assert.ok(files.length > 10, 'the core has files to check');
  const violations = files.flatMap((f) => forbiddenImports(readFileSync(f, 'utf8')).map((spec) => `${relative(ROOT, f)} imports ${spec}`));
  assert.deepEqual(violations, []);
});

test('webview/** and src/protocol run in a browser: no vscode, no Node built-ins, nothing from the extension or CLI layers', () => {
  const files = [...tsFiles(join(ROOT, 'webview')), ...tsFiles(join(ROOT, 'src', 'protocol'))];
  assert.ok(files.length >= 3, 'the webview has files to check');
  const violations = files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(IMPORT)]
    .map((m) => m[1] ?? m[2] ?? m[3] ?? m[4] ?? '')
    .filter((spec) => spec === 'vscode' || spec.startsWith('node:') || /(^|\/)src\/(extension|cli)(\/|$)/.test(spec.replace(/^(\.\.\/)+/, 'src/')) || /\/(extension|cli)\//.test(spec))
    .map((spec) => `${relative(ROOT, f)} imports ${spec}`));
  assert.deepEqual(violations, []);
});
