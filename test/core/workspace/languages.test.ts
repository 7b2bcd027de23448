// Language detection by name and by shebang.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectLanguage, languageFromName, languageFromShebang } from '../../../src/core/workspace/languages';

test('extensions and well-known names', () => {
  const cases: Record<string, string | undefined> = {
    'a/b.ts': 'typescript', 'x.tsx': 'tsx', 'x.mjs': 'javascript', 'x.py': 'python', 'x.go': 'go', 'x.rs': 'rust',
    'X.java': 'java', 'x.c': 'c', 'x.hpp': 'cpp', 'x.cs': 'csharp', 'x.rb': 'ruby', 'x.php': 'php', 'x.json': 'json',
    'README.MD': 'markdown', 'x.yml': 'yaml', 'Cargo.toml': 'toml', 'x.html': 'html', 'x.css': 'css', 'x.sh': 'shell',
    Dockerfile: 'dockerfile', 'docker/Dockerfile.dev': 'dockerfile', Makefile: 'makefile', Gemfile: 'ruby',
    '.gitignore': 'ignore', '.env': undefined, LICENSE: undefined, 'x.unknownext': undefined,
  };
  for (const [path, language] of Object.entries(cases)) assert.equal(languageFromName(path), language, path);
});

test('shebangs, with env, flags and versions', () => {
  assert.equal(languageFromShebang('#!/usr/bin/env python3'), 'python');
  assert.equal(languageFromShebang('#!/usr/bin/python3.11 -u'), 'python');
  assert.equal(languageFromShebang('#!/bin/bash -e'), 'shell');
  assert.equal(languageFromShebang('#!/bin/sh'), 'shell');
  assert.equal(languageFromShebang('#!/usr/bin/env node'), 'javascript');
  assert.equal(languageFromShebang('#!/usr/bin/env -S deno run --allow-net'), 'typescript');
  assert.equal(languageFromShebang('#!/usr/bin/env FOO=1 ruby'), 'ruby');
  assert.equal(languageFromShebang('#!/usr/bin/env unknown-thing'), undefined);
  assert.equal(languageFromShebang('no shebang'), undefined);
});

test('the name wins over the shebang; unknown text is plain text', () => {
  assert.equal(detectLanguage('tool.py', '#!/bin/bash'), 'python');
  assert.equal(detectLanguage('bin/tool', '#!/usr/bin/env node'), 'javascript');
  assert.equal(detectLanguage('NOTES', 'hello'), 'text');
});
