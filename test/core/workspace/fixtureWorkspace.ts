// A small but realistic workspace, built in a temp folder per test file: real code in several languages,
// nested .gitignore files with a negation, .git/info/exclude, excluded folders, a binary, bundles, an
// oversized file, shebang scripts, CRLF text, and symlinks in and out of the root (which git could not
// commit portably, hence built at test time).

import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** maxFileBytes the tests pass, so 'too large' needs only a small file. */
export const FIXTURE_MAX_FILE_BYTES = 16 * 1024;

export const FILES: Record<string, string> = {
  '.gitignore': 'dist/\n*.log\n!keep.log\nsecrets.txt\n',
  '.git/HEAD': 'ref: refs/heads/main\n',
  '.git/config': '[core]\n\trepositoryformatversion = 0\n',
  '.git/info/exclude': 'local-notes.md\n',
  'local-notes.md': '# my notes (excluded by .git/info/exclude)\n',
  'README.md': '# Shop\n\nA tiny shop service used as a test fixture.\n\nRun `npm start` to serve it. TODO: document the API.\n',
  'package.json': '{\n  "name": "shop",\n  "version": "1.0.0",\n  "main": "src/index.ts"\n}\n',
  'src/index.ts': [
    "import { createServer } from './server/http';",
    "import { OrderService } from './orders/OrderService';",
    '',
    'const service = new OrderService();',
    '// TODO: read the port from the environment',
    'createServer(service).listen(8080);',
    '',
  ].join('\n'),
  'src/server/http.ts': [
    "import * as http from 'node:http';",
    "import type { OrderService } from '../orders/OrderService';",
    '',
    'export function createServer(orders: OrderService): http.Server {',
    '  return http.createServer((req, res) => {',
    "    if (req.url === '/orders') {",
    '      res.end(JSON.stringify(orders.list()));',
    '      return;',
    '    }',
    '    res.statusCode = 404;',
    "    res.end('not found');",
    '  });',
    '}',
    '',
  ].join('\n'),
  'src/orders/OrderService.ts': [
    'export interface Order {',
    '  id: number;',
    '  total: number;',
    '}',
    '',
    'export class OrderService {',
    '  private readonly orders: Order[] = [];',
    '',
    '  add(order: Order): void {',
    '    this.orders.push(order);',
    '  }',
    '',
    '  list(): Order[] {',
    '    return [...this.orders];',
    '  }',
    '',
    '  // todo: paginate',
    '  total(): number {',
    '    return this.orders.reduce((sum, o) => sum + o.total, 0);',
    '  }',
    '}',
    '',
  ].join('\n'),
  'src/components/Button.tsx': 'export function Button(props: { label: string }) {\n  return <button>{props.label}</button>;\n}\n',
  'src/legacy/.gitignore': '*.gen.ts\n!keep.gen.ts\n',
  'src/legacy/old.gen.ts': 'export const generated = true;\n',
  'src/legacy/keep.gen.ts': 'export const kept = true; // kept by a negation in src/legacy/.gitignore\n',
  'src/legacy/parser.js': "'use strict';\n\nfunction parse(input) {\n  return input.split(',').map((s) => s.trim());\n}\n\nmodule.exports = { parse };\n",
  'py/app/models.py': [
    'from dataclasses import dataclass',
    '',
    '',
    '@dataclass',
    'class Order:',
    '    id: int',
    '    total: float',
    '',
    '    def with_tax(self, rate: float) -> float:',
    '        # TODO: round to cents',
    '        return self.total * (1 + rate)',
    '',
  ].join('\n'),
  'go/main.go': 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("orders service")\n}\n',
  'rust/src/lib.rs': 'pub fn total(orders: &[u32]) -> u32 {\n    orders.iter().sum()\n}\n',
  'scripts/deploy': '#!/bin/bash\nset -euo pipefail\necho "deploying shop"\n',
  'scripts/migrate': '#!/usr/bin/env python3\nimport sys\n\nprint("migrating", sys.argv[1:])\n',
  'tools/run': '#!/usr/bin/env -S node --enable-source-maps\nconsole.log("run");\n',
  'windows.txt': 'first line\r\nsecond line\r\nthird line\r\n',
  'app.log': 'ignored log\n',
  'keep.log': 'kept by !keep.log\n',
  'secrets.txt': 'password=hunter2\n',
  'dist/bundle.js': 'console.log("ignored dist");\n',
  'node_modules/left-pad/index.js': 'module.exports = function leftPad() {};\n',
  '__pycache__/models.cpython-311.pyc': 'not really bytecode\n',
  'public/app.min.js': 'var a=1;\n',
  'public/app.js.map': '{"version":3}\n',
  'public/vendor.js': `!function(){${'var x=1;'.repeat(2000)}}();\n`,
  'public/styles.css': 'body {\n  margin: 0;\n}\n\n.button {\n  color: #333;\n}\n',
  'data/big.txt': 'x'.repeat(FIXTURE_MAX_FILE_BYTES + 100) + '\n',
};

export interface Fixture {
  root: string;
  /** A folder beside the root that symlinks point into. */
  outside: string;
  cleanup(): void;
}

export function createFixture(): Fixture {
  const base = mkdtempSync(join(tmpdir(), 'rlm-ws-'));
  const root = join(base, 'shop');
  const outside = join(base, 'outside');
  for (const [path, text] of Object.entries(FILES)) write(join(root, path), text);
  write(join(root, 'assets/logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
  write(join(outside, 'secret.txt'), 'outside secret\n');
  write(join(outside, 'dir/inner.ts'), 'export const outside = 1;\n');
  symlinkSync(join(outside, 'dir'), join(root, 'link-out-dir'));
  symlinkSync(join(outside, 'secret.txt'), join(root, 'link-out-file.txt'));
  symlinkSync('src/index.ts', join(root, 'link-in-file.ts'));
  symlinkSync('src', join(root, 'link-in-dir'));
  return { root, outside, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

/** Every path the fixture's index should hold, sorted. */
export const EXPECTED_PATHS = [
  '.gitignore',
  'README.md',
  'go/main.go',
  'keep.log',
  'link-in-file.ts',
  'package.json',
  'public/styles.css',
  'py/app/models.py',
  'rust/src/lib.rs',
  'scripts/deploy',
  'scripts/migrate',
  'src/components/Button.tsx',
  'src/index.ts',
  'src/legacy/.gitignore',
  'src/legacy/keep.gen.ts',
  'src/legacy/parser.js',
  'src/orders/OrderService.ts',
  'src/server/http.ts',
  'tools/run',
  'windows.txt',
];

export function write(path: string, content: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}
