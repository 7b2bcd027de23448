// Language names for indexed files. The names match the grammar names the symbol index
// (src/core/workspace/syntax) uses, so a record's `language` can pick a parser directly.

const BY_EXTENSION: Record<string, string> = {
  ts: 'typescript', mts: 'typescript', cts: 'typescript',
  tsx: 'tsx',
  js: 'javascript', mjs: 'javascript', cjs: 'javascript', jsx: 'javascript',
  py: 'python', pyi: 'python', pyw: 'python',
  go: 'go',
  rs: 'rust',
  java: 'java',
  kt: 'kotlin', kts: 'kotlin',
  scala: 'scala',
  swift: 'swift',
  c: 'c', h: 'c',
  cc: 'cpp', cpp: 'cpp', cxx: 'cpp', 'c++': 'cpp', hh: 'cpp', hpp: 'cpp', hxx: 'cpp', 'h++': 'cpp', ipp: 'cpp',
  cs: 'csharp',
  rb: 'ruby', rake: 'ruby', gemspec: 'ruby',
  php: 'php', phtml: 'php',
  lua: 'lua',
  pl: 'perl', pm: 'perl',
  r: 'r',
  dart: 'dart',
  ex: 'elixir', exs: 'elixir',
  erl: 'erlang', hrl: 'erlang',
  hs: 'haskell',
  ml: 'ocaml', mli: 'ocaml',
  clj: 'clojure', cljs: 'clojure', cljc: 'clojure',
  zig: 'zig',
  sql: 'sql',
  json: 'json', jsonc: 'json', json5: 'json',
  md: 'markdown', markdown: 'markdown', mdx: 'markdown',
  rst: 'restructuredtext',
  yml: 'yaml', yaml: 'yaml',
  toml: 'toml',
  ini: 'ini', cfg: 'ini',
  xml: 'xml', xsd: 'xml', svg: 'xml', plist: 'xml',
  html: 'html', htm: 'html', xhtml: 'html',
  css: 'css', scss: 'scss', sass: 'scss', less: 'less',
  vue: 'vue', svelte: 'svelte',
  sh: 'shell', bash: 'shell', zsh: 'shell', ksh: 'shell', fish: 'shell',
  ps1: 'powershell', psm1: 'powershell',
  bat: 'batch', cmd: 'batch',
  graphql: 'graphql', gql: 'graphql',
  proto: 'protobuf',
  tf: 'terraform', hcl: 'terraform',
  cmake: 'cmake',
  gradle: 'groovy', groovy: 'groovy',
  txt: 'text',
};

// Well-known extensionless (or oddly named) files.
const BY_NAME: Record<string, string> = {
  dockerfile: 'dockerfile',
  containerfile: 'dockerfile',
  makefile: 'makefile',
  gnumakefile: 'makefile',
  'cmakelists.txt': 'cmake',
  gemfile: 'ruby',
  rakefile: 'ruby',
  podfile: 'ruby',
  vagrantfile: 'ruby',
  'build.bazel': 'starlark',
  'workspace.bazel': 'starlark',
  '.bashrc': 'shell',
  '.zshrc': 'shell',
  '.profile': 'shell',
  '.gitignore': 'ignore',
  '.dockerignore': 'ignore',
  '.npmignore': 'ignore',
};

// Interpreter names after `#!` (or after `#!/usr/bin/env`), without version suffixes.
const BY_INTERPRETER: Record<string, string> = {
  python: 'python',
  node: 'javascript', nodejs: 'javascript', deno: 'typescript', bun: 'javascript', 'ts-node': 'typescript', tsx: 'typescript',
  sh: 'shell', bash: 'shell', zsh: 'shell', ksh: 'shell', dash: 'shell', ash: 'shell', fish: 'shell',
  ruby: 'ruby',
  perl: 'perl',
  php: 'php',
  lua: 'lua',
  rscript: 'r',
  pwsh: 'powershell',
};

/** The fallback for text files whose language is unknown. */
export const PLAIN_TEXT = 'text';

/** Language from the file name alone, or undefined when the name says nothing. */
export function languageFromName(path: string): string | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  const named = BY_NAME[base];
  if (named) return named;
  if (base.startsWith('dockerfile.') || base.endsWith('.dockerfile')) return 'dockerfile';
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return undefined; // no extension, or a dotfile such as '.env'
  return BY_EXTENSION[base.slice(dot + 1)];
}

/** Language from a first line such as `#!/usr/bin/env python3` or `#!/bin/bash -e`. */
export function languageFromShebang(firstLine: string): string | undefined {
  if (!firstLine.startsWith('#!')) return undefined;
  const words = firstLine.slice(2).trim().split(/\s+/);
  let program = words[0] ?? '';
  program = program.slice(program.lastIndexOf('/') + 1);
  if (program === 'env') {
    // `env -S node --flags` and `env VAR=1 node` both name the interpreter in the first plain word.
    program = words.slice(1).find((w) => !w.startsWith('-') && !w.includes('=')) ?? '';
  }
  const name = program.toLowerCase().replace(/[\d.]+$/, ''); // python3.11 -> python
  return BY_INTERPRETER[name];
}

/** The language recorded for a file: its name first, then its shebang, else plain text. */
export function detectLanguage(path: string, firstLine: string): string {
  return languageFromName(path) ?? languageFromShebang(firstLine) ?? PLAIN_TEXT;
}

/** Languages whose generated bundles (minified, one huge line) are worth skipping. */
export function isBundleLanguage(language: string): boolean {
  return language === 'javascript' || language === 'css';
}
