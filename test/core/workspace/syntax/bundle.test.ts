// The symbol index from a cjs bundle, as the extension and CLI ship it: web-tree-sitter's ESM build reads
// import.meta.url, which is empty in cjs output, so Parser.init must get the runtime wasm through our
// explicit locateFile, and workers must start from syntaxWorker.js and query-worker.js beside the bundle.
// The bundle runs in a temp dir with no node_modules above it, so nothing can be found by accident.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as esbuild from 'esbuild';

const REPO = join(__dirname, '..', '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'syntax-bundle-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a cjs bundle finds the runtime, the grammars and its workers beside itself', async () => {
  const entry = join(dir, 'probe.ts');
  writeFileSync(entry, `
    import { statSync } from 'node:fs';
    import { QueryWorkers } from ${JSON.stringify(join(REPO, 'src/core/workspace/queries/QueryWorkers'))};
    import { SymbolIndex } from ${JSON.stringify(join(REPO, 'src/core/workspace/syntax/SymbolIndex'))};
    import { SymbolQueries } from ${JSON.stringify(join(REPO, 'src/core/workspace/syntax/SymbolQueries'))};
    const root = process.argv[2];
    const st = statSync(root + '/sample.rs');
    SymbolIndex.open({ root, files: [{ path: 'sample.rs', language: 'rust', bytes: st.size, mtimeMs: st.mtimeMs }], workers: 1 })
      .then(async (index) => {
        await index.ready;
        const workers = new QueryWorkers({ assets: index.assets });
        const queries = new SymbolQueries(index, workers, 10_000);
        const methods = (await queries.symbols({ kind: 'method', name: '*a*' })).items.map((s) => s.container + '.' + s.name);
        const impls = (await queries.astQuery('(impl_item type: (type_identifier) @t)', { language: 'rust' })).items.map((m) => m.captures[0].text);
        console.log(JSON.stringify({ stats: index.stats(), methods, impls }));
        workers.dispose();
        index.dispose();
      });
  `);
  // The options of esbuild.mjs that matter here: cjs for node, with its import.meta.url shim.
  const common: esbuild.BuildOptions = {
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', outdir: dir, logLevel: 'error',
    banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__importMetaUrl' },
  };
  await esbuild.build({ ...common, entryPoints: {
    probe: entry,
    syntaxWorker: join(REPO, 'src/core/workspace/syntax/syntaxWorker.ts'),
    'query-worker': join(REPO, 'src/core/workspace/queries/queryWorker.ts'),
  } });
  cpSync(join(REPO, 'grammars'), join(dir, 'grammars'), { recursive: true });
  cpSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), join(dir, 'web-tree-sitter.wasm'));

  const out = execFileSync(process.execPath, [join(dir, 'probe.js'), join(REPO, 'test/fixtures/syntax')], { cwd: dir, encoding: 'utf8' });
  const result = JSON.parse(out) as { stats: { parsedInBackground: number; failedFiles: number }; methods: string[]; impls: string[] };
  assert.equal(result.stats.parsedInBackground, 1, 'parsed by dist-style syntaxWorker.js');
  assert.equal(result.stats.failedFiles, 0);
  assert.deepEqual(result.methods, ['Shape.area', 'Circle.area'], 'the name glob ran in the dist-style query-worker.js');
  assert.deepEqual(result.impls, ['Circle', 'Circle'], 'the AST query too');
});
